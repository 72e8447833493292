/**
 * `labcdk import` against the test bed: a lab built by hand with the
 * openstack CLI as the runbook builds it — a fake-hardware node registered,
 * inspected, tagged and provided (with a unique BMC password in its
 * driver_info), a security group of its own with the runbook's ICMP rule, a
 * flavor, a server pinned to compute-0 on lab_privnet with a pre-allocated
 * floating IP from lab_pubnet — is imported; the first plan of each stack
 * creates, replaces and destroys no OpenStack resource (imports, and script
 * steps that find their work done); the apply changes nothing in the clouds
 * (ids, states, hosts, capabilities compared before and after); the next plan
 * is empty; `labcdk verify` is ok; a migration target written into the lab
 * plans exactly the migration. Then a manageable and an active node are
 * imported and each is written as what it is. No file import writes, nor its
 * output, holds the BMC password. Everything made here is removed in
 * afterAll, whatever happened.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { loadLab } from "../../lab";
import { projectRoot } from "../../lab/project-root";
import { labApp } from "../../stacks/lab-app";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, openstackTry, serverAfterDelete, testbedEnv } from "../helpers/testbed";
import { tofu } from "../helpers/tofu";

const BIN = path.join(projectRoot(), "bin", "labcdk.js");

/** The environment with no `terraform` on PATH and no TERRAFORM_BINARY_NAME: a machine that has only what the project installs. */
function withoutTerraform(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { TERRAFORM_BINARY_NAME: _ignored, ...rest } = env;
  const dirs = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, "terraform")));
  return { ...rest, PATH: dirs.join(path.delimiter) };
}
const suffix = randomUUID().slice(0, 8);
const NODE = `labcdk-import-${suffix}`;
const SPARE = `labcdk-import-spare-${suffix}`;
const DEPLOYED = `labcdk-import-active-${suffix}`;
const SERVER = `labcdk-import-${suffix}`;
const GROUP = `labcdk-import-${suffix}`;
const FLAVOR = `labcdk-import-${suffix}`;
/** A BMC password no file may hold. */
const SECRET = `bmc-${randomUUID()}`;
const mac = (i: number) => `52:54:01:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:${(parseInt(suffix.slice(4, 6), 16) ^ i).toString(16).padStart(2, "0")}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-import-"));

/** A bash script against the undercloud, in the background (the test goes on meanwhile). */
function bash(script: string, env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { env: { ...process.env, ...testbedEnv, OS_CLOUD: "undercloud", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 280000);
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

/** A fake-hardware node as the runbook registers one: the lab's deploy images, a port, properties; the BMC password in driver_info. */
const REGISTER = `
  kernel=$(openstack image list --name bm-deploy-kernel --sort created_at:desc -f value -c ID | head -n 1)
  ramdisk=$(openstack image list --name bm-deploy-ramdisk --sort created_at:desc -f value -c ID | head -n 1)
  uuid=$(openstack baremetal node create --driver fake-hardware --name "$NAME" \\
    --property cpus=2 --property memory_mb=6144 --property local_gb=40 --property cpu_arch=x86_64 \\
    --driver-info ipmi_password="$SECRET" --driver-info deploy_kernel="$kernel" --driver-info deploy_ramdisk="$ramdisk" -f value -c uuid)
  openstack baremetal port create "$MAC" --node "$uuid" >/dev/null
  openstack baremetal node manage --wait 60 "$NAME"`;

function importLab(out: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  // A generous bound: the shared bed answers slowly while other tests run.
  const result = spawnSync(process.execPath, [BIN, "import", "--out", out, "--reachability-check", "api", "--timeout", "240", ...args], { encoding: "utf8", env: { ...process.env, ...testbedEnv }, timeout: 300000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface ResourceChange {
  address: string;
  type: string;
  mode: string;
  change: { actions: string[]; importing?: { id: string }; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

/** The plan of a stack as `tofu show -json` has it. */
function plan(dir: string): ResourceChange[] {
  tofu(dir, ["plan", "-out=plan.out", "-input=false", "-no-color"], testbedEnv);
  return JSON.parse(tofu(dir, ["show", "-json", "plan.out"], testbedEnv).stdout).resource_changes ?? [];
}

const changed = (changes: ResourceChange[]) => changes.filter((c) => c.mode === "managed" && !(c.change.actions.length === 1 && c.change.actions[0] === "no-op"));
/** Attributes whose planned value differs from the current one (known values only). */
const differing = (c: ResourceChange) => Object.keys(c.change.after ?? {}).filter((k) => JSON.stringify((c.change.before ?? {})[k]) !== JSON.stringify((c.change.after ?? {})[k])).sort();

/** What the clouds have of the hand-made lab: ids, states, hosts. */
function snapshot() {
  const server = openstack("overcloud", ["server", "show", SERVER]);
  const ports = openstack("overcloud", ["port", "list", "--device-id", server.id]);
  const fips = openstack("overcloud", ["floating", "ip", "list", "--port", ports[0].ID]);
  const node = openstack("undercloud", ["baremetal", "node", "show", NODE, "--fields", "uuid", "provision_state", "properties", "inspection_finished_at", "maintenance"]);
  const rules = openstack("overcloud", ["security", "group", "rule", "list", GROUP, "--protocol", "icmp"]);
  return {
    server: { id: server.id, status: server.status, host: server["OS-EXT-SRV-ATTR:host"] },
    ports: ports.map((p: { ID: string }) => p.ID),
    floatingIps: fips.map((f: { ID: string; "Floating IP Address": string }) => `${f.ID} ${f["Floating IP Address"]}`),
    node: {
      uuid: node.uuid,
      state: node.provision_state,
      maintenance: node.maintenance,
      inspectedAt: node.inspection_finished_at,
      capabilities: String(node.properties.capabilities).split(",").sort(),
    },
    icmpRules: rules.map((r: { ID: string }) => r.ID),
  };
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describeWithTestbed("labcdk import on the test bed", () => {
  const out = path.join(work, "adopted");
  const labFile = path.join(out, "lab.yaml");
  let outdir = "";
  const stackDir = (stack: string) => path.join(outdir, "stacks", stack);
  let floatingIpId = "";
  let before: ReturnType<typeof snapshot>;
  let imported: ReturnType<typeof importLab>;

  beforeAll(async () => {
    // The node (inspection included, about a minute) is set up while the server boots.
    const node = bash(
      `${REGISTER}
       openstack baremetal node inspect --wait 240 "$NAME"
       openstack baremetal node set --property capabilities=profile:compute,boot_option:local "$NAME"
       openstack baremetal node provide --wait 120 "$NAME"`,
      { NAME: NODE, MAC: mac(1), SECRET },
    );
    let serverSetup: Error | undefined;
    try {
      openstackAction("overcloud", ["security", "group", "create", GROUP]);
      openstackAction("overcloud", ["security", "group", "rule", "create", "--ingress", "--ethertype", "IPv4", "--protocol", "icmp", "--remote-ip", "0.0.0.0/0", GROUP]);
      openstackAction("overcloud", ["flavor", "create", "--vcpus", "1", "--ram", "512", "--disk", "1", "--public", FLAVOR]);
      const fip = openstack("overcloud", ["floating", "ip", "create", "lab_pubnet"]);
      floatingIpId = fip.id;
      // No --wait: a loaded bed may take longer than one client call's bound to boot it; polled instead.
      const server = openstack("overcloud", ["server", "create", "--image", "small", "--flavor", FLAVOR, "--network", "lab_privnet", "--security-group", GROUP, "--availability-zone", "nova:compute-0", SERVER]);
      for (const deadline = Date.now() + 400000; ; sleep(3000)) {
        const status = openstack("overcloud", ["server", "show", server.id]).status;
        if (status === "ACTIVE") break;
        if (status === "ERROR" || Date.now() > deadline) throw new Error(`server ${SERVER} is ${status}, not ACTIVE`);
      }
      openstackAction("overcloud", ["server", "add", "floating", "ip", server.id, fip.floating_ip_address]);
    } catch (error) {
      serverSetup = error as Error;
    }
    // The node's setup runs beside the server's: both are waited for, and both failures reported.
    const setup = await node;
    if (setup.status !== 0) throw new Error(`node setup failed: ${setup.stderr}${serverSetup ? `; server setup failed too: ${serverSetup.message}` : ""}`);
    if (serverSetup) throw serverSetup;
    before = snapshot();
    imported = importLab(out, ["--lab-name", "importtest", "--instances", SERVER, "--nodes", NODE]);
  }, 600000);

  afterAll(async () => {
    // Whatever happened: each step may find its thing gone already.
    const nodes = [NODE, SPARE, DEPLOYED].map((name) =>
      bash(
        `openstack baremetal node show "$NAME" -f value -c uuid >/dev/null 2>&1 || exit 0
         openstack baremetal node maintenance set "$NAME" --reason labcdk-import-test-cleanup
         openstack baremetal node delete "$NAME"`,
        { NAME: name },
      ),
    );
    if (openstackMaybe("overcloud", ["server", "show", SERVER])) openstackTry("overcloud", ["server", "delete", "--wait", SERVER]);
    serverAfterDelete("overcloud", SERVER);
    if (floatingIpId) openstackTry("overcloud", ["floating", "ip", "delete", floatingIpId]);
    openstackTry("overcloud", ["security", "group", "delete", GROUP]);
    openstackTry("overcloud", ["flavor", "delete", FLAVOR]);
    for (const [i, cleanup] of (await Promise.all(nodes)).entries()) if (cleanup.status !== 0) console.error(`import cleanup of node ${[NODE, SPARE, DEPLOYED][i]}: ${cleanup.stderr}`);
    expect(openstackMaybe("undercloud", ["baremetal", "node", "show", NODE])).toBeUndefined();
    expect(serverAfterDelete("overcloud", SERVER)).toBeUndefined();
    expect(openstackMaybe("overcloud", ["security", "group", "show", GROUP])).toBeUndefined();
    expect(openstackMaybe("overcloud", ["flavor", "show", FLAVOR])).toBeUndefined();
    fs.rmSync(work, { recursive: true, force: true });
  }, 300000);

  test("import writes a lab that validates: the node registered and tagged, the instance adopted by its ids; nothing holds the BMC password", () => {
    expect(imported.stderr).not.toMatch(/error|could not/i);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain(`lab "importtest" written (lab.yaml, nodes.json, bmc-passwords.template.json): 1 registered node(s), 0 existing node(s), 1 instance(s) adopted`);
    const lab = loadLab(labFile);
    const server = openstack("overcloud", ["server", "show", SERVER]);
    expect(lab.instances[SERVER]).toEqual(
      expect.objectContaining({
        image: "small",
        flavor: FLAVOR,
        network: "lab_privnet",
        host: "compute-0",
        floatingIp: { pool: "lab_pubnet", address: openstack("overcloud", ["floating", "ip", "show", floatingIpId]).floating_ip_address },
        adopt: { serverId: server.id, portId: before.ports[0], floatingIpId },
      }),
    );
    expect(lab.securityGroup).toEqual({ name: GROUP, allowIcmp: true, allowSsh: false, adopt: { icmpRuleId: before.icmpRules[0] } });
    expect(lab.nodes).toEqual([expect.objectContaining({ name: NODE, driver: "fake-hardware", macs: [mac(1)] })]);
    expect(lab.nodes[0].capabilities).toMatchObject({ profile: "compute", boot_option: "local" });
    expect(lab.baremetal.nodes[NODE]).toEqual({ capabilities: { profile: "compute" } });
    const validate = spawnSync(process.execPath, [BIN, "lab", "validate", labFile], { encoding: "utf8" });
    expect(validate.stderr).toBe("");
    expect(validate.status).toBe(0);
    // Whatever was left out or will still change is said: here the port's name and the capabilities' order.
    expect(imported.stderr).toContain(`labcdk import: first apply: instance "${SERVER}": its port ${before.ports[0]} is renamed ${SERVER}-port (was "")`);
  });

  test("no file import wrote, nor its output, holds the node's BMC password (nor Ironic's mask of it)", () => {
    expect(openstack("undercloud", ["baremetal", "node", "show", NODE, "--fields", "driver_info"]).driver_info).toHaveProperty("ipmi_password");
    const texts = [imported.stdout, imported.stderr, ...fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), "utf8"))];
    expect(fs.readdirSync(out).sort()).toEqual(["bmc-passwords.template.json", "lab.yaml", "nodes.json"]);
    for (const text of texts) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("******");
      expect(text).not.toMatch(/ipmi_password|pm_password/);
    }
    expect(JSON.parse(fs.readFileSync(path.join(out, "nodes.json"), "utf8")).bmc_passwords).toBe("apply-time");
  });

  test("first plan: cdktf's CLI synthesizes it with only the project's OpenTofu; imports and script steps only; apply changes nothing in the clouds; the next plan is empty; verify ok", () => {
    fs.mkdirSync(path.join(work, "synth"), { recursive: true });
    outdir = path.join(work, "synth", "cdktf.out");
    // As docs/operating.md's adoption path has it (LAB_CONFIG=… npx cdktf synth), on a machine whose only
    // Terraform is the project's OpenTofu: cdktf asks a Terraform binary its version for import blocks.
    const synth = spawnSync(path.join(projectRoot(), "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
      cwd: projectRoot(),
      encoding: "utf8",
      timeout: 300000,
      env: { ...withoutTerraform(process.env), LAB_CONFIG: labFile, CHECKPOINT_DISABLE: "1", CI: "1" },
    });
    expect({ status: synth.status, internalError: /internal error/.test(synth.stdout + synth.stderr) }).toEqual({ status: 0, internalError: false });
    const stacks = ["importtest-undercloud", "importtest-overcloud"];
    for (const stack of stacks) tofu(stackDir(stack), ["init", "-input=false", "-no-color"], testbedEnv);

    const overcloud = plan(stackDir("importtest-overcloud"));
    const undercloud = plan(stackDir("importtest-undercloud"));
    // No OpenStack resource is created, replaced or destroyed: those that exist are imported.
    for (const c of changed([...overcloud, ...undercloud])) {
      if (c.type.startsWith("openstack_")) expect({ address: c.address, actions: c.change.actions }).toEqual({ address: c.address, actions: expect.not.arrayContaining(["create", "delete"]) });
    }
    const importing = overcloud.filter((c) => c.change.importing).map((c) => `${c.type} ${c.change.importing!.id}`);
    expect(importing.sort()).toEqual(
      [
        `openstack_compute_instance_v2 ${before.server.id}`,
        `openstack_networking_port_v2 ${before.ports[0]}`,
        `openstack_networking_floatingip_associate_v2 ${floatingIpId}`,
        `openstack_networking_secgroup_rule_v2 ${before.icmpRules[0]}`,
      ].sort(),
    );
    // The one in-place change: the Nova-made port gets the lab's name, and its security groups are written into the
    // state. The provider (3.4.0) never reads security_group_ids back (only all_security_group_ids), so an imported
    // port has none in state; the update sets exactly the groups the port is in already.
    const portChanges = changed(overcloud).filter((c) => c.type.startsWith("openstack_"));
    expect(portChanges.map((c) => `${c.type} ${c.change.actions.join(",")} ${differing(c).join(",")}`)).toEqual(["openstack_networking_port_v2 update name,security_group_ids"]);
    expect([...(portChanges[0].change.after!.security_group_ids as string[])].sort()).toEqual([...(portChanges[0].change.before!.all_security_group_ids as string[])].sort());
    // What is created is script steps (terraform_data) and observations of labcdk's provider: nothing in the clouds.
    expect([...new Set(changed([...overcloud, ...undercloud]).filter((c) => c.change.actions.includes("create")).map((c) => c.type))].sort()).toEqual(
      expect.arrayContaining(["terraform_data"]),
    );
    for (const c of changed([...overcloud, ...undercloud]).filter((c) => c.change.actions.includes("create"))) expect(["terraform_data", "labcdk_observation"]).toContain(c.type);

    for (const stack of stacks) tofu(stackDir(stack), ["apply", "-input=false", "-no-color", "-auto-approve"], testbedEnv);
    expect(snapshot()).toEqual(before);
    expect(openstack("overcloud", ["port", "show", before.ports[0]]).name).toBe(`${SERVER}-port`);

    for (const stack of stacks) {
      const again = tofu(stackDir(stack), ["plan", "-detailed-exitcode", "-input=false", "-no-color"], testbedEnv);
      expect(again.stdout).toContain("No changes.");
    }

    // verify, retried a little while the only differences are compute services (other test files disable their own hosts for a while: compute-2, compute-4, compute-5).
    const verify = () => spawnSync(process.execPath, [BIN, "verify", "--lab", labFile, "--json"], { encoding: "utf8", env: { ...process.env, ...testbedEnv }, timeout: 120000 });
    let result = verify();
    for (let i = 0; i < 6 && result.status !== 0 && JSON.parse(result.stdout).checks.filter((c: { result: string }) => c.result === "DIFF").every((c: { check: string }) => c.check === "compute.service"); i++) {
      sleep(5000);
      result = verify();
    }
    expect(JSON.parse(result.stdout).checks.filter((c: { result: string }) => c.result === "DIFF")).toEqual([]);
    expect(result.status).toBe(0);
  }, 900000);

  test("a migration target written into the imported lab plans exactly the migration", () => {
    expect(outdir).not.toBe("");
    const doc = parseDocument(fs.readFileSync(labFile, "utf8"));
    doc.setIn(["instances", SERVER, "migration"], doc.createNode({ to: "compute-1", kind: "cold" }));
    fs.writeFileSync(labFile, doc.toString());
    // Into the same folder: the state files sit beside it.
    labApp(loadLab(labFile), { outdir }).app.synth();
    tofu(stackDir("importtest-overcloud"), ["init", "-input=false", "-no-color"], testbedEnv);
    const all = changed(plan(stackDir("importtest-overcloud")));
    // The migration step, and its observation of where the instance is (labcdk's provider: nothing in the cloud).
    const changes = all.filter((c) => c.type !== "labcdk_observation");
    expect(changes.map((c) => `${c.change.actions.join(",")} ${c.address}`)).toEqual([expect.stringMatching(/^create terraform_data\.Migration-labcdk-import-[0-9a-f]+_Migrate_[0-9A-F]+$/)]);
    expect(changes[0].change.after).toMatchObject({ input: expect.objectContaining({ TARGET_HOST: "compute-1", MIGRATION_KIND: "cold", INSTANCE_ID: before.server.id }) });
    for (const c of all.filter((c) => c.type === "labcdk_observation")) expect(`${c.change.actions.join(",")} ${c.address}`).toMatch(/^create labcdk_observation\.Migration-/);
    expect(snapshot().server.host).toBe("compute-0");
  });

  test("a manageable node is written as a registered node, an active one as an existing node by its profile", async () => {
    const spare = bash(REGISTER, { NAME: SPARE, MAC: mac(2), SECRET });
    const deployed = bash(
      `${REGISTER}
       openstack baremetal node set --property capabilities=profile:control,boot_option:local "$NAME"
       openstack baremetal node provide --wait 120 "$NAME"
       openstack baremetal node deploy --wait 120 "$NAME"`,
      { NAME: DEPLOYED, MAC: mac(3), SECRET },
    );
    for (const setup of await Promise.all([spare, deployed])) expect({ status: setup.status, stderr: setup.status === 0 ? "" : setup.stderr }).toEqual({ status: 0, stderr: "" });
    const states = [SPARE, DEPLOYED].map((n) => openstack("undercloud", ["baremetal", "node", "show", n, "--fields", "provision_state"]).provision_state);
    expect(states).toEqual(["manageable", "active"]);

    const second = path.join(work, "second");
    const result = importLab(second, ["--lab-name", "importtwo", "--nodes", SPARE, DEPLOYED, "--instances", SERVER]);
    expect(result.status).toBe(0);
    const lab = loadLab(path.join(second, "lab.yaml"));
    expect(lab.nodes.map((n) => n.name)).toEqual([SPARE]);
    expect(lab.baremetal.existingNodes).toEqual({ [DEPLOYED]: { profile: "control" } });
    expect(result.stderr).toContain(`labcdk import: first apply: node "${SPARE}": manageable: the first apply inspects it if it was never inspected, and provides it (available)`);
    for (const text of [result.stdout, result.stderr, ...fs.readdirSync(second).map((f) => fs.readFileSync(path.join(second, f), "utf8"))]) expect(text).not.toContain(SECRET);
    expect(JSON.parse(fs.readFileSync(path.join(second, "bmc-passwords.template.json"), "utf8"))).toEqual({});
  });
});
