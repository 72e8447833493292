/**
 * The test bed's simulated BMCs (testbed/bmc) for integration tests: add one
 * (the node-file fields that reach it), read what it was asked, make it fail,
 * remove it. Each bed (TESTBED_DIR, TESTBED_RELEASE) has its own.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { TESTBED_DIR, TESTBED_RELEASE } from "./testbed";

const BMC_COMMAND = path.join(projectRoot(), "testbed", "bmc");

/** The node-file fields of a simulated BMC, as `testbed/bmc add` prints them. */
export interface BmcFields {
  pm_type: "ipmi" | "redfish";
  pm_addr: string;
  pm_port?: number;
  pm_system_id?: string;
  pm_user: string;
  /** Only when the BMC made its own password (no `password` given). */
  pm_password?: string;
}

function bmc(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(BMC_COMMAND, ["--release", TESTBED_RELEASE, ...args], {
    encoding: "utf8",
    timeout: 90000,
    env: { ...process.env, LABCDK_TESTBED_DIR: TESTBED_DIR },
  });
  return { status: result.status, stdout: result.stdout ?? "", stderr: `${result.stderr ?? ""}${result.error?.message ?? ""}` };
}

function mustRun(args: string[]): string {
  const result = bmc(args);
  if (result.status !== 0) throw new Error(`testbed/bmc ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** Starts a simulated BMC NAME (a leftover of that name, from an interrupted run, is removed first). */
export function addBmc(name: string, driver: "ipmi" | "redfish", password?: string): BmcFields {
  if (fs.existsSync(path.join(TESTBED_DIR, "bmc", `${name}.json`))) removeBmc(name);
  return JSON.parse(mustRun(["add", name, "--driver", driver, ...(password === undefined ? [] : ["--password", password])]));
}

/** Stops and forgets a simulated BMC; nothing when there is none of that name. */
export function removeBmc(name: string): void {
  if (fs.existsSync(path.join(TESTBED_DIR, "bmc", `${name}.json`))) mustRun(["rm", name]);
}

/** What the BMC was asked, oldest first, without the times: "power status", "power on", "boot device pxe", ... */
export function bmcCommands(name: string): string[] {
  return mustRun(["log", name])
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => line.replace(/^\d\d:\d\d:\d\d /, ""));
}

/** Makes the BMC unreachable (stopped), hang (sessions open, commands unanswered) or answer again. */
export function setBmc(name: string, mode: "unreachable" | "hang" | "ok"): void {
  mustRun(["set", name, `--${mode}`]);
}

/** Gives the BMC a new password (a rotation on the BMC's side: it starts again with it). */
export function setBmcPassword(name: string, password: string): void {
  mustRun(["set", name, "--password", password]);
}

/** Runs testbed/bmc as a user would, for tests of the command itself. */
export const runBmcCommand = bmc;
