/**
 * The undercloud stack of the test-bed lab against the real Ironic, with the
 * runbook's own node: the classroom's instackenv entry for compute2
 * (`pxe_ipmitool`, a legacy `mac` list, numbers as strings) with only its
 * `pm_addr` pointed at a simulated IPMI BMC of the bed (testbed/bmc, pyghmi,
 * port 623 as the file's default) and its `pm_password` a unique one. Ironic's
 * `ipmi` hardware type talks to it with Debian's ipmitool: manage checks the
 * power state, inspection (ironic-inspector on Zed, Ironic's own on Epoxy)
 * sets PXE, powers the machine on — only then does the ramdisk stand-in report
 * — and off. compute2 goes from the node file to an introspected,
 * profile-tagged, `available` node; re-apply is a no-op; a password rotated
 * on the BMC reaches Ironic in place once Ironic's power sync has seen the
 * BMC refuse the old one; destroy removes it; neither password is in any
 * output, plan, state or log of ours.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { addBmc, bmcCommands, removeBmc, setBmcPassword } from "../helpers/bmc";
import { TESTBED_LAB } from "../helpers/synth";
import { tofu } from "../helpers/tofu";
import { describeWithTestbed, openstack, openstackMaybe, openstackTry, stackOnTestbed, TESTBED_DIR, TESTBED_INSPECT_INTERFACE, TESTBED_RELEASE, testbedEnv, inspectedProperties, CLASSROOM_NODE_FOUND, testbedUnavailable } from "../helpers/testbed";

/** A password found nowhere else, so that any copy of it in an output is this test's (20 bytes: IPMI's most). */
const PASSWORD = `lb-${randomUUID().slice(0, 17)}`;
/** The BMC's password after its rotation. */
const ROTATED = `lr-${randomUUID().slice(0, 17)}`;
const BMC = "compute2";

/**
 * The test-bed lab with the runbook's node file, its pm_addr rewritten to the simulated BMC's address and its
 * pm_password to PASSWORD (both the only changes: the BMC listens on the file's default IPMI port, 623).
 */
function runbookLabOnSimulatedBmc(): string {
  const fields = addBmc(BMC, "ipmi", PASSWORD);
  expect(fields.pm_port).toBe(623);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-runbook-bmc-"));
  const runbook = JSON.parse(fs.readFileSync(path.join(projectRoot(), "labs", "classroom", "instackenv-onenode.json"), "utf8"));
  const entry = runbook.nodes[0];
  expect(entry).toMatchObject({ name: "compute2", pm_type: "pxe_ipmitool", mac: ["52:54:00:00:fa:0d"], cpu: "2", memory: "6144", disk: "40" });
  entry.pm_addr = fields.pm_addr;
  entry.pm_password = PASSWORD;
  fs.writeFileSync(path.join(dir, "instackenv.json"), JSON.stringify(runbook, null, 2));
  fs.copyFileSync(TESTBED_LAB, path.join(dir, "lab.yaml"));
  return path.join(dir, "lab.yaml");
}

