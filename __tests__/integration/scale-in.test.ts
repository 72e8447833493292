/**
 * The three scale-in steps of the undercloud stack, run on the test bed with
 * the inputs a synthesized classroom lab gives them:
 *   1. drain-compute.sh against real Nova and Placement: compute-2 (the test
 *      bed's host for this file alone) drains into compute-1;
 *   2. overcloud-node-delete.sh against real Ironic (fake-hardware nodes
 *      deployed `active` with an overcloud hostname), the `overcloud` command
 *      played by the recording stand-in (no TripleO here);
 *   3. overcloud-deploy.sh: the guard against a silent shrink, then the
 *      rendered commands through the stand-in.
 *
 * Isolation: the drain moves every instance of every project off its host and
 * disables it, so it works on compute-2 only, which no other test uses.
 * compute-1 (created-network.test.ts boots there) only receives one m2.small;
 * compute-0 (overcloud.test.ts fills and disables it) is never touched.
 * The "no room" refusal does not fill compute-1: compute-2 overcommits memory
 * 2.0x (testbed/lib/render.sh), so it holds two 700000 MB instances that
 * together exceed compute-1's whole capacity (800000 MB x 1.5 - 512), whatever
 * the other tests run there.
 */
import { spawn, spawnSync, SpawnSyncReturns } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { OvercloudDialect } from "../../lab";
import { projectRoot } from "../../lab/project-root";
import { labWith } from "../helpers/lab-builder";
import { CLASSROOM_LAB, labStacks, stepNamed, synthJson } from "../helpers/synth";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, TESTBED_CLOUDS, testbedEnv } from "../helpers/testbed";

const SCRIPTS = path.join(projectRoot(), "scripts");
const STANDIN = path.join(projectRoot(), "__tests__", "fixtures", "scripts", "recording-openstack");
const DRAIN_REASON = "labcdk: drained before overcloud node delete";
const BIG_MB = 700000;

const suffix = randomUUID().slice(0, 8);
const names = {
  small: `labcdk-scalein-${suffix}`,
  stopped: `labcdk-scalein-stopped-${suffix}`,
  bigA: `labcdk-scalein-big-a-${suffix}`,
  bigB: `labcdk-scalein-big-b-${suffix}`,
  bigFlavor: `labcdk-scalein-big-${suffix}`,
  // The big instances live in a project of their own: admin's RAM quota (51200 MB) is
  // shared with the other tests, and the drain must move instances of every project.
  project: `labcdk-scalein-${suffix}`,
  // Ironic nodes and the overcloud hostnames they are deployed as.
  leaving: { node: `labcdk-scalein-leaving-${suffix}`, hostname: `labcdk-test-novacompute-2-${suffix}` },
  staying: { node: `labcdk-scalein-staying-${suffix}`, hostname: `labcdk-test-novacompute-1-${suffix}` },
};

/** A synthesized undercloud stack (Terraform JSON). */
type Steps = ReturnType<typeof synthJson>;

/** The classroom lab scaled in: Compute 2 → 1, the leaving node runs on compute-2, compute-1 remains. */
function scaleInSteps(dialect: OvercloudDialect): Steps {
  const file = labWith(CLASSROOM_LAB, {
    lab: (l) => {
      l.overcloud.dialect = dialect;
      l.overcloud.roles.Compute.count = 1;
      l.overcloud.roles.Compute.remove = [{ hostname: names.leaving.hostname, computeHost: "compute-2" }];
      l.overcloud.computeHosts = ["compute-1"];
      l.instances!["lab_test-nodes"].host = "compute-1";
      delete l.instances!["lab_test-nodes"].migration;
    },
  });
  return synthJson(labStacks(file).undercloud);
}

/** The classroom lab as it is (Compute 2): the overcloud as deployed before the scale-in. */
function classroomSteps(): Steps {
  return synthJson(labStacks().undercloud);
}

function stepInput(json: Steps, prefix: string): Record<string, string> {
  return stepNamed(json, prefix).input;
}

const serverShow = (name: string) => openstack("overcloud", ["server", "show", name]);
const hostOf = (name: string) => serverShow(name)["OS-EXT-SRV-ATTR:host"];
const computeService = (host: string) => openstack("overcloud", ["compute", "service", "list", "--service", "nova-compute", "--host", host, "--long"])[0];
const migrationsOf = (id: string) => openstack("overcloud", ["--os-compute-api-version", "2.59", "server", "migration", "list", "--server", id]);
const recorded = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l))
    : [];

