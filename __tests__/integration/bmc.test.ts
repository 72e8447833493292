/**
 * labcdk's enrolment through Ironic's real BMC drivers, against the test bed's
 * simulated BMCs (testbed/bmc: IPMI on pyghmi's server, Redfish on sushy-tools'
 * emulator), on both releases. The runbook's IPMI node through a whole stack is
 * undercloud.test.ts's; here:
 *
 * GIVEN a modern Redfish entry of a node file (read by labcdk's node-file reader),
 * WHEN enrolled, THEN it ends available, inspected (local_gb 39), and its BMC saw
 * the power state asked, a PXE boot device, power on and power off.
 *
 * GIVEN a fleet whose BMCs go wrong the ways a director meets first — a wrong
 * password (IPMI and Redfish), a BMC that does not answer, an IPMI BMC that
 * hangs mid-conversation — WHEN enrolled, THEN each fails within seconds with one
 * line naming the node, its BMC address and what to check, never the password;
 * AND after the fixes a re-run takes every node to available.
 *
 * GIVEN a machine powered on by hand at its BMC before `provide`, WHEN enrolled, THEN it ends available
 * and Ironic's power sync (force_power_state_during_sync) powers it back off.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ironicNodeSpec, IronicNodeSpec, nodeVariableSuffix } from "../../lab/ironic-fields";
import { loadNodeFile } from "../../lab/instackenv";
import { addBmc, BmcFields, bmcCommands, removeBmc, runBmcCommand, setBmc } from "../helpers/bmc";
import { enrollNodes } from "../helpers/enroll";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, openstackTry, CLASSROOM_NODE_FOUND, inspectedProperties } from "../helpers/testbed";

const suffix = randomUUID().slice(0, 6);
const name = (what: string) => `bmc-${suffix}-${what}`;
const mac = (i: number) => `52:54:07:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:${String(i).padStart(2, "0")}`;
/** Passwords found nowhere else (20 bytes at most: IPMI's limit). */
const secret = (what: string) => `s-${suffix}-${what}`.slice(0, 20);
const NODES = ["redfish", "wrongpw", "wrongpwrf", "down", "hang"].map(name);

let images = { deployKernel: "", deployRamdisk: "" };

/** The Ironic spec of a node-file entry, as the stack makes it (labcdk's reader, then lab/ironic-fields.ts). */
function specOf(entry: Record<string, unknown>): IronicNodeSpec {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bmc-")), "nodes.json");
  fs.writeFileSync(file, JSON.stringify({ nodes: [entry] }));
  return ironicNodeSpec(loadNodeFile(file)[0], images, { profile: "compute" });
}

/** A node-file entry of the classroom node's shape that reaches BMC `fields`, with PASSWORD as its pm_password. */
function entry(node: string, i: number, fields: BmcFields, password: string): Record<string, unknown> {
  const { pm_password: _made, ...reach } = fields;
  return { name: node, ...reach, pm_password: password, ports: [{ address: mac(i) }], cpu: 2, memory: 6144, disk: 40, arch: "x86_64" };
}

const passwordVariable = (node: string) => `LABCDK_BMC_PASSWORD_${nodeVariableSuffix(node)}`;

