/**
 * scripts/enroll-nodes.sh, the fleet's enrolment, run directly against the
 * test bed's Ironic (fake-hardware) for what the stack tests do not reach:
 * one bad node among good ones, nodes picked up from every state an earlier
 * run or a person left them in, and a missing password stopping the run
 * before any request. Node names are this run's own.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IronicNodeSpec, nodeVariableSuffix } from "../../lab/ironic-fields";
import { projectRoot } from "../../lab/project-root";
import { enrollNodes, fakeNodeSpec } from "../helpers/enroll";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, openstackTry } from "../helpers/testbed";

const SCRIPT = path.join(projectRoot(), "scripts", "enroll-nodes.sh");
const suffix = randomUUID().slice(0, 6);
const name = (i: number) => `enr-${suffix}-${i}`;
const mac = (i: number) => `52:54:02:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:${String(i).padStart(2, "0")}`;

const spec = (i: number, extra: Partial<IronicNodeSpec> = {}): IronicNodeSpec => fakeNodeSpec(name(i), mac(i), { kernel, ramdisk }, extra);
const enroll = enrollNodes;
const show = (i: number) => openstack("undercloud", ["baremetal", "node", "show", name(i)]);
let kernel = "";
let ramdisk = "";

describe("scripts/enroll-nodes.sh without a cloud", () => {
  test("--help names its inputs", () => {
    const result = spawnSync("bash", [SCRIPT, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    for (const word of ["LABCDK_NODE_<NAME>", "INTROSPECTION_CONCURRENCY", "LABCDK_BMC_PASSWORD_<NODE>", "CREATE_DEFAULTS"]) expect(result.stdout).toContain(word);
  });
});

describe("the apply-time BMC password (scripts/lib/ironic_node.py bmc_password)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-passwords-"));
  fs.writeFileSync(path.join(dir, "nodes.json"), JSON.stringify({ nodes: [{ name: "n-1", pm_password: "from-node-file" }, { name: "n-2", pm_password: "file-2" }] }));
  fs.writeFileSync(path.join(dir, "passwords.json"), JSON.stringify({ "n-1": "from-password-file" }));
  const passwordOf = (names: string[], env: Record<string, string>) =>
    spawnSync("/usr/bin/python3", ["-c", "import sys, ironic_node\nfor n in sys.argv[1:]: print(ironic_node.bmc_password(n))", ...names], {
      encoding: "utf8",
      cwd: path.join(projectRoot(), "scripts", "lib"),
      env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: "1", LABCDK_PROJECT_DIR: dir, NODE_FILE: "nodes.json", ...env },
    });

  test("LABCDK_BMC_PASSWORD_<NODE> first, then LABCDK_BMC_PASSWORD_FILE (a name → password map, or the node file itself), then the node file", () => {
    expect(passwordOf(["n-1", "n-2"], {}).stdout).toBe("from-node-file\nfile-2\n");
    expect(passwordOf(["n-2"], { LABCDK_BMC_PASSWORD_FILE: path.join(dir, "nodes.json"), NODE_FILE: "elsewhere.json" }).stdout).toBe("file-2\n");
    expect(passwordOf(["n-1"], { LABCDK_BMC_PASSWORD_FILE: path.join(dir, "passwords.json") }).stdout).toBe("from-password-file\n");
    expect(passwordOf(["n-1"], { LABCDK_BMC_PASSWORD_N_1: "from-env", LABCDK_BMC_PASSWORD_FILE: path.join(dir, "passwords.json") }).stdout).toBe("from-env\n");
  });

  test("a node the password file lacks: a clear error that names it, no password shown", () => {
    const result = passwordOf(["n-2"], { LABCDK_BMC_PASSWORD_FILE: path.join(dir, "passwords.json") });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("node n-2: no password for it in LABCDK_BMC_PASSWORD_FILE");
    expect(result.stderr + result.stdout).not.toContain("from-");
  });
  describe("GIVEN a broken or hostile LABCDK_BMC_PASSWORD_FILE", () => {
    const hostile: Record<string, [content: string | Buffer, why: string]> = {
      empty: ["", "not JSON (line 1, column 1)"],
      "not JSON": ["n-1: from-yaml-password\n", "not JSON (line 1, column 1)"],
      "a list": [JSON.stringify(["from-list-password"]), "not a JSON object of node names and passwords, nor a node file"],
      "binary garbage": [Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x80]), "not UTF-8 text"],
      "invalid UTF-8": [Buffer.concat([Buffer.from('{"n-1": "from-'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), "not UTF-8 text"],
      "nested 100,000 deep": [`{"n-1": ${"[".repeat(100000)}${"]".repeat(100000)}}`, "nested too deeply"],
    };
    for (const [kind, [content, why]] of Object.entries(hostile)) {
      test(`WHEN it is ${kind} THEN one line names the file and says why, exit 1, no traceback, no password`, () => {
        const file = path.join(dir, `hostile-${kind.replace(/\W+/g, "-")}.json`);
        fs.writeFileSync(file, content);
        const result = passwordOf(["n-1"], { LABCDK_BMC_PASSWORD_FILE: file });
        expect(result.status).toBe(1);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toContain(`error: LABCDK_BMC_PASSWORD_FILE (${file}): ${why}`);
        expect(result.stderr + result.stdout).not.toContain("from-");
      });
    }
    test("WHEN a password is not text (a number) THEN the node counts as having none, and is named", () => {
      const file = path.join(dir, "number.json");
      fs.writeFileSync(file, JSON.stringify({ "n-1": 12345 }));
      const result = passwordOf(["n-1"], { LABCDK_BMC_PASSWORD_FILE: file });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("node n-1: no password for it in LABCDK_BMC_PASSWORD_FILE");
    });
    test("WHEN the node file the passwords fall back to is not JSON THEN the error names it and says why", () => {
      const result = passwordOf(["n-1"], { NODE_FILE: path.join(dir, "hostile-not-JSON.json") });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/no BMC password: .*hostile-not-JSON\.json \(not JSON \(line 1, column 1\)/);
      expect(result.stderr).not.toContain("from-");
    });
  });
});

describeWithTestbed("scripts/enroll-nodes.sh on the test bed", () => {
  jest.setTimeout(600000);
  beforeAll(() => {
    kernel = openstack("undercloud", ["image", "show", "bm-deploy-kernel"]).id;
    ramdisk = openstack("undercloud", ["image", "show", "bm-deploy-ramdisk"]).id;
  });
  afterAll(() => {
    for (let i = 0; i < 6; i++) {
      if (!openstackMaybe("undercloud", ["baremetal", "node", "show", name(i)])) continue;
      openstackTry("undercloud", ["baremetal", "node", "manage", name(i), "--wait", "120"]);
      openstackTry("undercloud", ["baremetal", "node", "delete", name(i)]);
    }
  });

  test("a missing BMC password stops the run before any request: no node is created", () => {
    const result = enroll([spec(0), spec(1, { driver: "ipmi", password_fields: ["ipmi_password"] })]);
    expect(result.status).toBe(1);
    const variable = `LABCDK_BMC_PASSWORD_${nodeVariableSuffix(name(1))}`;
    expect(result.stderr).toContain(`node ${name(1)}: no BMC password: ${variable} and LABCDK_BMC_PASSWORD_FILE are unset, and the node file is not at `);
    expect(result.stderr).toContain(`Set ${variable}, or LABCDK_BMC_PASSWORD_FILE to a JSON {"node": "password"} file or to the node file itself`);
    expect(openstackMaybe("undercloud", ["baremetal", "node", "show", name(0)])).toBeUndefined();
  });

  test("one bad node among good ones: the others end available and tagged; the failure is named; the step fails", () => {
    // Node 2 claims node 0's MAC as its own.
    const result = enroll([spec(0), spec(1), spec(2, { ports: [{ address: mac(0) }] })]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error: node ${name(2)}: MAC ${mac(0)} belongs to another node`);
    expect(result.stderr).toContain("1 of 3 node(s) not enrolled (above)");
    for (const i of [0, 1]) {
      const node = show(i);
      expect(node.provision_state).toBe("available");
      expect(node.inspection_finished_at).toBeTruthy();
      // What introspection found (testbed/hardware.json: 2 CPUs), not the spec's 4; inspector's capabilities merged with the file's.
      expect(node.properties).toMatchObject({ cpus: "2", capabilities: "cpu_aes:true,cpu_hugepages:true,profile:compute" });
      expect(node.resource_class).toBe("baremetal");
    }
  });

  test("re-run with the mistake fixed: nodes done are only checked, the fixed one is enrolled", () => {
    // Node 2 was created before its port failed: it is found by name and taken on.
    const inspected = show(0).inspection_finished_at;
    const result = enroll([spec(0), spec(1), spec(2)]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`node ${name(0)}: inspected and available; done`);
    expect(result.stdout).toContain(`node ${name(2)}: introspection: done`);
    expect(result.stdout).not.toContain(`node ${name(0)}: manageable, to inspect`);
    expect(show(0).inspection_finished_at).toBe(inspected);
    expect(show(2).provision_state).toBe("available");
    expect(result.stdout).toContain("all 3 node(s) available");
  });

  test("nodes left by hand in manageable (inspected) and in enroll are taken on from there; a MAC-matched node is renamed", () => {
    openstackAction("undercloud", ["baremetal", "node", "manage", name(0), "--wait", "120"]);
    const inspected = show(0).inspection_finished_at;
    // Node 3 exists under another name, with node 3's MAC, in `enroll`.
    const stray = `stray-${suffix}`;
    const created = openstack("undercloud", ["baremetal", "node", "create", "--driver", "fake-hardware", "--name", stray]);
    openstackAction("undercloud", ["baremetal", "port", "create", mac(3), "--node", created.uuid]);
    const result = enroll([spec(0), spec(3)]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`node ${name(0)}: inspected -> provide`);
    expect(show(0).inspection_finished_at).toBe(inspected);
    expect(result.stdout).toContain(`node ${name(3)}: found by MAC as ${stray} (${created.uuid}), renamed`);
    const renamed = show(3);
    expect(renamed.uuid).toBe(created.uuid);
    expect(renamed.provision_state).toBe("available");
    expect(renamed.inspection_finished_at).toBeTruthy();
  });

  test("introspection slots are shared across processes and the wait for one is bounded", () => {
    const locks = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-locks-"));
    // Another enrolment on this machine holds the only slot.
    const holder = spawn("flock", [path.join(locks, "introspection-slot-0"), "sleep", "120"], { stdio: "ignore" });
    try {
      spawnSync("sleep", ["0.5"]);
      openstackAction("undercloud", ["baremetal", "node", "manage", name(1), "--wait", "120"]);
      const result = enroll([spec(1)], { LABCDK_LOCK_DIR: locks, INTROSPECTION_CONCURRENCY: "1", INTROSPECTION_TIMEOUT_SECONDS: "4" });
      // Inspected before, so no slot is needed: it is provided.
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`node ${name(1)}: inspected -> provide`);
      const fresh = enroll([spec(5)], { LABCDK_LOCK_DIR: locks, INTROSPECTION_CONCURRENCY: "1", INTROSPECTION_TIMEOUT_SECONDS: "4" });
      expect(fresh.status).toBe(1);
      expect(fresh.stdout).toContain("waiting for an introspection slot (1 in use)");
      expect(fresh.stderr).toMatch(new RegExp(`error: node ${name(5)}: no introspection slot free after [4-9]s \\(1 in use on this machine\\)`));
    } finally {
      holder.kill();
    }
  });

  test("the capabilities merge with the node's own instead of replacing them", () => {
    openstackAction("undercloud", ["baremetal", "node", "set", "--property", "capabilities=boot_mode:uefi,profile:control", name(1)]);
    const result = enroll([spec(1)]);
    expect(result.status).toBe(0);
    expect(show(1).properties.capabilities).toBe("boot_mode:uefi,profile:compute");
  });
});