/** Every file under DIR (recursively, less the providers tofu installed) whose text holds NEEDLE, relative to DIR. */
function filesHolding(dir: string, needle: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.includes(`${path.sep}.terraform`))
    .filter((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8").includes(needle))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

describeWithTestbed("undercloud stack on the test bed: the runbook's compute2 through Ironic's ipmi driver and a simulated BMC", () => {

  // A node left by an earlier, interrupted run would be adopted (matched by name): start clean.
  beforeAll(() => {
    if (openstackMaybe("undercloud", ["baremetal", "node", "show", "compute2"])) {
      openstackTry("undercloud", ["baremetal", "node", "manage", "compute2", "--wait", "120"]);
      openstackTry("undercloud", ["baremetal", "node", "delete", "compute2"]);
    }
  });
  const lab = testbedUnavailable ? TESTBED_LAB : runbookLabOnSimulatedBmc();
  const { dir, run } = stackOnTestbed(lab, "testbed-undercloud");
  afterAll(() => removeBmc(BMC));
  const outputs: string[] = [];

  test("apply: compute2 is available, inspected through its BMC, tagged profile:compute,boot_option:local, with the properties introspection found", () => {
    const apply = run(["apply", "-auto-approve"]);
    outputs.push(apply.stdout, apply.stderr);
    expect(apply.stdout).toContain("introspection: done");
    expect(apply.stdout).toContain("node compute2: introspection found local_gb 39 (the file says 40); Ironic keeps what it found");
    const node = openstack("undercloud", ["baremetal", "node", "show", "compute2"]);
    expect(node.provision_state).toBe("available");
    // pxe_ipmitool is the classic driver: today's hardware type is ipmi, with ipmitool power and management.
    expect(node).toMatchObject({ driver: "ipmi", power_interface: "ipmitool", management_interface: "ipmitool", boot_interface: "ipxe" });
    expect(node.driver_info).toMatchObject({ ipmi_address: expect.stringMatching(/^127\.0\.1[01]\.\d+$/), ipmi_username: "admin", ipmi_password: "******" });
    expect(node.power_state).toBe("power off");
    expect(node.maintenance).toBe(false);
    expect(node.inspection_finished_at).toBeTruthy();
    expect(node.inspect_interface).toBe(TESTBED_INSPECT_INTERFACE);
    // As the runbook shows after introspection: local_gb 39 from the 40 GiB disk.
    expect(inspectedProperties(node.properties)).toEqual(CLASSROOM_NODE_FOUND);
    expect(node.properties.capabilities).toBe("boot_option:local,cpu_aes:true,cpu_hugepages:true,profile:compute");
    const kernel = openstack("undercloud", ["image", "show", "bm-deploy-kernel"]);
    expect(node.driver_info.deploy_kernel).toBe(kernel.id);
    const ports = openstack("undercloud", ["baremetal", "port", "list", "--node", node.uuid]);
    expect(ports.map((p: { Address: string }) => p.Address)).toEqual(["52:54:00:00:fa:0d"]);

    // What Ironic asked the BMC, in order: the power state (manage), then for the inspection a PXE boot
    // device, power on (a boot from PXE: the ramdisk stand-in reports only now) and, once done, power off.
    const commands = bmcCommands(BMC);
    const at = (command: string, from = 0) => commands.indexOf(command, from);
    expect(at("power status")).toBeGreaterThanOrEqual(0);
    expect(at("boot device pxe")).toBeGreaterThan(at("power status"));
    expect(at("power on", at("boot device pxe"))).toBeGreaterThan(at("boot device pxe"));
    expect(at("power off", at("power on", at("boot device pxe")))).toBeGreaterThan(0);
  });

  test("a second plan shows no changes", () => {
    const plan = run(["plan", "-detailed-exitcode"]);
    outputs.push(plan.stdout, plan.stderr);
    expect(plan.stdout).toContain("No changes.");
  });

  test("a password rotated on the BMC: Ironic's power sync puts the node in maintenance, the plan re-runs only the enrolment (no node replaced), the node file's new password reaches Ironic in place (same node, not inspected again), and the next plan is empty", () => {
    const before = openstack("undercloud", ["baremetal", "node", "show", "compute2"]);
    const asked = bmcCommands(BMC).length;
    setBmcPassword(BMC, ROTATED);
    const nodeFile = path.join(path.dirname(lab), "instackenv.json");
    const file = JSON.parse(fs.readFileSync(nodeFile, "utf8"));
    file.nodes[0].pm_password = ROTATED;
    fs.writeFileSync(nodeFile, JSON.stringify(file, null, 2));

    // The bed's Ironic checks power every 10 s and gives up at the first failure (a director: 60 s, 3 tries).
    let node = before;
    for (let i = 0; i < 45 && !(node.maintenance && node.fault === "power failure"); i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
      node = openstack("undercloud", ["baremetal", "node", "show", "compute2", "-c", "maintenance", "-c", "fault"]);
    }
    expect(node).toMatchObject({ maintenance: true, fault: "power failure" });

    const plan = run(["plan", "-out", "rotated.tfplan"]);
    outputs.push(plan.stdout, plan.stderr);
    expect(plan.stdout).toContain("compute2: maintenance=power failure");
    const changes = JSON.parse(tofu(dir, ["show", "-json", "rotated.tfplan"], testbedEnv).stdout).resource_changes
      .filter((c: any) => !c.change.actions.every((a: string) => a === "no-op" || a === "read"))
      .map((c: any) => `${c.address}: ${c.change.actions.join(", ")}`);
    // Only the enrolment step runs again (and the observation it reads); no Machine: no node unregistered.
    expect(changes.filter((c: string) => c.includes("Machine"))).toEqual([]);
    expect(changes.some((c: string) => /Nodes_Enroll.*create/.test(c))).toBe(true);
    const apply = tofu(dir, ["apply", "-input=false", "-no-color", "rotated.tfplan"], testbedEnv);
    outputs.push(apply.stdout, apply.stderr);
    expect(apply.stdout).toContain(`node compute2: exists (${before.uuid}), fields as the file says`);
    expect(apply.stdout).toContain("node compute2: was in maintenance since Ironic's power sync could not talk to its BMC");

    const after = openstack("undercloud", ["baremetal", "node", "show", "compute2"]);
    expect(after).toMatchObject({ uuid: before.uuid, provision_state: "available", maintenance: false, inspection_finished_at: before.inspection_finished_at });
    // Ironic's next power sync reaches the BMC with the new password: a command answered after the rotation.
    let answered: string[] = [];
    for (let i = 0; i < 30 && !answered.includes("power status"); i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      answered = bmcCommands(BMC).slice(asked);
    }
    expect(answered).toContain("power status");
    expect(openstack("undercloud", ["baremetal", "node", "show", "compute2"]).maintenance).toBe(false);
    const again = run(["plan", "-detailed-exitcode"]);
    outputs.push(again.stdout, again.stderr);
    expect(again.stdout).toContain("No changes.");
  });

  test("the BMC password (before and after its rotation) is in no synthesized file, plan, apply output or state, nor in the bed's BMC and ramdisk logs", () => {
    expect(outputs.join("\n")).not.toContain(PASSWORD);
    expect(outputs.join("\n")).not.toContain(ROTATED);
    expect(filesHolding(path.resolve(dir, "..", "..", ".."), ROTATED)).toEqual([]);
    // dir is cdktf.out/stacks/testbed-undercloud; the local state is beside cdktf.out.
    const synthRoot = path.resolve(dir, "..", "..", "..");
    expect(filesHolding(synthRoot, PASSWORD)).toEqual([]);
    expect(tofu(dir, ["show", "-json"], testbedEnv).stdout).not.toContain(PASSWORD);
    const logs = path.join(TESTBED_DIR, "log");
    const ours = fs.readdirSync(logs).filter((f) => f.startsWith("bmc-") || f === "ramdisk.log");
    expect(ours.filter((f) => [PASSWORD, ROTATED].some((p) => fs.readFileSync(path.join(logs, f), "utf8").includes(p)))).toEqual([]);
    // Ironic's own log: Zed's conductor (Debian 12, ironic 21.1) writes the whole node, driver_info and
    // password included, in one INFO line when `provide` skips automated cleaning (conductor/cleaning.py);
    // Epoxy's writes the UUID. docs/development.md, "Simulated BMCs", says so; this pins it.
    const ironicLines = fs.readFileSync(path.join(logs, "ironic.log"), "utf8").split("\n").filter((l) => l.includes(PASSWORD) || l.includes(ROTATED));
    if (TESTBED_RELEASE === "zed") {
      expect(ironicLines.length).toBeGreaterThan(0);
      expect(ironicLines.every((l) => l.includes("Automated cleaning is disabled via configuration, node Node("))).toBe(true);
    } else {
      expect(ironicLines).toEqual([]);
    }
  });

  test("destroy unregisters the node", () => {
    run(["destroy", "-auto-approve"]);
    expect(openstackMaybe("undercloud", ["baremetal", "node", "show", "compute2"])).toBeUndefined();
  });
});
