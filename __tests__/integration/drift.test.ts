/**
 * Drift on the test bed: both stacks of a lab applied by OpenTofu, then the
 * lab changed by hand — the Ironic node deleted, put back to manageable,
 * its capabilities changed, the instance migrated back — each time the plan
 * shows exactly the step that fixes it (refresh runs the labcdk_observation
 * observers), apply fixes it, the next plan is empty (nothing flaps), and
 * `labcdk verify` names the difference before and passes after.
 * The lab is the test-bed lab with names of its own, so other test files
 * running at the same time are not disturbed.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { projectRoot } from "../../lab/project-root";
import { writeFiles } from "../helpers/files";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, openstackTry, stackOnTestbed, testbedEnv } from "../helpers/testbed";
import { tofu } from "../helpers/tofu";

const BIN = path.join(projectRoot(), "bin", "labcdk.js");
// Each test applies, plans twice and verifies twice against a test bed shared with other test files.
jest.setTimeout(900000);
const suffix = randomUUID().slice(0, 8);
const NODE = `drift-${suffix}`;
const SERVER = `drift-${suffix}`;

function writeLab(): string {
  const lab: any = parse(fs.readFileSync(path.join(projectRoot(), "labs", "testbed", "lab.yaml"), "utf8"));
  // Its own stack names, so its local state files (next to the synth folder) are its own too.
  lab.name = `drift${suffix}`;
  lab.baremetal.nodeFile = "nodes.json";
  // No rule on the shared default group: the ICMP rule is overcloud.test.ts's (two test files run at once in CI, and Neutron refuses a duplicate rule with 409).
  lab.securityGroup = { name: "default", allowIcmp: false, allowSsh: false };
  lab.baremetal.nodes = { [NODE]: { capabilities: { profile: "compute", boot_option: "local" } } };
  lab.instances = {
    [SERVER]: {
      image: "small", flavor: "m2.small", network: "lab_privnet", host: "compute-0",
      floatingIp: { pool: "lab_pubnet" }, reachabilityCheck: "api", migration: { to: "compute-1", kind: "cold" },
    },
  };
  const mac = `52:54:01:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:${suffix.slice(4, 6)}`;
  const nodes = { nodes: [{ name: NODE, arch: "x86_64", pm_type: "fake-hardware", mac: [mac], cpu: "2", memory: "6144", disk: "40" }] };
  return path.join(writeFiles({ "lab.yaml": stringify(lab), "nodes.json": JSON.stringify(nodes) }), "lab.yaml");
}

interface Change {
  address: string;
  actions: string;
  reason?: string;
}

/** The resources a fresh plan would change (no-ops and data reads left out). */
function plannedChanges(dir: string): Change[] {
  tofu(dir, ["plan", "-input=false", "-no-color", "-out=drift.plan"], testbedEnv);
  const plan = JSON.parse(tofu(dir, ["show", "-json", "drift.plan"], testbedEnv).stdout);
  return (plan.resource_changes ?? [])
    .filter((c: { mode: string; change: { actions: string[] } }) => c.mode === "managed" && c.change.actions.join(",") !== "no-op")
    .map((c: { address: string; change: { actions: string[] }; action_reason?: string }) => ({
      address: c.address,
      actions: c.change.actions.join(","),
      ...(c.action_reason ? { reason: c.action_reason } : {}),
    }))
    .sort((a: Change, b: Change) => a.address.localeCompare(b.address));
}

function verify(labFile: string): { status: number | null; differences: { check: string; subject: string; observed: string }[] } {
  // A generous bound: in CI this runs beside other test files on two cores, and Keystone gets slow.
  const result = spawnSync(process.execPath, [BIN, "verify", "--lab", labFile, "--json", "--timeout", "240"], {
    encoding: "utf8",
    env: { ...process.env, ...testbedEnv },
    timeout: 300000,
  });
  if (result.status === 2 || !result.stdout) throw new Error(`labcdk verify could not observe (exit ${result.status}): ${result.stderr}`);
  const report = JSON.parse(result.stdout);
  // Other test files disable compute hosts for a moment; those are not this lab's drift.
  const differences = report.checks.filter((c: { result: string; check: string }) => c.result === "DIFF" && c.check !== "compute.service");
  return { status: differences.length === 0 ? 0 : result.status, differences };
}