describeWithTestbed("enrolment through Ironic's ipmi and redfish drivers, against simulated BMCs", () => {
  jest.setTimeout(600000);
  beforeAll(() => {
    images = { deployKernel: openstack("undercloud", ["image", "show", "bm-deploy-kernel"]).id, deployRamdisk: openstack("undercloud", ["image", "show", "bm-deploy-ramdisk"]).id };
  });
  afterAll(() => {
    for (const node of NODES) {
      if (openstackMaybe("undercloud", ["baremetal", "node", "show", node])) {
        openstackTry("undercloud", ["baremetal", "node", "manage", node, "--wait", "60"]);
        openstackTry("undercloud", ["baremetal", "node", "delete", node]);
      }
      removeBmc(node);
    }
  });

  test("testbed/bmc: add prints the node-file fields (a password only when it made one), list never shows one, a bad command is one line", () => {
    const made = addBmc(name("redfish"), "redfish");
    expect(made).toEqual({ pm_type: "redfish", pm_addr: expect.stringMatching(/^http:\/\/127\.0\.0\.1:1[56]8\d\d$/),
      pm_system_id: expect.stringMatching(/^\/redfish\/v1\/Systems\/[0-9a-f-]{36}$/), pm_user: "admin", pm_password: expect.any(String) });
    const given = addBmc(name("wrongpw"), "ipmi", secret("right"));
    expect(given).toEqual({ pm_type: "ipmi", pm_addr: expect.stringMatching(/^127\.0\.1[01]\.\d+$/), pm_port: 623, pm_user: "admin" });
    const list = runBmcCommand(["list"]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`${given.pm_addr}:623`);
    expect(list.stdout).not.toContain(made.pm_password);
    expect(list.stdout).not.toContain(secret("right"));
    const unknown = runBmcCommand(["log", name("nosuch")]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim()).toBe(`testbed/bmc: no simulated BMC named ${name("nosuch")} (testbed/bmc list shows them)`);
  });

  test("a modern Redfish entry ends available and inspected; its BMC saw power status, PXE, power on and off", () => {
    const fields = addBmc(name("redfish"), "redfish");
    const result = enrollNodes([specOf(entry(name("redfish"), 0, fields, fields.pm_password!))], { [passwordVariable(name("redfish"))]: fields.pm_password! });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const node = openstack("undercloud", ["baremetal", "node", "show", name("redfish")]);
    expect(node).toMatchObject({ provision_state: "available", driver: "redfish", power_interface: "redfish", management_interface: "redfish", power_state: "power off" });
    expect(inspectedProperties(node.properties)).toMatchObject({ memory_mb: CLASSROOM_NODE_FOUND.memory_mb, local_gb: "39" });
    const commands = bmcCommands(name("redfish"));
    const pxe = commands.indexOf("boot device pxe");
    expect(commands.indexOf("power status")).toBeGreaterThanOrEqual(0);
    expect(pxe).toBeGreaterThan(0);
    expect(commands.indexOf("power On", pxe)).toBeGreaterThan(pxe);
    expect(commands.indexOf("power ForceOff", commands.indexOf("power On", pxe))).toBeGreaterThan(pxe);
  });

  test("wrong passwords, a BMC that does not answer and one that hangs: one line each within seconds, no password; after the fixes a re-run converges", () => {
    const ipmi = addBmc(name("wrongpw"), "ipmi", secret("right"));
    const redfish = addBmc(name("wrongpwrf"), "redfish", secret("rightrf"));
    const down = addBmc(name("down"), "ipmi", secret("down"));
    const hang = addBmc(name("hang"), "ipmi", secret("hang"));
    setBmc(name("down"), "unreachable");
    setBmc(name("hang"), "hang");
    const specs = [
      specOf(entry(name("wrongpw"), 1, ipmi, secret("wrong"))),
      specOf(entry(name("wrongpwrf"), 2, redfish, secret("wrongrf"))),
      specOf(entry(name("down"), 3, down, secret("down"))),
      specOf(entry(name("hang"), 4, hang, secret("hang"))),
    ];
    // The file's passwords are what the enrolment reads (no LABCDK_BMC_PASSWORD_*): the node file is the last source.
    const nodeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bmc-")), "nodes.json");
    const passwords = { [name("wrongpw")]: secret("wrong"), [name("wrongpwrf")]: secret("wrongrf"), [name("down")]: secret("down"), [name("hang")]: secret("hang") };
    fs.writeFileSync(nodeFile, JSON.stringify(passwords));
    const started = Date.now();
    const failed = enrollNodes(specs, { LABCDK_BMC_PASSWORD_FILE: nodeFile });
    const seconds = (Date.now() - started) / 1000;
    expect(failed.status).toBe(1);
    // Bounded by Ironic's BMC timeouts (the bed's: ipmitool 3 s, Redfish one attempt), not by labcdk's 300 s.
    expect(seconds).toBeLessThan(60);
    const errors = failed.stderr.split("\n").filter((l) => l.includes("error: node "));
    const line = (node: string) => errors.find((l) => l.includes(`error: node ${node}: `)) ?? `(no line for ${node})`;
    const expected = (node: string, fields: BmcFields) => new RegExp(`error: node ${node}: manage failed after \\d+s: Ironic could not get the power state from the BMC at ` +
      `${fields.pm_addr.replace(/[.:/]/g, "\\$&")}${fields.pm_port ? ":623" : ` system ${fields.pm_system_id}`} \\(${fields.pm_type}, user admin; password from LABCDK_BMC_PASSWORD_FILE \\(.*\\)\\): ` +
      "check that the BMC answers at that address from the director, and the user and password; Ironic says: ");
    expect(line(name("wrongpw"))).toMatch(expected(name("wrongpw"), ipmi));
    expect(line(name("wrongpw"))).toMatch(/IPMI call failed: power status\.$/);
    expect(line(name("wrongpwrf"))).toMatch(expected(name("wrongpwrf"), redfish));
    expect(line(name("wrongpwrf"))).toContain("returned code 401");
    expect(line(name("down"))).toMatch(expected(name("down"), down));
    expect(line(name("hang"))).toMatch(expected(name("hang"), hang));
    expect(line(name("hang"))).toMatch(/timed out after \d+ seconds$/);
    for (const password of Object.values(passwords).concat(secret("right"), secret("rightrf"))) expect(failed.stdout + failed.stderr).not.toContain(password);
    // The hanging BMC opened a session and then left the commands unanswered.
    expect(bmcCommands(name("hang"))).toEqual(expect.arrayContaining(["session for user admin", expect.stringMatching(/^no answer \(hanging\) to /)]));

    // The fixes: the right passwords (from the environment now), the BMCs answering again.
    setBmc(name("down"), "ok");
    setBmc(name("hang"), "ok");
    const fixed = enrollNodes(specs, { [passwordVariable(name("wrongpw"))]: secret("right"), [passwordVariable(name("wrongpwrf"))]: secret("rightrf"),
      [passwordVariable(name("down"))]: secret("down"), [passwordVariable(name("hang"))]: secret("hang") });
    expect(fixed.stderr).toBe("");
    expect(fixed.status).toBe(0);
    for (const node of NODES.slice(1)) {
      expect(fixed.stdout).toMatch(new RegExp(`node ${node}: exists \\([0-9a-f-]{36}\\), `));
      expect(openstack("undercloud", ["baremetal", "node", "show", node]).provision_state).toBe("available");
    }
  });

  test("a machine left powered on by hand before provide: the enrolment takes it to available, and Ironic's power sync powers it back off", () => {
    // The node of the wrong-password test, fixed and available; back to manageable, as before a provide.
    const node = name("wrongpw");
    openstackAction("undercloud", ["baremetal", "node", "manage", node, "--wait", "60"]);
    const fields = openstack("undercloud", ["baremetal", "node", "show", node]).driver_info;
    const asked = bmcCommands(node).length;
    // By hand, at the BMC (loopback): ipmitool as an operator would run it.
    const byHand = spawnSync("ipmitool", ["-I", "lanplus", "-H", fields.ipmi_address, "-U", "admin", "-E", "power", "on"],
      { encoding: "utf8", timeout: 30000, env: { ...process.env, IPMI_PASSWORD: secret("right") } });
    expect(byHand.stdout).toContain("Chassis Power Control: Up/On");
    const result = enrollNodes([specOf(entry(node, 1, { pm_type: "ipmi", pm_addr: fields.ipmi_address, pm_port: 623, pm_user: "admin" }, secret("right")))],
      { [passwordVariable(node)]: secret("right") });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(`node ${node}: inspected -> provide`);
    // Ironic's database says power off; its next power sync (10 s here, 60 s on a director) makes the machine so.
    let commands: string[] = [];
    for (let i = 0; i < 40 && !commands.includes("power off"); i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      commands = bmcCommands(node).slice(asked);
    }
    expect(commands.slice(commands.indexOf("power on"))).toContain("power off");
    expect(openstack("undercloud", ["baremetal", "node", "show", node])).toMatchObject({ provision_state: "available", power_state: "power off", maintenance: false });
  });
});
