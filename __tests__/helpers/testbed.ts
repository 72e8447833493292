/**
 * The local OpenStack test bed (testbed/up) for integration tests. When it is
 * not running, those tests are skipped with a message saying why and how to
 * start it.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { synthLabToDisk } from "./synth";
import { tofu, tofuAvailable } from "./tofu";

export const TESTBED_DIR = process.env.LABCDK_TESTBED_DIR ?? path.join(os.homedir(), ".cache", "labcdk", "testbed");
export const TESTBED_CLOUDS = path.join(TESTBED_DIR, "clouds.yaml");

/** The OpenStack release the bed runs (testbed/up writes it into its state dir): "zed" or "epoxy". */
export const TESTBED_RELEASE: string = (() => {
  const file = path.join(TESTBED_DIR, "release");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "zed";
})();

/** The inspect interface the bed's Ironic gives new nodes: ironic-inspector on Zed, Ironic's own (agent) from Epoxy. */
export const TESTBED_INSPECT_INTERFACE = TESTBED_RELEASE === "zed" ? "inspector" : "agent";

/**
 * The four properties inspection writes, as text: ironic-inspector (Zed) writes strings, Ironic's own agent
 * inspection (Epoxy) memory_mb as a number and no cpus (it has no hook for it: the enrolled value stays).
 */
export function inspectedProperties(properties: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(["cpus", "memory_mb", "local_gb", "cpu_arch"].map((k) => [k, String(properties[k])]));
}

/** What the test bed's ramdisk stand-in reports for the classroom node (testbed/hardware.json): local_gb 39 from its 40 GiB disk. */
export const CLASSROOM_NODE_FOUND = { cpus: "2", memory_mb: "6144", local_gb: "39", cpu_arch: "x86_64" };

/** Environment (added to the process's) for anything that talks to the test bed: its clouds.yaml, Debian's python3 and openstack first. */
export const testbedEnv: NodeJS.ProcessEnv = {
  OS_CLIENT_CONFIG_FILE: TESTBED_CLOUDS,
  PATH: `/usr/bin:/bin:${process.env.PATH ?? ""}`,
  LABCDK_PROJECT_DIR: projectRoot(),
  CHECKPOINT_DISABLE: "1",
};

function whyUnavailable(): string | undefined {
  if (!tofuAvailable) return "OpenTofu is not built (tools/build-toolchain.sh)";
  if (!fs.existsSync(TESTBED_CLOUDS)) return `${TESTBED_CLOUDS} does not exist: the test bed was never started (testbed/up)`;
  const probe = spawnSync("/usr/bin/openstack", ["--os-cloud", "overcloud", "token", "issue", "-f", "value", "-c", "expires"], {
    env: { ...process.env, ...testbedEnv },
    encoding: "utf8",
    timeout: 30000,
  });
  if (probe.status !== 0) return `the test bed does not answer (testbed/status; testbed/up): ${(probe.stderr || probe.error?.message || "").trim().split("\n").pop()}`;
  return undefined;
}

export const testbedUnavailable = whyUnavailable();
export const describeWithTestbed: jest.Describe = testbedUnavailable ? describe.skip : describe;
if (testbedUnavailable) {
  if (process.env.LABCDK_REQUIRE_TESTBED) throw new Error(`LABCDK_REQUIRE_TESTBED is set but ${testbedUnavailable}`);
  console.warn(`Integration tests against the OpenStack test bed SKIPPED: ${testbedUnavailable}`);
}

/** `openstack --os-cloud CLOUD ARGS -f json`, parsed; throws with the client's message on failure. */
export function openstack(cloud: string, args: string[]): any {
  const result = spawnSync("/usr/bin/openstack", ["--os-cloud", cloud, ...args, "-f", "json"], { env: { ...process.env, ...testbedEnv }, encoding: "utf8", timeout: 120000 });
  if (result.status !== 0) throw new Error(`openstack ${args.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Like `openstack`, but returns undefined when the command fails (e.g. "not found"). */
export function openstackMaybe(cloud: string, args: string[]): any | undefined {
  try {
    return openstack(cloud, args);
  } catch {
    return undefined;
  }
}

/**
 * The server as `server show` still reports it after waiting up to `seconds` for it to go, or undefined once it
 * is gone. Nova answers a delete before it removes the record: for a moment `server show` (as admin) still
 * returns the server with status DELETED, which the provider's destroy accepts as done.
 */
export function serverAfterDelete(cloud: string, server: string, seconds = 60): any | undefined {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const shown = openstackMaybe(cloud, ["server", "show", server]);
    if (shown === undefined || Date.now() >= deadline) return shown;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  }
}

/** An `openstack` command that prints no table (set, delete, ...); throws with the client's message on failure. */
export function openstackAction(cloud: string, args: string[]): void {
  const result = spawnSync("/usr/bin/openstack", ["--os-cloud", cloud, ...args], { env: { ...process.env, ...testbedEnv }, encoding: "utf8", timeout: 120000 });
  if (result.status !== 0) throw new Error(`openstack ${args.join(" ")} failed: ${result.stderr}`);
}

/** Like `openstackAction`, but says whether it worked instead of throwing: for clean-ups. */
export function openstackTry(cloud: string, args: string[]): boolean {
  try {
    openstackAction(cloud, args);
    return true;
  } catch {
    return false;
  }
}

/**
 * One synthesized stack of a lab, for a describe block of integration tests:
 * `tofu init` before them, `tofu destroy` after them whatever happened (a
 * failed test never leaves the test bed dirty). `run` adds -input=false -no-color.
 */
export function stackOnTestbed(labFile: string, stack: string, destroyArgs: string[] = []): { dir: string; run: (args: string[]) => SpawnSyncReturns<string> } {
  const dir = path.join(synthLabToDisk(labFile), "stacks", stack);
  const run = (args: string[]) => tofu(dir, [...args, "-input=false", "-no-color"], testbedEnv);
  beforeAll(() => run(["init"]));
  afterAll(() => {
    try {
      run(["destroy", "-auto-approve", ...destroyArgs]);
    } catch (error) {
      console.error(`cleanup destroy of ${stack} failed: ${(error as Error).message}`);
    }
  });
  return { dir, run };
}

/** Where the test bed's ramdisk stand-in (testbed/lib/ramdisk.py) reads what a test tells it about one node. */
export const RAMDISK_CONTROL = path.join(TESTBED_DIR, "ramdisk");

/**
 * Tells the ramdisk stand-in how node `name` behaves at its next introspection:
 * `{ behaviour: "silent" }` (never calls back), `{ behaviour: "error", error }`,
 * `{ delay_seconds }` or any hardware key of testbed/hardware.json; undefined
 * forgets what was told.
 */
export function ramdiskTells(name: string, control: Record<string, unknown> | undefined): void {
  const file = path.join(RAMDISK_CONTROL, `${name}.json`);
  if (control === undefined) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(RAMDISK_CONTROL, { recursive: true });
  // Written aside, then renamed: the stand-in, which reads the file every second, never sees it half-written.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(control));
  fs.renameSync(`${file}.tmp`, file);
}
