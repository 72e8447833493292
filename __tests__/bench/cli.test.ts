/**
 * The CLI start-up benchmark's scenarios run (each once, untimed: timings
 * belong in bench/RESULTS.md, never in a test's assertion).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliScenarios, runScenario } from "../../bench/cli";
import { projectRoot } from "../../lab/project-root";

describe("GIVEN the CLI start-up benchmark (bench/cli.ts)", () => {
  jest.setTimeout(120000);
  const root = projectRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bench-cli-test-"));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const scenarios = cliScenarios(root, work);

  test("THEN its floor is a bare node start and it measures the three commands of issue 19, and the README's way to start the CLI (issue 29)", () => {
    expect(scenarios[0].argv).toEqual(["node", "-e", "0"]);
    expect(scenarios.filter((s) => s.target).map((s) => (s.argv[0] === "node" ? s.argv.slice(2, 4) : s.argv.slice(0, 3)))).toEqual([
      ["lab", "validate"],
      ["verify", "--help"],
      ["plan-summary", path.join(work, "lab-undercloud.json")],
      [path.join(root, "labcdk"), "lab", "validate"],
    ]);
  });

  test.each(scenarios.map((s) => [s.name, s] as const))("WHEN %s runs THEN it exits 0", (_name, scenario) => {
    expect(() => runScenario(scenario, root)).not.toThrow();
  });
});