/** Shell that brings a fake-hardware node to `active`, deployed as HOSTNAME (about 30 s). */
const DEPLOY_NODE = `
set -euo pipefail
node=$1 hostname=$2
openstack baremetal node create --driver fake-hardware --name "$node" --property capabilities=profile:compute -f value -c uuid >/dev/null
openstack baremetal node manage --wait 60 "$node"
openstack baremetal node provide --wait 60 "$node"
openstack baremetal node set "$node" --instance-info display_name="$hostname" --instance-info image_source=http://127.0.0.1/none.qcow2
openstack baremetal node deploy --wait 120 "$node"
`;

/** Undeploys (if active) and deletes a node of this file, whatever state it is in. */
function removeNode(node: string): void {
  const shown = openstackMaybe("undercloud", ["baremetal", "node", "show", node, "--fields", "provision_state"]);
  if (!shown) return;
  let state: string = shown.provision_state;
  if (state === "active" || state === "deploy failed") {
    openstackAction("undercloud", ["baremetal", "node", "undeploy", "--wait", "60", node]);
    state = "available";
  }
  // Ironic deletes a node only in enroll, manageable, available (maintenance) or failed states: manage it first.
  if (state === "available") openstackAction("undercloud", ["baremetal", "node", "manage", "--wait", "60", node]);
  openstackAction("undercloud", ["baremetal", "node", "delete", node]);
}

/**
 * What an interrupted earlier run of this file left (afterAll never ran): its
 * servers, flavor, project and Ironic nodes (all named labcdk-scalein-*), and
 * compute-2 disabled by its drain. Left there, they would change what the
 * drain sees; nothing else uses that prefix or compute-2.
 */
function sweepLeftovers(): void {
  const found: string[] = [];
  const ours = (name: unknown) => typeof name === "string" && name.startsWith("labcdk-scalein-");
  for (const s of openstack("overcloud", ["server", "list", "--all-projects", "--name", "^labcdk-scalein-"]).filter((s: any) => ours(s.Name))) {
    found.push(`server ${s.Name}`);
    openstackAction("overcloud", ["server", "delete", "--wait", s.ID]);
  }
  for (const f of openstack("overcloud", ["flavor", "list", "--all"]).filter((f: any) => ours(f.Name))) {
    found.push(`flavor ${f.Name}`);
    openstackAction("overcloud", ["flavor", "delete", f.ID]);
  }
  for (const p of openstack("overcloud", ["project", "list"]).filter((p: any) => ours(p.Name))) {
    found.push(`project ${p.Name}`);
    openstackAction("overcloud", ["project", "delete", p.ID]);
  }
  for (const n of openstack("undercloud", ["baremetal", "node", "list", "--fields", "name"]).filter((n: any) => ours(n.Name))) {
    found.push(`node ${n.Name}`);
    removeNode(n.Name);
  }
  const service = openstack("overcloud", ["compute", "service", "list", "--service", "nova-compute", "--host", "compute-2", "--long"])[0];
  if (service?.Status === "disabled" && service["Disabled Reason"] === DRAIN_REASON) {
    found.push("compute-2 disabled by a drain");
    openstackAction("overcloud", ["compute", "service", "set", "--enable", "compute-2", "nova-compute"]);
  }
  if (found.length > 0) console.warn(`scale-in: removed what an interrupted earlier run left: ${found.join(", ")}`);
}

