/**
 * The README's quick start ("Your first plan"), as a user types it.
 *
 * GIVEN the commands of the code block after `<!-- quick-start -->` and the
 * lab excerpt after `<!-- quick-start-lab -->`,
 * WHEN the commands that need no cloud run for real, one by one, from the
 * project folder (`bash -c`, with the block's `export`s before each), on a
 * copy of the classroom lab in a temporary folder (`my-lab` and `cdktf.out`
 * are put there, and `cdktf synth` gets `--output` there: nothing is written
 * into the project) — in a network namespace without egress when one can be
 * made —
 * THEN each succeeds and leaves what the README says: a valid lab named as
 * the excerpt names it, both stacks in `cdktf.out/stacks/`, the stack folder
 * the plan commands name initialised from the local mirror.
 *
 * The user's `$EDITOR` is stood in for by writing the excerpt's `name` into
 * the copy; the excerpt must otherwise be the classroom lab's, value for
 * value. The commands that need a cloud (plan, apply, verify) are not run:
 * the test only checks they are the ones it names, in the README's order, so
 * that a new command in the block cannot go untested unnoticed.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { projectRoot } from "../../lab/project-root";
import { OFFLINE_RUN, offlineUnavailable } from "../helpers/offline";
import { tofuAvailable } from "../helpers/tofu";

const ROOT = projectRoot();
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const CLASSROOM = path.join(ROOT, "labs", "classroom", "lab.yaml");

/** How the test treats each command of the block, in the README's order. */
const QUICK_START: readonly { readonly command: string; readonly how: "run" | "edit" | "needs a cloud" }[] = [
  { command: "cp -r labs/classroom my-lab", how: "run" },
  { command: "$EDITOR my-lab/lab.yaml my-lab/instackenv-onenode.json", how: "edit" },
  { command: "./labcdk lab validate --lab my-lab/lab.yaml", how: "run" },
  { command: "export CHECKPOINT_DISABLE=1", how: "run" },
  { command: "LAB_CONFIG=my-lab/lab.yaml npx cdktf synth", how: "run" },
  { command: "export OS_CLIENT_CONFIG_FILE=~/clouds.yaml TF_CLI_CONFIG_FILE=$PWD/.tools/tofurc", how: "run" },
  { command: ".tools/bin/tofu -chdir=cdktf.out/stacks/mylab-undercloud init", how: "run" },
  { command: ".tools/bin/tofu -chdir=cdktf.out/stacks/mylab-undercloud plan -out=plan.out", how: "needs a cloud" },
  { command: ".tools/bin/tofu -chdir=cdktf.out/stacks/mylab-undercloud apply plan.out", how: "needs a cloud" },
  { command: "./labcdk verify --lab my-lab/lab.yaml", how: "needs a cloud" },
];

