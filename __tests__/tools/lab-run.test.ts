/**
 * `npm run lab` (tools/lab.js), the first thing a new user runs: a few plain
 * lines, none of them a spinner or colour, the last saying what to do next;
 * the stacks it writes are byte for byte those of `cdktf synth`; a refused
 * lab is labcdk's one line.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-lab-run-"));

/** `node tools/lab.js` as npm runs it (not a terminal), in ROOT. */
function labRun(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [path.join(ROOT, "tools", "lab.js")], { cwd: ROOT, encoding: "utf8", timeout: 120000, env: { ...process.env, ...env } });
}

/** Every file under `dir`, relative, with its content. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort()
      .map((f) => [path.relative(dir, f), fs.readFileSync(f, "utf8")]),
  );
}

describe("GIVEN the built-in classroom lab", () => {
  jest.setTimeout(300000);
  const mine = path.join(work, "mine");
  const result = labRun({ CDKTF_OUTDIR: mine, LAB_CONFIG: "" });

  test("WHEN npm run lab runs without a terminal THEN a few plain lines, the last ones naming the stacks written and what to do next", () => {
    expect(result.status).toBe(0);
    const lines = (result.stdout + result.stderr).trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(4);
    // No spinner, no cursor movement, no colour: nothing but text.
    expect(result.stdout + result.stderr).not.toContain("\u001b");
    expect(result.stdout + result.stderr).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(lines[lines.length - 2]).toBe(
      `lab labs/classroom/lab.yaml: valid; wrote ${["lab-overcloud", "lab-undercloud"].map((s) => path.relative(ROOT, path.join(mine, "stacks", s, "cdk.tf.json"))).join(" and ")}`,
    );
    expect(lines[lines.length - 1]).toMatch(/^next: cp -r labs\/classroom my-lab, .*README\.md, "Your first plan"$/);
    // The synthesis' warnings are passed on: the runbook's classic driver.
    expect(result.stdout).toContain('warn: node "compute2": classic driver "pxe_ipmitool"');
  });

  test("WHEN cdktf synth writes the same lab THEN every file is the same", () => {
    const theirs = path.join(work, "theirs");
    const synth = spawnSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", theirs], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300000,
      env: { ...process.env, LAB_CONFIG: "", CHECKPOINT_DISABLE: "1", CI: "1" },
    });
    expect(synth.status).toBe(0);
    expect(tree(mine)).toEqual(tree(theirs));
  });
});

test("GIVEN a lab file that does not exist WHEN npm run lab runs THEN labcdk's one line names it and where it came from", () => {
  const missing = path.join(work, "no-such-lab.yaml");
  const result = labRun({ CDKTF_OUTDIR: path.join(work, "never"), LAB_CONFIG: missing });
  expect(result.status).toBe(1);
  expect(result.stderr.trim()).toBe(`${missing} (from LAB_CONFIG): does not exist`);
  expect(fs.existsSync(path.join(work, "never"))).toBe(false);
});