describeWithTestbed("drift on the test bed: the plan shows exactly the steps that fix it", () => {
  const labFile = writeLab();
  const undercloud = stackOnTestbed(labFile, `drift${suffix}-undercloud`);
  const overcloud = stackOnTestbed(labFile, `drift${suffix}-overcloud`);
  const apply = (dir: string) => tofu(dir, ["apply", "-auto-approve", "-input=false", "-no-color"], testbedEnv);
  const node = () => openstack("undercloud", ["baremetal", "node", "show", NODE]);
  const host = () => openstack("overcloud", ["server", "show", SERVER])["OS-EXT-SRV-ATTR:host"];

  afterAll(() => {
    // stackOnTestbed destroys both stacks; a node left by a failed step is removed here.
    if (openstackMaybe("undercloud", ["baremetal", "node", "show", NODE])) {
      openstackTry("undercloud", ["baremetal", "node", "manage", NODE, "--wait", "120"]);
      openstackTry("undercloud", ["baremetal", "node", "delete", NODE]);
    }
  });

  test("after apply: both plans are empty (observations agree) and verify passes", () => {
    apply(undercloud.dir);
    apply(overcloud.dir);
    expect(node().provision_state).toBe("available");
    expect(host()).toBe("compute-1");
    expect(plannedChanges(undercloud.dir)).toEqual([]);
    expect(plannedChanges(overcloud.dir)).toEqual([]);
    expect(verify(labFile)).toEqual({ status: 0, differences: [] });
  });

  test("node deleted by hand: the plan re-runs the enrolment and only it; apply restores the node, tagged", () => {
    openstackAction("undercloud", ["baremetal", "node", "manage", NODE, "--wait", "120"]);
    openstackAction("undercloud", ["baremetal", "node", "delete", NODE]);
    expect(verify(labFile).differences).toEqual([expect.objectContaining({ check: "node.exists", subject: NODE })]);

    const changes = plannedChanges(undercloud.dir);
    expect(changes).toEqual([
      { address: expect.stringMatching(/^labcdk_observation\.Nodes_Registered_[0-9A-F]+$/), actions: "update" },
      { address: expect.stringMatching(/^terraform_data\.Nodes_Enroll_[0-9A-F]+$/), actions: "delete,create", reason: "replace_by_triggers" },
    ]);

    apply(undercloud.dir);
    expect(node().provision_state).toBe("available");
    // Inspected again: inspector's CPU-flag capabilities, and the lab's.
    expect(node().properties.capabilities).toBe("boot_option:local,cpu_aes:true,cpu_hugepages:true,profile:compute");
    expect(plannedChanges(undercloud.dir)).toEqual([]);
    expect(verify(labFile)).toEqual({ status: 0, differences: [] });
  });

  test("node put back to manageable by hand: the enrolment runs again and provides it, without unregistering it", () => {
    const uuid = node().uuid;
    openstackAction("undercloud", ["baremetal", "node", "manage", NODE, "--wait", "120"]);
    expect(verify(labFile).differences).toEqual([expect.objectContaining({ check: "node.provision_state", subject: NODE, observed: "manageable" })]);

    expect(plannedChanges(undercloud.dir)).toEqual([
      { address: expect.stringMatching(/^labcdk_observation\.Nodes_Registered_[0-9A-F]+$/), actions: "update" },
      { address: expect.stringMatching(/^terraform_data\.Nodes_Enroll_[0-9A-F]+$/), actions: "delete,create", reason: "replace_by_triggers" },
    ]);
    const shown = tofu(undercloud.dir, ["show", "-no-color", "drift.plan"], testbedEnv).stdout;
    expect(shown).toMatch(new RegExp(`~ state\\s+= "${NODE}: provision_state=manageable" -> "registered"`));

    const applied = apply(undercloud.dir).stdout;
    expect(applied).not.toContain("unregistered");
    expect(node().uuid).toBe(uuid);
    expect(node().provision_state).toBe("available");
    expect(plannedChanges(undercloud.dir)).toEqual([]);
    expect(verify(labFile)).toEqual({ status: 0, differences: [] });
  });

  test("capabilities changed by hand: the plan re-runs the enrolment and only it; apply restores them without introspecting again", () => {
    openstackAction("undercloud", ["baremetal", "node", "set", "--property", "capabilities=profile:control,boot_option:local", NODE]);
    expect(verify(labFile).differences).toEqual([expect.objectContaining({ check: "node.capabilities", subject: NODE })]);

    expect(plannedChanges(undercloud.dir)).toEqual([
      { address: expect.stringMatching(/^labcdk_observation\.Nodes_Tagged_[0-9A-F]+$/), actions: "update" },
      { address: expect.stringMatching(/^terraform_data\.Nodes_Enroll_[0-9A-F]+$/), actions: "delete,create", reason: "replace_by_triggers" },
    ]);
    // The plan says what differs, in the observer's words.
    const shown = tofu(undercloud.dir, ["show", "-no-color", "drift.plan"], testbedEnv).stdout;
    expect(shown).toMatch(new RegExp(`~ state\\s+= "${NODE}: boot_option:local,profile:control" -> "tagged"`));

    const inspectedAt = node().inspection_finished_at;
    const applied = apply(undercloud.dir).stdout;
    // Written back sorted by key, as TripleO writes capabilities.
    expect(applied).toContain("capabilities 'profile:control,boot_option:local' -> 'boot_option:local,profile:compute'");
    expect(applied).not.toContain("starting introspection");
    expect(node().inspection_finished_at).toBe(inspectedAt);
    expect(node().properties.capabilities.split(",").sort()).toEqual(["boot_option:local", "profile:compute"]);
    expect(plannedChanges(undercloud.dir)).toEqual([]);
    expect(verify(labFile)).toEqual({ status: 0, differences: [] });
  });

  test("instance migrated back by hand: the plan re-runs the migration step, not a new server; apply moves it again", () => {
    const id = openstack("overcloud", ["server", "show", SERVER]).id;
    const migrate = spawnSync("bash", [path.join(projectRoot(), "scripts", "migrate-instance.sh")], {
      encoding: "utf8",
      env: { ...process.env, ...testbedEnv, OS_CLOUD: "overcloud", INSTANCE_ID: id, TARGET_HOST: "compute-0", MIGRATION_KIND: "cold", POLL_SECONDS: "2", TIMEOUT_SECONDS: "300" },
    });
    if (migrate.status !== 0) throw new Error(`moving the instance by hand failed:\n${migrate.stdout}\n${migrate.stderr}`);
    expect(host()).toBe("compute-0");
    expect(verify(labFile).differences).toEqual([expect.objectContaining({ check: "instance.host", subject: SERVER, observed: "compute-0" })]);

    expect(plannedChanges(overcloud.dir)).toEqual([
      { address: expect.stringMatching(/^labcdk_observation\.Migration-.*_Migrate_Observed_[0-9A-F]+$/), actions: "update" },
      { address: expect.stringMatching(/^terraform_data\.Migration-.*_Migrate_[0-9A-F]+$/), actions: "delete,create", reason: "replace_by_triggers" },
    ]);

    apply(overcloud.dir);
    expect(host()).toBe("compute-1");
    expect(openstack("overcloud", ["server", "show", SERVER]).id).toBe(id);
    expect(plannedChanges(overcloud.dir)).toEqual([]);
    expect(verify(labFile)).toEqual({ status: 0, differences: [] });
  });
});