/** The fenced code block right after the HTML comment MARKER in the README. */
function blockAfter(marker: string): string {
  const match = new RegExp(`<!-- ${marker} -->\\s*\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  if (!match) throw new Error(`README.md has no code block after <!-- ${marker} -->`);
  return match[1];
}

/** The block's commands: one a line, comments and blank lines left out. */
function commandsOf(block: string): string[] {
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line && !line.startsWith("#"));
}

/** Every leaf of EXCERPT (a parsed YAML tree) that differs from the same path in FULL, as `path: excerpt ≠ full`. */
function notIn(excerpt: unknown, full: unknown, at = ""): string[] {
  if (excerpt !== null && typeof excerpt === "object") {
    if (full === null || typeof full !== "object") return [`${at}: not a mapping in the lab`];
    return Object.entries(excerpt).flatMap(([key, value]) => notIn(value, (full as Record<string, unknown>)[key], at ? `${at}.${key}` : key));
  }
  return excerpt === full ? [] : [`${at}: ${JSON.stringify(excerpt)} ≠ ${JSON.stringify(full)}`];
}

describe("GIVEN the README's quick start", () => {
  const commands = commandsOf(blockAfter("quick-start"));
  const excerpt = parse(blockAfter("quick-start-lab")) as { name: string };

  test("THEN every command in it is one this test runs, stands in for, or names as needing a cloud, in that order", () => {
    expect(commands).toEqual(QUICK_START.map(({ command }) => command));
  });

  test("THEN its lab excerpt is the classroom lab's, apart from the name the user gives it", () => {
    expect(excerpt.name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(notIn({ ...excerpt, name: undefined }, { ...parse(fs.readFileSync(CLASSROOM, "utf8")), name: undefined })).toEqual([]);
  });

  describe("WHEN the commands that need no cloud run, from the project folder, on a copy in a temporary folder", () => {
    jest.setTimeout(300000);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-quick-start-"));
    const exports: string[] = [];
    const results = new Map<string, SpawnSyncReturns<string>>();
    /** The stack folder's provider lock as synth wrote it, read just before `tofu init`. */
    let lockBeforeInit = "";

    /** COMMAND as run here: `my-lab` and `cdktf.out` in the temporary folder, synth's output there too. */
    const inWork = (command: string) =>
      command
        .replace(/(^|[\s=])my-lab(?=[/\s]|$)/g, `$1${work}/my-lab`)
        .replace(/-chdir=cdktf\.out\//g, `-chdir=${work}/cdktf.out/`)
        .replace(/\bcdktf synth$/, `cdktf synth --output ${work}/cdktf.out`);

    const run = (command: string): SpawnSyncReturns<string> => {
      const script = ["set -euo pipefail", ...exports, inWork(command)].join("\n");
      // Whatever the block exports: cdktf never calls home, and npm never asks the registry about itself.
      const env = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "1", npm_config_update_notifier: "false" };
      return offlineUnavailable
        ? spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", env, timeout: 240000 })
        : spawnSync(OFFLINE_RUN, ["--", "bash", "-c", script], { cwd: ROOT, encoding: "utf8", env: { ...env, OFFLINE_RUN_TIMEOUT: "240" }, timeout: 300000 });
    };

    beforeAll(() => {
      for (const { command, how } of QUICK_START) {
        if (how === "needs a cloud") continue;
        if (how === "edit") {
          // The user's edit: the name the excerpt gives the lab.
          const lab = path.join(work, "my-lab", "lab.yaml");
          fs.writeFileSync(lab, fs.readFileSync(lab, "utf8").replace(/^name: .*$/m, `name: ${excerpt.name}`));
          continue;
        }
        if (command.includes(".tools/bin/tofu") && !tofuAvailable) continue; // helpers/tofu said why (and fails under LABCDK_REQUIRE_TOFU)
        const chdir = /-chdir=(\S+) init$/.exec(command);
        if (chdir) lockBeforeInit = fs.readFileSync(path.join(work, chdir[1], ".terraform.lock.hcl"), "utf8");
        const result = run(command);
        results.set(command, result);
        if (command.startsWith("export ")) exports.push(command);
        if (result.status !== 0) break; // the later commands need this one
      }
    });

    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    const ran = (command: string) => {
      const result = results.get(command);
      if (!result) throw new Error(`\`${command}\` did not run: an earlier command failed`);
      if (result.status !== 0) throw new Error(`\`${command}\` exited ${result.status ?? result.signal}:\n${result.stderr}\n${result.stdout}`);
      return result;
    };

    test("THEN ./labcdk finds the lab valid, under the excerpt's name", () => {
      expect(fs.existsSync(path.join(ROOT, "labcdk"))).toBe(true);
      const result = ran("./labcdk lab validate --lab my-lab/lab.yaml");
      expect(result.stdout).toContain(`${work}/my-lab/lab.yaml: valid (lab "${excerpt.name}"`);
    });

    test("THEN cdktf synth writes both stacks of the lab, each with the committed provider lock", () => {
      ran("LAB_CONFIG=my-lab/lab.yaml npx cdktf synth");
      for (const stack of [`${excerpt.name}-undercloud`, `${excerpt.name}-overcloud`]) {
        const folder = path.join(work, "cdktf.out", "stacks", stack);
        expect(JSON.parse(fs.readFileSync(path.join(folder, "cdk.tf.json"), "utf8")).terraform).toBeDefined();
        expect(fs.existsSync(path.join(folder, ".terraform.lock.hcl"))).toBe(true);
      }
    });

    test("THEN every stack folder the later commands name is one synth wrote", () => {
      const folders = QUICK_START.flatMap(({ command }) => [...command.matchAll(/-chdir=(\S+)/g)].map((m) => m[1]));
      expect(folders.length).toBeGreaterThan(0);
      for (const folder of new Set(folders)) expect(fs.existsSync(path.join(work, folder, "cdk.tf.json"))).toBe(true);
    });

    (tofuAvailable ? test : test.skip)("THEN tofu init installs the providers from the local mirror, keeping the committed lock", () => {
      const command = ".tools/bin/tofu -chdir=cdktf.out/stacks/mylab-undercloud init";
      const folder = path.join(work, "cdktf.out", "stacks", `${excerpt.name}-undercloud`);
      ran(command);
      expect(fs.readdirSync(path.join(folder, ".terraform", "providers"))).toEqual(expect.arrayContaining(["registry.terraform.io", "terraform.local"]));
      expect(lockBeforeInit).toContain('provider "registry.terraform.io/terraform-provider-openstack/openstack"');
      expect(fs.readFileSync(path.join(folder, ".terraform.lock.hcl"), "utf8")).toBe(lockBeforeInit);
    });
  });
});
