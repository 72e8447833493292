/**
 * scripts/lib/overcloud.sh helpers that need no cloud: the working folder and
 * its generated files, the rendered commands, and the report of nodes a long
 * deploy is stuck on.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const LIB = path.join(projectRoot(), "scripts", "lib", "overcloud.sh");

function bash(script: string, env: Record<string, string> = {}, input = "") {
  return spawnSync("bash", ["-c", `set -euo pipefail; . "${LIB}"; ${script}`], { encoding: "utf8", input, env: { ...process.env, ...env } });
}

describe("scripts/lib/overcloud.sh", () => {
  test("work_dir_ready expands ~/, writes the generated files, and refuses a path as a file name", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-home-"));
    const files = { "labcdk-parameters.yaml": "parameter_defaults:\n  ComputeCount: 2\n" };
    const ok = bash("work_dir_ready", { HOME: home, WORK_DIR: "~/oc", FILES_JSON: JSON.stringify(files) });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe(path.join(home, "oc"));
    expect(fs.readFileSync(path.join(home, "oc", "labcdk-parameters.yaml"), "utf8")).toBe(files["labcdk-parameters.yaml"]);

    const bad = bash("work_dir_ready", { HOME: home, WORK_DIR: "~/oc", FILES_JSON: JSON.stringify({ "../escape.yaml": "x" }) });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("'../escape.yaml' is not a plain file name");
    expect(fs.existsSync(path.join(home, "escape.yaml"))).toBe(false);
  });

  test("command_count and command_argv give back the rendered argument lists, spaces and all", () => {
    const commands = [["overcloud", "node", "provision", "--stack", "lab"], ["overcloud", "deploy", "-e", "/a dir/with space.yaml"]];
    const env = { COMMANDS_JSON: JSON.stringify(commands) };
    expect(bash("command_count", env).stdout.trim()).toBe("2");
    const second = bash('mapfile -d "" -t argv < <(command_argv 1); printf "<%s>" "${argv[@]}"', env);
    expect(second.stdout).toBe("<overcloud><deploy><-e></a dir/with space.yaml>");
    expect(bash("command_count", { COMMANDS_JSON: '["overcloud deploy"]' }).status).not.toBe(0);
  });

  test("stuck_nodes_report names the nodes on their way, their last error, and what to look at", () => {
    const nodes = [
      { name: "compute1", state: "active", profile: "compute", hostname: "overcloud-novacompute-0", last_error: null },
      { name: "compute2", state: "wait call-back", profile: "compute", hostname: "overcloud-novacompute-1", last_error: null },
      { name: "ceph", state: "deploy failed", profile: "ceph-storage", hostname: null, last_error: "Timeout reached while waiting for callback" },
      { name: "spare", state: "available", profile: null, hostname: null, last_error: null },
    ];
    const report = bash("stuck_nodes_report", {}, JSON.stringify(nodes));
    expect(report.status).toBe(0);
    const lines = report.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^node compute2 \(overcloud-novacompute-1\): wait call-back -- the deploy ramdisk never called back: .*zero-byte ifcfg-eth\* files/);
    expect(lines[1]).toBe(
      "node ceph (no instance): deploy failed; last error: Timeout reached while waiting for callback -- see last_error; openstack baremetal node undeploy returns it to available",
    );
    expect(bash("stuck_nodes_report", {}, JSON.stringify([nodes[0], nodes[3]])).stdout).toBe("");
  });
});
