/**
 * scripts/enroll-nodes.sh run directly, with nodes as the stack hands them to
 * it (lab/ironic-fields.ts), for the tests that drive the enrolment without a
 * stack.
 */
import { spawn, spawnSync, SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";
import { CREATE_DEFAULTS, IronicNodeSpec } from "../../lab/ironic-fields";
import { projectRoot } from "../../lab/project-root";
import { testbedEnv } from "./testbed";

const SCRIPT = path.join(projectRoot(), "scripts", "enroll-nodes.sh");

/** A fake-hardware node with one port and the given deploy images; `extra` replaces any field. */
export function fakeNodeSpec(name: string, mac: string, images: { kernel: string; ramdisk: string }, extra: Partial<IronicNodeSpec> = {}): IronicNodeSpec {
  return {
    name,
    driver: "fake-hardware",
    driver_info: { deploy_kernel: images.kernel, deploy_ramdisk: images.ramdisk },
    password_fields: [],
    properties: { cpus: 4 },
    capabilities: { profile: "compute" },
    fields: {},
    extra: {},
    ports: [{ address: mac }],
    ...extra,
  };
}

/** The environment of an enrolment of `specs` on the test bed's undercloud; `extra` adds or overrides variables. */
function enrollEnv(specs: IronicNodeSpec[], extra: Record<string, string>): NodeJS.ProcessEnv {
  const nodes = Object.fromEntries(specs.map((s) => [`LABCDK_NODE_${s.name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`, JSON.stringify(s)]));
  return {
    ...process.env,
    ...testbedEnv,
    OS_CLOUD: "undercloud",
    CREATE_DEFAULTS: JSON.stringify(CREATE_DEFAULTS),
    INTROSPECTION_TIMEOUT_SECONDS: "120",
    INTROSPECTION_POLL_SECONDS: "2",
    INTROSPECTION_CONCURRENCY: "20",
    NODE_FILE: "no-such-node-file.json",
    ...nodes,
    ...extra,
  };
}

/** Runs the enrolment of `specs` on the test bed's undercloud; `extra` adds or overrides environment variables. */
export function enrollNodes(specs: IronicNodeSpec[], extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync("bash", [SCRIPT], { encoding: "utf8", timeout: 300000, env: enrollEnv(specs, extra) });
}

/** `enrollNodes`, without waiting: for enrolments that run side by side. */
export function enrollNodesAsync(specs: IronicNodeSpec[], extra: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", [SCRIPT], { env: enrollEnv(specs, extra), timeout: 300000 });
    let stdout = "", stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
