/**
 * Real introspection on the test bed. On Zed Ironic's `inspector` inspect interface
 * and ironic-inspector 11.1.0 do the work; on Epoxy Ironic inspects by itself (the
 * `agent` interface, the inventory posted to /v1/continue_inspection). The ramdisk stand-in
 * (testbed/lib/ramdisk.py) posts each node's hardware inventory as
 * ironic-python-agent would (testbed/hardware.json: 2 CPUs, x86_64, 6144 MiB,
 * one 40 GiB disk), or stays silent, or reports an error, as a test tells it.
 *
 * GIVEN fake-hardware nodes of this run's own names,
 * WHEN the runbook's commands or labcdk's enrolment inspect them,
 * THEN what Ironic holds is what inspector found (local_gb 39 from a 40 GiB
 * disk), a silent ramdisk ends in an aborted, `inspect failed` node (never one
 * left in `inspect wait`) while the others go on, so does a ramdisk error
 * (inspector 11.1.0 refuses it; Ironic's own inspection fails the node with it),
 * an error in the inspection's processing is named, a re-run after the cause is
 * fixed converges, and the concurrency bound holds with inspector doing the work.
 * The runbook's `openstack baremetal introspection` commands and the
 * concurrency check read ironic-inspector's records: they run where the bed's
 * nodes inspect through it (Zed).
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IronicNodeSpec } from "../../lab/ironic-fields";
import { projectRoot } from "../../lab/project-root";
import { enrollNodes, fakeNodeSpec } from "../helpers/enroll";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, openstackTry, ramdiskTells, CLASSROOM_NODE_FOUND, inspectedProperties, TESTBED_DIR, TESTBED_INSPECT_INTERFACE, testbedEnv, testbedUnavailable } from "../helpers/testbed";

const suffix = randomUUID().slice(0, 6);
const name = (i: number) => `insp-${suffix}-${i}`;
const mac = (i: number) => `52:54:03:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:${String(i).padStart(2, "0")}`;
const show = (i: number) => openstack("undercloud", ["baremetal", "node", "show", name(i)]);
let images = { kernel: "", ramdisk: "" };
const RAMDISK_LOG = path.join(TESTBED_DIR, "log", "ramdisk.log");
/** Whether the bed's nodes inspect through ironic-inspector (Zed) or Ironic's own `agent` inspection (Epoxy). */
const BY_INSPECTOR = TESTBED_INSPECT_INTERFACE === "inspector";
/** A test of ironic-inspector's own records and commands: only where the nodes inspect through it. */
const testWithInspector = BY_INSPECTOR ? test : test.skip;

const UNENROLL = path.join(projectRoot(), "scripts", "unenroll-node.sh");
/** The classroom node's file values (instackenv-onenode.json): 2 CPUs, 6144 MiB, a 40 GB disk. */
const spec = (i: number, extra: Partial<IronicNodeSpec> = {}) =>
  fakeNodeSpec(name(i), mac(i), images, { properties: { cpus: 2, memory_mb: 6144, local_gb: 40, cpu_arch: "x86_64" }, ...extra });

/** python-ironic-inspector-client 4.8.0, unpacked by tools/fetch-inspector-client.sh (Debian 12's package of it is empty). */
const INSPECTOR_CLIENT = path.join(process.env.LABCDK_CACHE ?? path.join(os.homedir(), ".cache", "labcdk"), "pypi", "ironic-inspector-client");
if (!testbedUnavailable && !fs.existsSync(path.join(INSPECTOR_CLIENT, "ironic_inspector_client"))) {
  // npm test fetches it first (pretest); missing, the runbook's commands could not run.
  throw new Error(`${INSPECTOR_CLIENT} is missing: run tools/fetch-inspector-client.sh`);
}

/** `openstack baremetal introspection ...` (python-ironic-inspector-client, as the runbook runs it). */
function introspection(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync("/usr/bin/openstack", ["--os-cloud", "undercloud", "baremetal", "introspection", ...args], {
    env: { ...process.env, ...testbedEnv, PYTHONPATH: INSPECTOR_CLIENT },
    encoding: "utf8",
    timeout: 120000,
  });
}

