import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { labWith } from "../helpers/lab-builder";
import { CLASSROOM_LAB } from "../helpers/synth";

const BIN = path.join(__dirname, "..", "..", "bin", "labcdk.js");
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

describe("labcdk overcloud render", () => {
  test("the classroom lab: the runbook's deploy command, one step, and the legacy warning", () => {
    const result = run("overcloud", "render", "--lab", "labs/classroom/lab.yaml");
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe('# lab "lab": overcloud stack overcloud, dialect legacy-flags, run in ~/labcdk-overcloud');
    expect(lines).toContain("# 1. deploy (scripts/overcloud-deploy.sh)");
    expect(lines).toContain(
      "openstack overcloud deploy --templates /home/stack/templates --control-scale 1 --ceph-storage-scale 1 --compute-scale 2 " +
        "--control-flavor control --compute-flavor compute --ceph-storage-flavor ceph-storage --neutron-tunnel-types vxlan --neutron-network-type vxlan " +
        "-e /home/stack/templates/compute-extraconfig.yaml -e /home/stack/templates/environments/network-isolation.yaml -e /home/stack/templates/network-environment.yaml " +
        "-e /home/stack/templates/environments/storage-environment.yaml -e /home/stack/templates/pre-config-fix.yaml",
    );
    expect(result.stdout).toContain("# warning: overcloud.dialect legacy-flags:");
  });

  test("a parameter-defaults scale-in: drain, node delete with --yes, deploy with the generated file written by --out", () => {
    const lab = labWith(CLASSROOM_LAB, {
      lab: (l) => {
        l.overcloud.dialect = "parameter-defaults";
        l.overcloud.roles.Compute.count = 1;
        l.overcloud.roles.Compute.remove = [{ hostname: "overcloud-novacompute-1", computeHost: "overcloud-novacompute-1.localdomain" }];
        l.overcloud.computeHosts = ["overcloud-novacompute-0.localdomain"];
        delete l.instances!["lab_test-nodes"].migration;
      },
    });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-render-"));
    const result = run("overcloud", "render", "--lab", lab, "--out", out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at("# 1. drain overcloud-novacompute-1.localdomain")).toBeGreaterThan(0);
    expect(lines[at("# 1. drain")]).toContain("live-migrate its instances to overcloud-novacompute-0.localdomain");
    expect(at("# 2. scale-in")).toBeGreaterThan(at("# 1. drain"));
    expect(lines).toContain("openstack overcloud node delete --stack overcloud --yes overcloud-novacompute-1");
    expect(at("# 3. deploy")).toBeGreaterThan(at("# 2. scale-in"));
    expect(lines[lines.length - 2]).toMatch(/^# warning: overcloud.dialect parameter-defaults/);
    expect(result.stdout).toMatch(/-e \/home\/stack\/templates\/pre-config-fix.yaml -e labcdk-parameters.yaml\n/);
    expect(parse(fs.readFileSync(path.join(out, "labcdk-parameters.yaml"), "utf8")).parameter_defaults).toMatchObject({ ComputeCount: 1, ControllerCount: 1, CephStorageCount: 1 });
  });

  test("a bad lab file is refused, naming the field, and nothing is written", () => {
    // Not a dialect: the type checker refuses it too, hence the cast.
    const lab = labWith(CLASSROOM_LAB, { lab: (l) => ((l.overcloud as { dialect: string }).dialect = "heat-flags") });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-render-")), "files");
    const result = run("overcloud", "render", "--lab", lab, "--out", out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("overcloud.dialect");
    expect(fs.existsSync(out)).toBe(false);
  });
});
