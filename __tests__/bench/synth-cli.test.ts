/**
 * The user-facing synth benchmark's scenarios run (each once, untimed: timings
 * belong in bench/RESULTS.md, never in a test's assertion), and its floor is a
 * fair one: the same app runner as the project's, one resource, nothing of labcdk.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSynthCliScenario, synthCliScenarios, TS_NODE_APP } from "../../bench/synth-cli";
import { projectRoot } from "../../lab/project-root";

describe("GIVEN the synth-through-the-CLI benchmark (bench/synth-cli.ts)", () => {
  jest.setTimeout(300000);
  const root = projectRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bench-synth-cli-test-"));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const scenarios = synthCliScenarios(root, work);
  const appOf = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, "cdktf.json"), "utf8")) as { app: string }).app;
  const stacksIn = (outdir: string) => fs.readdirSync(path.join(outdir, "stacks")).sort();

  /** The app command with its runner script made absolute (each cdktf.json names it relative to its folder). */
  const runnerOf = (dir: string) => appOf(dir).replace(/^node (\S+)/, (_all, script: string) => `node ${path.resolve(dir, script)}`);

  test("THEN the floor app is started by the same runner as the project's app", () => {
    expect(appOf(root)).toMatch(/^node \S+ main\.ts$/);
    expect(runnerOf(scenarios[0].cwd)).toBe(runnerOf(root));
    expect(scenarios.map((s) => s.cwd)).toEqual([path.join(root, "bench", "floor-app"), root, root, path.join(root, "bench", "floor-app"), root]);
    // The rows of the runner before: both through ts-node, the lab compared with that floor.
    expect(scenarios.slice(3).map((s) => [s.argv.slice(1, 4), s.floor])).toEqual([
      [["synth", "--app", TS_NODE_APP], 3],
      [["synth", "--app", TS_NODE_APP], 3],
    ]);
  });

  test("WHEN the floor runs THEN cdktf synthesizes one stack with one resource", () => {
    runSynthCliScenario(scenarios[0]);
    const outdir = path.join(work, "floor");
    expect(stacksIn(outdir)).toEqual(["floor"]);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "floor", "cdk.tf.json"), "utf8")) as { resource: Record<string, object> };
    expect(Object.keys(json.resource)).toEqual(["terraform_data"]);
  });

  test.each([
    [1, "lab"],
    [2, "npm"],
    [4, "lab-ts-node"],
  ])("WHEN scenario %i runs THEN the classroom lab's two stacks are synthesized into its output folder", (index, folder) => {
    runSynthCliScenario(scenarios[index]);
    // The classroom lab is named "lab" (labs/classroom/lab.yaml).
    expect(stacksIn(path.join(work, folder))).toEqual(["lab-overcloud", "lab-undercloud"]);
  });
});
