/**
 * Commands run with no way out of the machine (tools/offline-run.sh): in a
 * network namespace that has only a loopback interface, with chosen loopback
 * ports of the machine (e.g. the test bed's APIs) bridged in. A request to
 * anywhere else fails at once there, which makes a test safe and proves it
 * offline. When such a namespace cannot be made here, tests that need one are
 * skipped with the reason, unless LABCDK_REQUIRE_TESTBED is set (then fail):
 * see describeOffline.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

export const OFFLINE_RUN = path.join(projectRoot(), "tools", "offline-run.sh");

function whyUnavailable(): string | undefined {
  for (const tool of ["unshare", "ip", "socat"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  const probe = spawnSync("unshare", ["-rn", "true"], { encoding: "utf8", timeout: 10000 });
  if (probe.status !== 0) return `unshare -rn cannot create a network namespace here: ${(probe.stderr || probe.error?.message || "").trim()}`;
  return undefined;
}

/** Why no such namespace can be made here, or undefined when it can. */
export const offlineUnavailable = whyUnavailable();

/**
 * For tests that need the namespace: BASE (e.g. describeWithTestbed) when it
 * can be made, else `describe.skip` with a note, or a failure when
 * LABCDK_REQUIRE_TESTBED is set.
 */
export function describeOffline(base: jest.Describe = describe): jest.Describe {
  if (!offlineUnavailable) return base;
  if (process.env.LABCDK_REQUIRE_TESTBED) throw new Error(`LABCDK_REQUIRE_TESTBED is set but ${offlineUnavailable}`);
  console.warn(`Tests in a network namespace without egress SKIPPED: ${offlineUnavailable}`);
  return describe.skip;
}

export interface OfflineRunOptions {
  /** Loopback TCP ports of the machine to bridge in. @default none */
  readonly ports?: readonly number[];
  /** Bridge every loopback port of this clouds.yaml's auth_urls and service catalogs. @default none */
  readonly clouds?: string;
  /** Working directory. @default the project */
  readonly cwd?: string;
  /** Environment added to the process's. @default nothing added */
  readonly env?: NodeJS.ProcessEnv;
  /** How long the command may take. @default 600 */
  readonly timeoutSeconds?: number;
}

/** Runs COMMAND through tools/offline-run.sh; returns its result (never throws on a non-zero exit). */
export function offlineRun(command: readonly string[], options: OfflineRunOptions = {}): SpawnSyncReturns<string> {
  const timeoutSeconds = options.timeoutSeconds ?? 600;
  const args = [
    ...(options.ports ?? []).flatMap((port) => ["--port", String(port)]),
    ...(options.clouds ? ["--clouds", options.clouds] : []),
    "--",
    ...command,
  ];
  return spawnSync(OFFLINE_RUN, args, {
    cwd: options.cwd ?? projectRoot(),
    encoding: "utf8",
    env: { ...process.env, ...options.env, OFFLINE_RUN_TIMEOUT: String(timeoutSeconds) },
    // offline-run.sh stops the command itself and cleans up; this only guards against a hang in the wrapper.
    timeout: (timeoutSeconds + 60) * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
}
