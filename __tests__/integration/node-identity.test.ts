/**
 * A node's identity on the test bed: only what makes it another machine
 * replaces its registration (unregisters it).
 *
 * GIVEN a lab applied by labcdk 0.1 (its synthesized stack folder, kept in
 * __tests__/fixtures/upgrade-0.1, applied for real: a state written by that
 * version, with its scripts),
 * WHEN the current code plans on that state, THEN no node is unregistered:
 * the old registrations are forgotten, the new machines created, and the
 * apply keeps every UUID and inspection.
 * THEN, one at a time, with one node deployed (`active`): a new deploy
 * kernel uploaded under the same name, the lab folder moved, a new
 * introspection timeout, a changed property — each plans no replacement of
 * a machine and nothing destroyed, the apply succeeds and patches the nodes
 * in place (same UUIDs, no new introspection), and the next plan is empty.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { summarizePlans } from "../../cli/plan-summary";
import { loadLab } from "../../lab";
import { labApp } from "../../stacks/lab-app";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, openstackTry, testbedEnv } from "../helpers/testbed";
import { tofu } from "../helpers/tofu";

const LAB_DIR = path.join(__dirname, "..", "fixtures", "labs", "upgrade");
const OLD_STACK = path.join(__dirname, "..", "fixtures", "upgrade-0.1", "upgrade-undercloud");
const STACK = "upgrade-undercloud";
const NODES = ["upg0", "upg1"];
const IMAGES = ["upgrade-deploy-kernel", "upgrade-deploy-ramdisk"];

type Json = Record<string, any>;
const node = (name: string): Json => openstack("undercloud", ["baremetal", "node", "show", name]);

function uploadImage(name: string, diskFormat: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-image-")), name);
  fs.writeFileSync(file, `${name} ${Date.now()}\n`);
  return openstack("undercloud", ["image", "create", "--disk-format", diskFormat, "--container-format", diskFormat, "--file", file, name]).id;
}

function removeAll(): void {
  for (const name of NODES) {
    const found = openstackMaybe("undercloud", ["baremetal", "node", "show", name]);
    if (!found) continue;
    if (found.provision_state === "active") openstackTry("undercloud", ["baremetal", "node", "undeploy", name, "--wait", "120"]);
    openstackTry("undercloud", ["baremetal", "node", "manage", name, "--wait", "120"]);
    openstackTry("undercloud", ["baremetal", "node", "delete", name]);
  }
  for (const image of openstack("undercloud", ["image", "list"]).filter((i: Json) => IMAGES.includes(i.Name))) {
    openstackTry("undercloud", ["image", "delete", image.ID]);
  }
}

describeWithTestbed("node identity and the upgrade from labcdk 0.1, on the test bed", () => {
  jest.setTimeout(900000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-identity-"));
  const outdir = path.join(work, "cdktf.out");
  const dir = path.join(outdir, "stacks", STACK);
  const run = ([command, ...args]: string[]) => tofu(dir, [command, "-input=false", "-no-color", ...args], testbedEnv);

  /** Synthesizes the current code from `labFile` into the same folder (the state beside it stays), and plans. */
  function plan(labFile: string): { changes: Json[]; summary: ReturnType<typeof summarizePlans> } {
    labApp(loadLab(labFile), { outdir }).app.synth();
    run(["init"]);
    run(["plan", "-out=identity.plan"]);
    const json = JSON.parse(tofu(dir, ["show", "-json", "identity.plan"], testbedEnv).stdout);
    const changes = (json.resource_changes ?? []).filter((c: Json) => c.mode === "managed" && c.change.actions.join(",") !== "no-op");
    return { changes, summary: summarizePlans([{ stack: STACK, plan: json }]) };
  }
  const uuids = () => Object.fromEntries(NODES.map((n) => [n, node(n).uuid]));
  const inspections = () => Object.fromEntries(NODES.map((n) => [n, node(n).inspection_finished_at]));
  /** Neither a machine nor anything else is destroyed or replaced, but the enrolment (it has nothing to undo). */
  const expectNothingDestroyed = (changes: Json[], summary: ReturnType<typeof summarizePlans>) => {
    expect(summary.destructive).toBe(false);
    const destroying = changes.filter((c) => c.change.actions.includes("delete") && !/^terraform_data\.Nodes_Enroll_/.test(c.address));
    expect(destroying.map((c) => `${c.address}: ${c.change.actions}`)).toEqual([]);
  };

  beforeAll(() => {
    removeAll();
    uploadImage(IMAGES[0], "aki");
    uploadImage(IMAGES[1], "ari");
    // labcdk 0.1's stack folder, as it synthesized it, applied with its own scripts.
    fs.cpSync(OLD_STACK, dir, { recursive: true });
    run(["init"]);
    run(["apply", "-auto-approve"]);
  });
  afterAll(() => {
    try {
      for (const name of NODES) if (node(name).provision_state === "active") openstackTry("undercloud", ["baremetal", "node", "undeploy", name, "--wait", "120"]);
      run(["destroy", "-auto-approve"]);
    } catch (error) {
      console.error(`cleanup destroy of ${STACK} failed: ${(error as Error).message}`);
    }
    removeAll();
  });

  let before: Record<string, string> = {};
  let inspected: Record<string, string> = {};

  test("GIVEN labcdk 0.1's apply WHEN the current code plans THEN the registrations are forgotten, no node is unregistered", () => {
    for (const name of NODES) expect(node(name).provision_state).toBe("available");
    before = uuids();
    inspected = inspections();
    const { changes, summary } = plan(path.join(LAB_DIR, "lab.yaml"));
    expectNothingDestroyed(changes, summary);
    const byAction = (action: string) => changes.filter((c) => c.change.actions.join(",") === action).map((c) => c.address.replace(/_[0-9A-F]{8}$/, "")).sort();
    expect(byAction("forget")).toEqual(["terraform_data.Node-upg0_Registration", "terraform_data.Node-upg1_Registration"]);
    expect(byAction("create")).toEqual(["terraform_data.Node-upg0_Machine", "terraform_data.Node-upg1_Machine"]);
    expect(summary.markdown).toContain("node upg0's registration of an earlier labcdk; its Machine resource takes it over");

    const apply = run(["apply", "identity.plan"]);
    expect(apply.stdout).toContain("inspected and available; done");
    expect(uuids()).toEqual(before);
    expect(inspections()).toEqual(inspected);
    expect(plan(path.join(LAB_DIR, "lab.yaml")).changes).toEqual([]);
  });

  test("GIVEN upg1 deployed WHEN a new deploy kernel is uploaded under the same name THEN only the enrolment re-runs, and patches both nodes", () => {
    openstackAction("undercloud", ["baremetal", "node", "deploy", "upg1", "--wait", "120"]);
    expect(node("upg1").provision_state).toBe("active");
    const kernel = uploadImage(IMAGES[0], "aki");
    const { changes, summary } = plan(path.join(LAB_DIR, "lab.yaml"));
    expectNothingDestroyed(changes, summary);
    expect(changes.map((c) => c.address).filter((a) => a.includes("_Machine_"))).toEqual([]);
    run(["apply", "identity.plan"]);
    for (const name of NODES) expect(node(name).driver_info.deploy_kernel).toBe(kernel);
    expect(uuids()).toEqual(before);
    expect(inspections()).toEqual(inspected);
    expect(node("upg1").provision_state).toBe("active");
    expect(plan(path.join(LAB_DIR, "lab.yaml")).changes).toEqual([]);
  });

  test("WHEN the lab folder is moved THEN the enrolment's input is updated in place, nothing runs", () => {
    const moved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-moved-")), "lab");
    fs.cpSync(LAB_DIR, moved, { recursive: true });
    const { changes, summary } = plan(path.join(moved, "lab.yaml"));
    expectNothingDestroyed(changes, summary);
    expect(changes.map((c) => `${c.address.replace(/_[0-9A-F]{8}$/, "")}: ${c.change.actions}`)).toEqual(["terraform_data.Nodes_Enroll: update"]);
    run(["apply", "identity.plan"]);
    expect(uuids()).toEqual(before);
    expect(plan(path.join(moved, "lab.yaml")).changes).toEqual([]);
  });

  test("WHEN the introspection timeout changes THEN the enrolment's input is updated in place, nothing runs", () => {
    const lab = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-timeout-")), "lab");
    fs.cpSync(LAB_DIR, lab, { recursive: true });
    const file = path.join(lab, "lab.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("introspectionTimeoutSeconds: 300", "introspectionTimeoutSeconds: 900"));
    const { changes, summary } = plan(file);
    expectNothingDestroyed(changes, summary);
    expect(changes.map((c) => `${c.address.replace(/_[0-9A-F]{8}$/, "")}: ${c.change.actions}`)).toEqual(["terraform_data.Nodes_Enroll: update"]);
    run(["apply", "identity.plan"]);
    expect(uuids()).toEqual(before);
  });

  test("WHEN a property changes (upg0 cpu 2 → 4, upg1 deployed gets a root device hint) THEN the hint is patched in place, cpus stays what introspection found (said), no new introspection", () => {
    const lab = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-property-")), "lab");
    fs.cpSync(LAB_DIR, lab, { recursive: true });
    const nodesFile = path.join(lab, "nodes.json");
    const nodes = JSON.parse(fs.readFileSync(nodesFile, "utf8"));
    nodes.nodes[0].cpu = "4";
    nodes.nodes[1].root_device = { size: 39 };
    fs.writeFileSync(nodesFile, JSON.stringify(nodes, null, 2));
    const { changes, summary } = plan(path.join(lab, "lab.yaml"));
    expectNothingDestroyed(changes, summary);
    expect(changes.map((c) => c.address).filter((a) => a.includes("_Machine_"))).toEqual([]);
    expect(summary.markdown).toContain("new or changed: upg0, upg1");
    const apply = run(["apply", "identity.plan"]);
    expect(apply.stdout).toContain("node upg0: exists");
    // Inspected: Ironic keeps the 2 CPUs introspection found (the test bed's ramdisk stand-in reports 2), and the apply says so.
    expect(apply.stdout).toContain("node upg0: introspection found cpus 2 (the file says 4), local_gb 39 (the file says 40); Ironic keeps what it found");
    expect(String(node("upg0").properties.cpus)).toBe("2");
    expect(node("upg1").properties.root_device).toEqual({ size: 39 });
    expect(node("upg1").provision_state).toBe("active");
    expect(uuids()).toEqual(before);
    expect(inspections()).toEqual(inspected);
    expect(plan(path.join(lab, "lab.yaml")).changes).toEqual([]);
  });

  test("WHEN a MAC changes THEN that machine is replaced (unregistered, registered again) and plan-summary says why", () => {
    openstackAction("undercloud", ["baremetal", "node", "undeploy", "upg1", "--wait", "120"]);
    const lab = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-mac-")), "lab");
    fs.cpSync(LAB_DIR, lab, { recursive: true });
    const nodesFile = path.join(lab, "nodes.json");
    const nodes = JSON.parse(fs.readFileSync(nodesFile, "utf8"));
    nodes.nodes[1].ports = [{ address: "52:54:00:72:00:03" }];
    fs.writeFileSync(nodesFile, JSON.stringify(nodes, null, 2));
    const { changes, summary } = plan(path.join(lab, "lab.yaml"));
    expect(summary.destructive).toBe(true);
    expect(changes.filter((c) => c.address.includes("_Machine_")).map((c) => `${c.address.replace(/_[0-9A-F]{8}$/, "")}: ${c.change.actions}`)).toEqual([
      "terraform_data.Node-upg1_Machine: delete,create",
    ]);
    expect(summary.markdown).toContain("unregister node upg1 from Ironic first (it is registered again: the machine's identity changed: NODE_MACS 52:54:00:72:00:02 → 52:54:00:72:00:03)");
    const apply = run(["apply", "identity.plan"]);
    if (!openstackMaybe("undercloud", ["baremetal", "node", "show", "upg0"])) throw new Error(`upg0 is gone after the apply:\n${apply.stdout}`);
    expect(node("upg0").uuid).toBe(before.upg0);
    expect(node("upg1").uuid).not.toBe(before.upg1);
    expect(openstack("undercloud", ["baremetal", "port", "list", "--node", "upg1"]).map((p: Json) => p.Address)).toEqual(["52:54:00:72:00:03"]);
  });
});
