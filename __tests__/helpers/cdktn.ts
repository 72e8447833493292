/**
 * CDK Terrain beside the project (tools/cdktn/install.sh, run by `npm test`):
 * its CLI, the hook that sends the project's code to it, and a describe that
 * skips with a note where it is not installed (a failure with
 * LABCDK_REQUIRE_CDKTN set).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

export const CDKTN_PREFIX = path.join(projectRoot(), ".tools", "cdktn");
export const CDKTN_CLI = path.join(CDKTN_PREFIX, "node_modules", ".bin", "cdktn");
/** Preloaded with --require: `cdktf` means cdktn, `.gen/` its bindings (docs/architecture.md, "CDK Terrain"). */
export const CDKTN_HOOK = path.join(projectRoot(), "tools", "cdktn", "use-cdktn.js");

export const cdktnInstalled = fs.existsSync(path.join(CDKTN_PREFIX, "gen", "providers")) && fs.existsSync(path.join(CDKTN_PREFIX, "node_modules", "cdktn"));

/** cdktn's version, from its installed package. */
export function cdktnVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(CDKTN_PREFIX, "node_modules", "cdktn", "package.json"), "utf8")) as { version: string }).version;
}

/** BASE where cdktn is installed; else `describe.skip` with a note, or a failure when LABCDK_REQUIRE_CDKTN is set. */
export function describeWithCdktn(base: jest.Describe = describe): jest.Describe {
  if (cdktnInstalled) return base;
  const why = `${CDKTN_PREFIX} has no cdktn or no bindings: run tools/lts tools/cdktn/install.sh (npm test does)`;
  if (process.env.LABCDK_REQUIRE_CDKTN) throw new Error(`LABCDK_REQUIRE_CDKTN is set but ${why}`);
  console.warn(`CDK Terrain tests SKIPPED: ${why}`);
  return describe.skip;
}
