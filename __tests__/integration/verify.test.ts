/**
 * `labcdk verify` against the test bed, on state of its own: a fake-hardware
 * Ironic node tagged as the lab says and a server pinned to compute-0 with a
 * floating IP from lab_pubnet, described by a lab file in a temp dir (the
 * test-bed lab with unique names). verify passes; then drift — the node in
 * maintenance, its capabilities changed, the lab pinning the server to
 * compute-1 while it runs on compute-0 — is named and exits 1. Everything
 * created here is removed in afterAll, whatever happened.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { projectRoot } from "../../lab/project-root";
import { writeFiles } from "../helpers/files";
import { describeWithTestbed, openstack, openstackAction, openstackMaybe, serverAfterDelete, testbedEnv } from "../helpers/testbed";

const BIN = path.join(projectRoot(), "bin", "labcdk.js");
const suffix = randomUUID().slice(0, 8);
const NODE = `labcdk-verify-${suffix}`;
const SERVER = `labcdk-verify-${suffix}`;

interface Report {
  ok: boolean;
  differences: number;
  checks: { check: string; subject: string; expected: string; observed: string; result: string }[];
}

/** The test-bed lab with this test's node and server (optionally pinned elsewhere in the lab file). */
function writeLab(pinnedHost = "compute-0"): string {
  const lab: any = parse(fs.readFileSync(path.join(projectRoot(), "labs", "testbed", "lab.yaml"), "utf8"));
  lab.name = "verifytest";
  lab.baremetal.nodeFile = "nodes.json";
  // No rule on the shared default group: the ICMP rule is overcloud.test.ts's (two test files run at once in CI, and Neutron refuses a duplicate rule with 409).
  lab.securityGroup = { name: "default", allowIcmp: false, allowSsh: false };
  lab.baremetal.nodes = { [NODE]: { capabilities: { profile: "compute", boot_option: "local" } } };
  lab.instances = {
    [SERVER]: { image: "small", flavor: "m2.small", network: "lab_privnet", host: pinnedHost, floatingIp: { pool: "lab_pubnet" }, reachabilityCheck: "api" },
  };
  const nodes = { nodes: [{ name: NODE, arch: "x86_64", pm_type: "fake-hardware", mac: [`52:54:00:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:${suffix.slice(4, 6)}`], cpu: "2", memory: "6144", disk: "40" }] };
  const dir = writeFiles({ "lab.yaml": stringify(lab), "nodes.json": JSON.stringify(nodes) });
  return path.join(dir, "lab.yaml");
}

function verify(labFile: string): { status: number | null; report: Report; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, "verify", "--lab", labFile, "--json"], { encoding: "utf8", env: { ...process.env, ...testbedEnv }, timeout: 120000 });
  let report: Report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`verify printed no JSON (exit ${result.status}): ${result.stdout}\n${result.stderr}`);
  }
  return { status: result.status, report, stderr: result.stderr };
}