describeWithTestbed(`introspection on the test bed: Ironic's ${TESTBED_INSPECT_INTERFACE} interface and the ramdisk stand-in`, () => {
  jest.setTimeout(600000);
  beforeAll(() => {
    images = { kernel: openstack("undercloud", ["image", "show", "bm-deploy-kernel"]).id, ramdisk: openstack("undercloud", ["image", "show", "bm-deploy-ramdisk"]).id };
  });
  afterAll(() => {
    for (let i = 0; i < 12; i++) {
      ramdiskTells(name(i), undefined);
      if (!openstackMaybe("undercloud", ["baremetal", "node", "show", name(i)])) continue;
      openstackTry("undercloud", ["baremetal", "node", "maintenance", "unset", name(i)]);
      openstackTry("undercloud", ["baremetal", "node", "abort", name(i)]);
      openstackTry("undercloud", ["baremetal", "node", "manage", name(i), "--wait", "120"]);
      openstackTry("undercloud", ["baremetal", "node", "delete", name(i)]);
    }
  });

  testWithInspector("the runbook's commands: `introspection start` on a manageable node, `introspection status` until finished, then the discovered properties", () => {
    const node = openstack("undercloud", ["baremetal", "node", "create", "--driver", "fake-hardware", "--name", name(0),
      "--property", "cpus=2", "--property", "memory_mb=6144", "--property", "local_gb=40", "--property", "cpu_arch=x86_64"]);
    openstackAction("undercloud", ["baremetal", "port", "create", mac(0), "--node", node.uuid]);
    openstackAction("undercloud", ["baremetal", "node", "manage", name(0), "--wait", "120"]);

    // The runbook's step 4 (maintenance on an `available` node, then introspection) is refused by Zed's inspector:
    // it inspects only enroll, manageable and inspect-failed nodes.
    openstackAction("undercloud", ["baremetal", "node", "provide", name(0), "--wait", "120"]);
    openstackAction("undercloud", ["baremetal", "node", "maintenance", "set", name(0)]);
    const refused = introspection(["start", node.uuid]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('Invalid provision state for introspection: "available"');
    openstackAction("undercloud", ["baremetal", "node", "maintenance", "unset", name(0)]);
    openstackAction("undercloud", ["baremetal", "node", "manage", name(0), "--wait", "120"]);

    expect(introspection(["start", node.uuid]).status).toBe(0);
    let status: { finished: boolean; error: string | null } = { finished: false, error: null };
    for (let i = 0; i < 60 && !status.finished; i++) {
      spawnSync("sleep", ["1"]);
      status = JSON.parse(introspection(["status", node.uuid, "-f", "json"]).stdout);
    }
    expect(status).toMatchObject({ finished: true, error: null });
    // Inspector writes the properties as strings: memory_mb 6144, cpu_arch x86_64, local_gb 39 (a 40 GiB disk less 1), cpus 2.
    expect(show(0).properties).toMatchObject({ memory_mb: "6144", cpu_arch: "x86_64", local_gb: "39", cpus: "2" });
    const data = JSON.parse(introspection(["data", "save", node.uuid]).stdout);
    expect(data.inventory.disks.map((d: { size: number }) => d.size)).toEqual([40 * 1024 ** 3]);
    expect(data.macs).toEqual([mac(0)]);
  });

  test("labcdk's enrolment: introspection writes what it found, the difference from the file is reported, a re-run keeps it", () => {
    const first = enrollNodes([spec(1)]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`node ${name(1)}: introspection: done`);
    expect(first.stdout).toContain(`node ${name(1)}: introspection found local_gb 39 (the file says 40); Ironic keeps what it found`);
    const node = show(1);
    expect(node.provision_state).toBe("available");
    expect(node.inspect_interface).toBe(TESTBED_INSPECT_INTERFACE);
    expect(inspectedProperties(node.properties)).toEqual(CLASSROOM_NODE_FOUND);
    // The capabilities hook (cpu flags aes, pse) and the file's profile, merged.
    expect(node.properties.capabilities).toBe("cpu_aes:true,cpu_hugepages:true,profile:compute");
    // Inspector's port for the PXE NIC is the one labcdk created: still one port, pxe_enabled.
    const ports = openstack("undercloud", ["baremetal", "port", "list", "--node", node.uuid, "--long"]);
    expect(ports).toEqual([expect.objectContaining({ Address: mac(1), "PXE boot enabled": true, "Physical Network": "ctlplane" })]);

    const again = enrollNodes([spec(1)]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`node ${name(1)}: exists (${node.uuid}), fields as the file says`);
    expect(again.stdout).toContain(`node ${name(1)}: inspected and available; done`);
    expect(show(1).properties).toMatchObject({ local_gb: "39" });
    expect(show(1).inspection_finished_at).toBe(node.inspection_finished_at);
  });

  test("a silent ramdisk: the node is aborted at the timeout with the stuck-node hint, ends inspect failed, and the others end available", () => {
    ramdiskTells(name(3), { behaviour: "silent" });
    const result = enrollNodes([spec(2), spec(3), spec(4)], { INTROSPECTION_TIMEOUT_SECONDS: "20" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`error: node ${name(3)}: gave up after 2\\d+s in inspect wait \\(last_error: None\\); ` +
      "the inspection ramdisk never reported back: check the node console \\(did it PXE-boot\\?\\), DHCP on the provisioning network, " +
      "and the BMC's boot device; introspection aborted \\(the node is now in inspect failed"));
    expect(result.stderr).toContain("1 of 3 node(s) not enrolled (above)");
    expect(show(3).provision_state).toBe("inspect failed");
    if (BY_INSPECTOR) {
      const inspector = JSON.parse(introspection(["status", show(3).uuid, "-f", "json"]).stdout);
      expect(inspector).toMatchObject({ finished: true, error: "Canceled by operator" });
    }
    for (const i of [2, 4]) expect(show(i)).toMatchObject({ provision_state: "available", properties: expect.objectContaining({ local_gb: "39" }) });
  });

  test("re-run once the ramdisk answers: the aborted node is inspected again and ends available", () => {
    ramdiskTells(name(3), undefined);
    const result = enrollNodes([spec(2), spec(3), spec(4)]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`node ${name(3)}: inspect failed (`);
    expect(show(3)).toMatchObject({ provision_state: "available", properties: expect.objectContaining({ local_gb: "39" }) });
  });

  testWithInspector("a ramdisk error: inspector 11.1.0 refuses the report (it has no `error` transition from `waiting`), so the node waits; labcdk aborts it at the timeout; a re-run converges", () => {
    ramdiskTells(name(5), { behaviour: "error", error: "no disks found: /dev/sda did not answer" });
    const failed = enrollNodes([spec(5)], { INTROSPECTION_TIMEOUT_SECONDS: "20" });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`error: node ${name(5)}: gave up after 2\\d+s in inspect wait .*; introspection aborted`));
    expect(show(5).provision_state).toBe("inspect failed");
    // What the ramdisk got back, in the stand-in's log.
    expect(fs.readFileSync(RAMDISK_LOG, "utf8")).toContain(
      `node ${name(5)}: the report was refused (400: {"error":{"message":"Can not transition from state 'waiting' on event 'error' (no defined transition)"}}`);
    ramdiskTells(name(5), undefined);
    const fixed = enrollNodes([spec(5)]);
    expect(fixed.status).toBe(0);
    expect(show(5).provision_state).toBe("available");
  });

  (BY_INSPECTOR ? test.skip : test)("a ramdisk error: Ironic's own inspection takes it and fails the node with it; labcdk retries once, then names it; a re-run converges", () => {
    ramdiskTells(name(5), { behaviour: "error", error: "no disks found: /dev/sda did not answer" });
    const failed = enrollNodes([spec(5)], { INTROSPECTION_TIMEOUT_SECONDS: "60" });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`error: node ${name(5)}: introspection failed after \\d+s: .*no disks found: /dev/sda did not answer`));
    expect(failed.stdout).toContain("again (retry 1 of 1) -> starting introspection");
    expect(show(5).provision_state).toBe("inspect failed");
    ramdiskTells(name(5), undefined);
    const fixed = enrollNodes([spec(5)]);
    expect(fixed.status).toBe(0);
    expect(show(5).provision_state).toBe("available");
  });

  test("an error in the inspection's processing (a root device hint no disk satisfies) ends the node in inspect failed, the error named; with the hint fixed a re-run converges", () => {
    const properties = { cpus: 2, memory_mb: 6144, local_gb: 40, cpu_arch: "x86_64" };
    const failed = enrollNodes([spec(10, { properties: { ...properties, root_device: { serial: "NO-SUCH-DISK" } } })]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`error: node ${name(10)}: introspection failed after \\d+s: (no error recorded this time; the first attempt: )?${BY_INSPECTOR ? "ironic-inspector inspection failed: " : "Failed to finish inspection: Failed to inspect hardware. Reason: failed to run inspection hooks: "}No disks satisfied root device hints`));
    // Retried once first, as TripleO's `overcloud node introspect --max-retries` (default 1).
    expect(failed.stdout).toContain(`node ${name(10)}: introspection failed after`);
    expect(failed.stdout).toContain("again (retry 1 of 1) -> starting introspection");
    expect(show(10).provision_state).toBe("inspect failed");
    // The disk the stand-in reports for every node (testbed/hardware.json): serial QM00001.
    const fixed = enrollNodes([spec(10, { properties: { ...properties, root_device: { serial: "QM00001" } } })]);
    expect(fixed.stderr).toBe("");
    expect(fixed.status).toBe(0);
    expect(show(10)).toMatchObject({ provision_state: "available", properties: expect.objectContaining({ local_gb: "39", root_device: { serial: "QM00001" } }) });
  });

  test("destroy of a node an interrupted apply left in inspect wait: unenroll-node.sh aborts its inspection and unregisters it", () => {
    ramdiskTells(name(11), { behaviour: "silent" });
    const node = openstack("undercloud", ["baremetal", "node", "create", "--driver", "fake-hardware", "--name", name(11)]);
    openstackAction("undercloud", ["baremetal", "port", "create", mac(11), "--node", node.uuid]);
    openstackAction("undercloud", ["baremetal", "node", "manage", name(11), "--wait", "120"]);
    openstackAction("undercloud", ["baremetal", "node", "inspect", name(11)]);
    for (let i = 0; i < 30 && show(11).provision_state !== "inspect wait"; i++) spawnSync("sleep", ["1"]);
    expect(show(11).provision_state).toBe("inspect wait");
    const result = spawnSync("bash", [UNENROLL], { encoding: "utf8", timeout: 300000, env: { ...process.env, ...testbedEnv, OS_CLOUD: "undercloud", NODE_NAME: name(11) } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`node ${name(11)} abort: done after`);
    expect(result.stdout).toContain(`node ${name(11)} (${node.uuid}) unregistered`);
    expect(openstackMaybe("undercloud", ["baremetal", "node", "show", name(11)])).toBeUndefined();
  });

  testWithInspector("the concurrency bound holds with inspector doing the work: 4 nodes, 2 slots, never more than 2 introspected at once", () => {
    const nodes = [6, 7, 8, 9];
    for (const i of nodes) ramdiskTells(name(i), { delay_seconds: 4 });
    const result = enrollNodes(nodes.map((i) => spec(i)), { INTROSPECTION_CONCURRENCY: "2" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    // Inspector's own record of each introspection, [started_at, finished_at]; the most that overlap at one instant.
    const spans = nodes.map((i) => JSON.parse(introspection(["status", show(i).uuid, "-f", "json"]).stdout))
      .map((s: { started_at: string; finished_at: string }) => [Date.parse(`${s.started_at}Z`), Date.parse(`${s.finished_at}Z`)]);
    for (const [start, end] of spans) expect(end - start).toBeGreaterThanOrEqual(4000);
    const atOnce = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    expect(atOnce).toBe(2);
  });
});