describeWithTestbed("scale-in on the test bed: drain compute-2, delete its node, deploy with the lower count", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-scale-in-"));
  const standinBin = path.join(work, "bin");
  fs.mkdirSync(standinBin);
  fs.symlinkSync(STANDIN, path.join(standinBin, "openstack"));

  const legacy = scaleInSteps("legacy-flags");
  const provision = scaleInSteps("node-provision");
  const before = classroomSteps();

  /** Runs scripts/NAME with the step's environment (plus overrides); the stand-in first on PATH when a release is given. */
  const runScript = (name: string, input: Record<string, string>, extra: Record<string, string> = {}): SpawnSyncReturns<string> =>
    spawnSync("bash", [path.join(SCRIPTS, name)], {
      encoding: "utf8",
      timeout: 600000,
      env: {
        ...process.env,
        ...testbedEnv,
        ...input,
        PATH: extra.LABCDK_TRIPLEOCLIENT_RELEASE ? `${standinBin}:${testbedEnv.PATH}` : testbedEnv.PATH,
        ...extra,
      },
    });
  const drainEnv = { ...stepInput(legacy, "Drain-"), POLL_SECONDS: "2", TIMEOUT_SECONDS: "300" };
  const drain = () => runScript("drain-compute.sh", drainEnv);

  let smallId = "";
  let stoppedId = "";
  const bigIds: string[] = [];
  let nodesReady: Promise<string[]> = Promise.resolve([]);

  beforeAll(() => {
    sweepLeftovers();
    // The two Ironic nodes come up (about 30 s) while the drain tests run.
    const bringUp = (n: { node: string; hostname: string }) => {
      const child = spawn("bash", ["-c", DEPLOY_NODE, "deploy-node", n.node, n.hostname], {
        env: { ...process.env, ...testbedEnv, OS_CLOUD: "undercloud" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (d) => (stderr += d));
      return new Promise<string>((resolve) => child.on("close", (code) => resolve(code === 0 ? "" : `${n.node}: exit ${code}: ${stderr}`)));
    };
    nodesReady = Promise.all([bringUp(names.leaving), bringUp(names.staying)]);
  });

  afterAll(async () => {
    const problems: string[] = [];
    const attempt = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    await nodesReady; // never delete a node while its bring-up still runs
    for (const name of [names.small, names.stopped]) {
      attempt(`delete server ${name}`, () => {
        if (openstackMaybe("overcloud", ["server", "show", name])) openstackAction("overcloud", ["server", "delete", "--wait", name]);
      });
    }
    for (const id of bigIds) {
      attempt(`delete server ${id}`, () => {
        if (openstackMaybe("overcloud", ["server", "show", id])) openstackAction("overcloud", ["server", "delete", "--wait", id]);
      });
    }
    attempt("delete flavor", () => {
      if (openstackMaybe("overcloud", ["flavor", "show", names.bigFlavor])) openstackAction("overcloud", ["flavor", "delete", names.bigFlavor]);
    });
    attempt("delete project", () => {
      if (openstackMaybe("overcloud", ["project", "show", names.project])) openstackAction("overcloud", ["project", "delete", names.project]);
    });
    attempt("enable compute-2", () => openstackAction("overcloud", ["compute", "service", "set", "--enable", "compute-2", "nova-compute"]));
    for (const n of [names.leaving, names.staying]) attempt(`remove node ${n.node}`, () => removeNode(n.node));
    fs.rmSync(work, { recursive: true, force: true });
    if (problems.length > 0) console.error(`scale-in cleanup: ${problems.join("; ")}`);
  });

  test("the drain step's environment from the synthesized lab: compute-2 leaves, compute-1 remains, live migration", () => {
    expect(stepInput(legacy, "Drain-")).toMatchObject({ OS_CLOUD: "overcloud", DRAIN_HOST: "compute-2", REMAINING_HOSTS: "compute-1", MIGRATION_KIND: "live" });
    expect(computeService("compute-2")).toMatchObject({ Status: "enabled", State: "up" });
    expect(openstack("overcloud", ["server", "list", "--all-projects", "--host", "compute-2"])).toEqual([]);
  });

  test("instances pinned to compute-2 boot there (two m2.small, one of them stopped; two of 700000 MB in another project)", () => {
    const boot = (name: string) =>
      openstack("overcloud", ["server", "create", "--flavor", "m2.small", "--image", "small", "--network", "lab_privnet", "--availability-zone", "nova:compute-2", "--wait", name]).id;
    smallId = boot(names.small);
    stoppedId = boot(names.stopped);
    openstackAction("overcloud", ["server", "stop", stoppedId]);
    const project = openstack("overcloud", ["project", "create", "--domain", "Default", names.project]).id;
    openstackAction("overcloud", ["role", "add", "--user", "admin", "--user-domain", "Default", "--project", project, "admin"]);
    openstackAction("overcloud", ["quota", "set", "--ram", "-1", project]);
    // By id: a private flavor is not found by name from the project it is shared with.
    const flavor = openstack("overcloud", ["flavor", "create", "--vcpus", "1", "--ram", String(BIG_MB), "--disk", "1", "--private", "--project", project, names.bigFlavor]).id;
    // A clouds.yaml entry scoped to that project (--os-project-name does not override a cloud's project_name).
    const clouds = parse(fs.readFileSync(TESTBED_CLOUDS, "utf8"));
    clouds.clouds.scalein = { ...clouds.clouds.overcloud, auth: { ...clouds.clouds.overcloud.auth, project_name: names.project } };
    const cloudsFile = path.join(work, "clouds.yaml");
    fs.writeFileSync(cloudsFile, stringify(clouds), { mode: 0o600 });
    for (const name of [names.bigA, names.bigB]) {
      // No NIC: these only take room; the drain never has to move them.
      const created = spawnSync(
        "/usr/bin/openstack",
        ["--os-cloud", "scalein", "--os-compute-api-version", "2.37", "server", "create", "--flavor", flavor, "--image", "small", "--nic", "none", "--availability-zone", "nova:compute-2", "--wait", name, "-f", "json"],
        { encoding: "utf8", timeout: 120000, env: { ...process.env, ...testbedEnv, OS_CLIENT_CONFIG_FILE: cloudsFile } },
      );
      if (created.status !== 0) throw new Error(`server create ${name} failed: ${created.stderr}`);
      bigIds.push(JSON.parse(created.stdout).id);
    }
    for (const id of [smallId, ...bigIds]) {
      expect(serverShow(id)).toMatchObject({ status: "ACTIVE", "OS-EXT-SRV-ATTR:host": "compute-2" });
    }
    for (let i = 0; i < 30 && serverShow(stoppedId).status !== "SHUTOFF"; i++) spawnSync("sleep", ["1"]);
    expect(serverShow(stoppedId)).toMatchObject({ status: "SHUTOFF", "OS-EXT-SRV-ATTR:host": "compute-2" });
    expect(serverShow(bigIds[0])).toMatchObject({ name: names.bigA, project_id: project });
  });

  test("drain refused, naming it, when an instance is in a state Nova cannot migrate (ERROR); nothing changed", () => {
    openstackAction("overcloud", ["server", "set", "--state", "error", smallId]);
    try {
      const result = drain();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`refusing to drain compute-2: Nova cannot migrate ${names.small} (ERROR); fix, stop or delete them first. Nothing was changed`);
      expect(computeService("compute-2")).toMatchObject({ Status: "enabled", State: "up" });
      expect(migrationsOf(smallId)).toEqual([]);
    } finally {
      openstackAction("overcloud", ["server", "set", "--state", "active", smallId]);
    }
    expect(serverShow(smallId).status).toBe("ACTIVE");
  });

  test("drain refused with the numbers when compute-1 lacks room; nothing changed", () => {
    const result = drain();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("compute-2 runs 4 instance(s)");
    // need: 2 × m2.small (2 VCPU / 1024 MB / 10 GB + 1 GB swap), and 2 × (1 VCPU / 700000 MB / 1 GB).
    const refused = result.stderr.match(
      /the remaining hosts lack room: the 4 instance\(s\) need 6 VCPU, 1402048 MB RAM, 24 GB disk; free on compute-1: (\d+) VCPU, (\d+) MB RAM, (\d+) GB disk; nowhere to put (\S+) \(1 VCPU, 700000 MB, 1 GB\); refusing to drain compute-2; nothing was changed/,
    );
    expect(refused).not.toBeNull();
    const freeMb = Number(refused![2]);
    // compute-1's capacity is 800000 × 1.5 − 512: one big instance fits, the second does not.
    expect(freeMb).toBeGreaterThanOrEqual(BIG_MB);
    expect(freeMb).toBeLessThan(2 * BIG_MB);
    expect(freeMb).toBeLessThanOrEqual(800000 * 1.5 - 512);
    // Largest first, ties by name: big-a goes to compute-1, big-b has nowhere to go.
    expect(refused![4]).toBe(names.bigB);
    expect(result.stderr).toContain("refusing to drain compute-2; nothing was changed");
    expect(computeService("compute-2")).toMatchObject({ Status: "enabled", State: "up" });
    for (const id of [smallId, stoppedId, ...bigIds]) expect(hostOf(id)).toBe("compute-2");
    expect(migrationsOf(smallId)).toEqual([]);
  });

  test("with room (the big instances gone): the running instance live-migrates, the stopped one cold-migrates and stays stopped; compute-2 disabled with the labcdk reason", () => {
    expect(bigIds).toHaveLength(2);
    openstackAction("overcloud", ["server", "delete", "--wait", ...bigIds]);
    const result = drain();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("compute-2 runs 2 instance(s)");
    expect(result.stdout).toContain(`moving ${names.small} (ACTIVE) to compute-1 (live)`);
    expect(result.stdout).toContain(`moving ${names.stopped} (SHUTOFF) to compute-1 (cold)`);
    expect(result.stdout).toContain(`${names.small}: compute-2 → compute-1 (live)`);
    expect(result.stdout).toContain("compute-2 drained: no instance left, nova-compute disabled");
    expect(serverShow(names.small)).toMatchObject({ status: "ACTIVE", "OS-EXT-SRV-ATTR:host": "compute-1" });
    expect(migrationsOf(smallId)).toEqual([
      expect.objectContaining({ "Source Compute": "compute-2", "Dest Compute": "compute-1", Status: "completed", Type: "live-migration" }),
    ]);
    expect(serverShow(names.stopped)).toMatchObject({ status: "SHUTOFF", "OS-EXT-SRV-ATTR:host": "compute-1" });
    expect(migrationsOf(stoppedId)).toEqual([
      expect.objectContaining({ "Source Compute": "compute-2", "Dest Compute": "compute-1", Status: "confirmed", Type: "migration" }),
    ]);
    expect(computeService("compute-2")).toMatchObject({ Status: "disabled", "Disabled Reason": DRAIN_REASON });
    expect(openstack("overcloud", ["server", "list", "--all-projects", "--host", "compute-2"])).toEqual([]);
  });

  test("a second drain says already drained and changes nothing", () => {
    const result = drain();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("compute-2 is disabled and runs no instance; already drained");
    expect(result.stdout).not.toContain("moving");
    expect(hostOf(names.small)).toBe("compute-1");
    expect(migrationsOf(smallId)).toHaveLength(1);
    expect(migrationsOf(stoppedId)).toHaveLength(1);
    expect(computeService("compute-2")).toMatchObject({ Status: "disabled", "Disabled Reason": DRAIN_REASON });
  });

  describe("node delete and deploy, `overcloud` played by the recording stand-in", () => {
    const deleteRecord = path.join(work, "delete.jsonl");
    const deleteWork = path.join(work, "delete-work");
    const deleteEnv = { ...stepInput(legacy, "OvercloudScaleIn_Delete_"), WORK_DIR: deleteWork, PROGRESS_SECONDS: "5" };
    const standin = (release: string, recordFile: string) => ({ LABCDK_TRIPLEOCLIENT_RELEASE: release, LABCDK_RECORD_FILE: recordFile });
    const activeHostnames = () =>
      openstack("undercloud", ["baremetal", "node", "list", "--fields", "name", "provision_state", "instance_info", "-f", "json"])
        .filter((n: any) => n["Provisioning State"] === "active")
        .map((n: any) => n["Instance Info"]?.display_name);

    beforeAll(async () => {
      const failures = (await nodesReady).filter((f) => f);
      if (failures.length > 0) throw new Error(`bringing the Ironic nodes up failed: ${failures.join("; ")}`);
    });

    test("the fake-hardware nodes are active with their overcloud hostnames (and no other node is active)", () => {
      expect(activeHostnames().sort()).toEqual([names.leaving.hostname, names.staying.hostname].sort());
    });

    test("the overcloud before the scale-in (Compute 2): the unchanged classroom deploy passes the guard and is recorded", () => {
      // Creates the Heat stack as far as the stand-in knows (its `stack show` answers after a recorded deploy).
      const input = stepInput(before, "Overcloud_Deploy_");
      expect(JSON.parse(input.PROFILE_COUNTS_JSON)).toMatchObject({ compute: 2 });
      const result = runScript("overcloud-deploy.sh", input, { WORK_DIR: path.join(work, "deploy-before"), ...standin("legacy-flags", deleteRecord), PROGRESS_SECONDS: "5" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(recorded(deleteRecord).map((r) => r.command)).toEqual(["overcloud deploy"]);
      expect(recorded(deleteRecord)[0].argv).toEqual(expect.arrayContaining(["--compute-scale", "2"]));
    });

    test("node delete: exactly `overcloud node delete --stack overcloud <leaving>`, parsed by the legacy release", () => {
      expect(deleteEnv).toMatchObject({ OS_CLOUD: "undercloud", OVERCLOUD_STACK: "overcloud", OVERCLOUD_DIALECT: "legacy-flags", HOSTNAMES: names.leaving.hostname });
      const result = runScript("overcloud-node-delete.sh", deleteEnv, standin("legacy-flags", deleteRecord));
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`deleting ${names.leaving.hostname} from stack overcloud: openstack overcloud node delete --stack overcloud ${names.leaving.hostname}`);
      expect(result.stdout).toContain(`stack overcloud: UPDATE_COMPLETE — deleted ${names.leaving.hostname}`);
      const records = recorded(deleteRecord);
      expect(records).toHaveLength(2);
      expect(records[1]).toMatchObject({
        argv: ["overcloud", "node", "delete", "--stack", "overcloud", names.leaving.hostname],
        command: "overcloud node delete",
        dialect: "legacy-flags",
        release: "0.3.4",
        stack: "overcloud",
        exit: 0,
      });
      expect(records[1].args.nodes).toEqual([names.leaving.hostname]);
    });

    test("after TripleO's delete (emulated: the node undeployed), a re-run has nothing to delete and records nothing", () => {
      // What `overcloud node delete` would have done to the leaving node: TripleO
      // tears its server down, and Ironic undeploys it (no longer active).
      openstackAction("undercloud", ["baremetal", "node", "undeploy", "--wait", "60", names.leaving.node]);
      expect(activeHostnames()).toEqual([names.staying.hostname]);
      const result = runScript("overcloud-node-delete.sh", deleteEnv, standin("legacy-flags", deleteRecord));
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`none of ${names.leaving.hostname} is deployed any more; nothing to delete`);
      expect(recorded(deleteRecord)).toHaveLength(2);
    });

    test("deploy guard: one active compute node but a count of 0 is refused, nothing runs", () => {
      const record = path.join(work, "guard.jsonl");
      const input = stepInput(legacy, "Overcloud_Deploy_");
      const result = runScript("overcloud-deploy.sh", input, {
        PROFILE_COUNTS_JSON: JSON.stringify({ compute: 0 }),
        WORK_DIR: path.join(work, "guard-work"),
        ...standin("legacy-flags", record),
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `refusing a deploy that would remove nodes without naming them: profile:compute has 1 active node(s) (${names.staying.hostname}) but the lab asks for 0`,
      );
      expect(result.stderr).toContain("nothing was changed");
      expect(fs.existsSync(record)).toBe(false);
      expect(fs.existsSync(path.join(work, "guard-work"))).toBe(false);
    });

    test("deploy with the lower count (legacy-flags): one `overcloud deploy --compute-scale 1`, overcloud deployed", () => {
      const record = path.join(work, "deploy-legacy.jsonl");
      const input = stepInput(legacy, "Overcloud_Deploy_");
      expect(JSON.parse(input.PROFILE_COUNTS_JSON)).toMatchObject({ compute: 1 });
      const result = runScript("overcloud-deploy.sh", input, { WORK_DIR: path.join(work, "deploy-legacy"), ...standin("legacy-flags", record), PROGRESS_SECONDS: "5" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("stack overcloud: UPDATE_COMPLETE — overcloud deployed");
      const records = recorded(record);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ command: "overcloud deploy", dialect: "legacy-flags", argv: JSON.parse(input.COMMANDS_JSON)[0] });
      expect(records[0].argv).toEqual(expect.arrayContaining(["--compute-scale", "1"]));
    });

    test("deploy with the lower count (node-provision): files written to WORK_DIR, provision then deploy, in order", () => {
      const record = path.join(work, "deploy-provision.jsonl");
      const dir = path.join(work, "deploy-provision");
      const input = stepInput(provision, "Overcloud_Deploy_");
      const files: Record<string, string> = JSON.parse(input.FILES_JSON);
      expect(Object.keys(files).sort()).toEqual(["baremetal_deployment.yaml", "labcdk-parameters.yaml"]);
      expect(files["baremetal_deployment.yaml"]).toContain(`hostname: ${names.leaving.hostname}`);
      const result = runScript("overcloud-deploy.sh", input, { WORK_DIR: dir, ...standin("node-provision", record), PROGRESS_SECONDS: "5" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("dialect node-provision: 2 command(s)");
      expect(result.stdout).toContain("stack overcloud: UPDATE_COMPLETE — overcloud deployed");
      for (const [name, content] of Object.entries(files)) expect(fs.readFileSync(path.join(dir, name), "utf8")).toBe(content);
      const records = recorded(record);
      const commands = JSON.parse(input.COMMANDS_JSON);
      expect(records.map((r) => r.command)).toEqual(["overcloud node provision", "overcloud deploy"]);
      expect(records.map((r) => r.argv)).toEqual(commands);
      expect(records.every((r) => r.dialect === "node-provision" && r.release === "16.5.0" && r.exit === 0)).toBe(true);
      // The stand-in read the generated input from WORK_DIR, and deploy got provision's output.
      expect(records[0].env_files["baremetal_deployment.yaml"]).toBe(files["baremetal_deployment.yaml"]);
      expect(records[1].env_files["baremetal-deployed.yaml"]).toContain("ComputeCount: 1");
    });
  });
});