const differences = (report: Report) => report.checks.filter((c) => c.result === "DIFF");
/** A bash script against the undercloud, in the background (its own process; the test goes on meanwhile). */
function bash(script: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euc", script], { env: { ...process.env, ...testbedEnv, OS_CLOUD: "undercloud", NODE }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 150000);
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * verify, retried a little while the only differences are compute services:
 * other tests disable compute-0 briefly (overcloud.test.ts); those hosts are not ours.
 */
function verifySettled(labFile: string): ReturnType<typeof verify> {
  let run = verify(labFile);
  for (let attempt = 0; attempt < 6 && differences(run.report).length > 0 && differences(run.report).every((d) => d.check === "compute.service"); attempt++) {
    sleep(5000);
    run = verify(labFile);
  }
  return run;
}

describeWithTestbed("labcdk verify on the test bed", () => {
  const labFile = writeLab();
  let floatingIpId = "";

  beforeAll(async () => {
    // The node (about 25 s of Ironic state changes) is set up while the server boots.
    const node = bash(
      `openstack baremetal node create --driver fake-hardware --name "$NODE" \\
         --property cpus=2 --property memory_mb=6144 --property local_gb=40 --property cpu_arch=x86_64 \\
         --property capabilities=profile:compute,boot_option:local -f value -c uuid >/dev/null
       openstack baremetal node manage --wait 60 "$NODE"
       openstack baremetal node provide --wait 60 "$NODE"`,
    );
    // The node's setup runs on in the background whatever happens here; a failure of either is reported, neither hidden.
    let serverFailure: unknown;
    try {
      const server = openstack("overcloud", ["server", "create", "--image", "small", "--flavor", "m2.small", "--network", "lab_privnet", "--availability-zone", "nova:compute-0", "--wait", SERVER]);
      const fip = openstack("overcloud", ["floating", "ip", "create", "lab_pubnet"]);
      floatingIpId = fip.id;
      openstackAction("overcloud", ["server", "add", "floating", "ip", server.id, fip.floating_ip_address]);
    } catch (error) {
      serverFailure = error;
    }
    const setup = await node;
    if (setup.status !== 0) throw new Error(`node setup failed: ${setup.stderr}${serverFailure ? `; the server's setup failed too: ${String(serverFailure)}` : ""}`);
    if (serverFailure) throw serverFailure;
  });

  afterAll(async () => {
    // Whatever happened: each step may find its thing gone already.
    const node = bash(
      `openstack baremetal node show "$NODE" -f value -c uuid >/dev/null 2>&1 || exit 0
       openstack baremetal node maintenance unset "$NODE" || true
       state=$(openstack baremetal node show "$NODE" -f value -c provision_state)
       [ "$state" != available ] || openstack baremetal node manage --wait 60 "$NODE"
       openstack baremetal node delete "$NODE"`,
    );
    for (const args of [["server", "delete", "--wait", SERVER], ...(floatingIpId ? [["floating", "ip", "delete", floatingIpId]] : [])]) {
      if (args[0] === "server" && !openstackMaybe("overcloud", ["server", "show", SERVER])) continue;
      try {
        openstackAction("overcloud", args);
      } catch (error) {
        console.error(`verify cleanup: ${(error as Error).message}`);
      }
    }
    const cleanup = await node;
    if (cleanup.status !== 0) console.error(`verify cleanup of node ${NODE}: ${cleanup.stderr}`);
    expect(openstackMaybe("undercloud", ["baremetal", "node", "show", NODE])).toBeUndefined();
    expect(serverAfterDelete("overcloud", SERVER)).toBeUndefined();
  });

  test("the lab as created: every check ok, exit 0", () => {
    const { status, report, stderr } = verifySettled(labFile);
    expect(differences(report)).toEqual([]);
    expect(status).toBe(0);
    expect(stderr).toBe("");
    expect(report.ok).toBe(true);
    const checks = report.checks.map((c) => `${c.check} ${c.subject}`);
    for (const wanted of [`node.capabilities ${NODE}`, `node.properties.local_gb ${NODE}`, "compute.hypervisor compute-0", `instance.host ${SERVER}`, `instance.floating_ip ${SERVER}`]) {
      expect(checks).toContain(wanted);
    }
  });

  test("drift: node in maintenance and its profile changed, the lab pinning the server elsewhere: each named, exit 1", () => {
    openstackAction("undercloud", ["baremetal", "node", "maintenance", "set", "--reason", "verify-test", NODE]);
    openstackAction("undercloud", ["baremetal", "node", "set", "--property", "capabilities=profile:control,boot_option:local", NODE]);
    const { status, report } = verifySettled(writeLab("compute-1"));
    expect(status).toBe(1);
    expect(report.ok).toBe(false);
    expect(differences(report)).toEqual([
      expect.objectContaining({ check: "node.maintenance", subject: NODE, observed: "on (verify-test)" }),
      expect.objectContaining({ check: "node.capabilities", subject: NODE, expected: "includes profile:compute,boot_option:local", observed: "profile:control,boot_option:local" }),
      expect.objectContaining({ check: "instance.host", subject: SERVER, expected: "compute-1", observed: "compute-0" }),
    ]);
  });

  test("the human report: a table with the differences named at the end", () => {
    const result = spawnSync(process.execPath, [BIN, "verify", "--lab", labFile], { encoding: "utf8", env: { ...process.env, ...testbedEnv }, timeout: 120000 });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/CHECK\s+SUBJECT\s+EXPECTED\s+OBSERVED\s+RESULT/);
    expect(result.stdout).toMatch(new RegExp(`node\\.maintenance\\s+${NODE}\\s+off\\s+on \\(verify-test\\)\\s+DIFF`));
    expect(result.stdout).toContain(`difference(s) of`);
    expect(result.stdout).not.toMatch(/password|driver_info/i);
  });

  test("a cloud missing from clouds.yaml: exit 2, said to be not configured", () => {
    const lab = parse(fs.readFileSync(labFile, "utf8"));
    lab.clouds = { undercloud: "undercloud", overcloud: "no-such-cloud" };
    const file = path.join(path.dirname(labFile), "unreachable.yaml");
    fs.writeFileSync(file, stringify(lab));
    const result = spawnSync(process.execPath, [BIN, "verify", "--lab", file], { encoding: "utf8", env: { ...process.env, ...testbedEnv }, timeout: 120000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("labcdk verify: could not observe: overcloud cloud 'no-such-cloud' is not configured (clouds.yaml: ");
  });
});
