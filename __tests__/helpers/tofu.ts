/**
 * The project's OpenTofu (built by tools/build-toolchain.sh) for tests that
 * validate or apply synthesized stacks. When it is absent those tests are
 * skipped with a message saying how to build it.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const tools = path.join(projectRoot(), ".tools");
export const TOFU = path.join(tools, "bin", "tofu");
export const TOFU_CONFIG = path.join(tools, "tofurc");

export const tofuAvailable = fs.existsSync(TOFU) && fs.existsSync(TOFU_CONFIG);

/** `describe` when the toolchain is built, `describe.skip` with a note otherwise. */
export const describeWithTofu: jest.Describe = tofuAvailable ? describe : describe.skip;
if (!tofuAvailable) {
  const why = `${TOFU} is missing. Build it with tools/build-toolchain.sh (needs Go; CI does this).`;
  if (process.env.LABCDK_REQUIRE_TOFU) throw new Error(`LABCDK_REQUIRE_TOFU is set but ${why}`);
  console.warn(`OpenTofu tests SKIPPED: ${why}`);
}

/** Runs tofu in `dir` with the project's provider mirror and no network; throws with tofu's output on failure. */
export function tofu(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(TOFU, args, {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: TOFU_CONFIG,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      TF_PLUGIN_CACHE_DIR: "",
      ...env,
    },
  });
  if (result.status !== 0) {
    // stderr (the error) first: a CI log that cuts long messages still shows why.
    throw new Error(`tofu ${args.join(" ")} failed in ${dir} (exit ${result.status}):\n${result.stderr}\n--- stdout:\n${result.stdout}`);
  }
  return result;
}
