/**
 * The user-facing synth benchmark: `cdktf synth` of the classroom lab (what
 * `npm run synth` runs) against `cdktf synth` of a one-resource app
 * (bench/floor-app: nothing of labcdk's, the same app runner), both through the
 * same cdktf CLI on the same Node.js, run side by side (interleaved, one process
 * per run), as ratios to that floor. `npm run synth` itself (npm's own start
 * included) is a row too.
 *
 *   npm run bench:synth-cli          writes the "synth-cli" section of bench/RESULTS.md
 *   RUNS=9 npm run bench:synth-cli
 *
 * No test times anything; __tests__/bench/synth-cli.test.ts runs each scenario once.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../lab/project-root";
import { writeResultsSection } from "./results-file";

export interface SynthCliScenario {
  readonly name: string;
  readonly argv: string[];
  /** Folder it runs in (its cdktf.json says what app cdktf starts). */
  readonly cwd: string;
  /** Compared with the 1.3× target of issue 19. */
  readonly target: boolean;
  /** Index of the row its ratio is to (default 0, the floor). */
  readonly floor?: number;
}

/** How cdktf.json started the app before tools/run-app.js (passed with `--app`, for the rows that show the difference). */
export const TS_NODE_APP = "node --require ts-node/register/transpile-only main.ts";

/** The scenarios, in the order they run; the first is the floor. Output goes under WORK. */
export function synthCliScenarios(root: string, work: string): SynthCliScenario[] {
  const cdktf = path.join(root, "node_modules", ".bin", "cdktf");
  return [
    {
      name: "floor: `cdktf synth` of a one-resource app (bench/floor-app)",
      argv: [cdktf, "synth", "--output", path.join(work, "floor")],
      cwd: path.join(root, "bench", "floor-app"),
      target: false,
    },
    { name: "`cdktf synth` of the classroom lab (what `npm run synth` runs)", argv: [cdktf, "synth", "--output", path.join(work, "lab")], cwd: root, target: true },
    { name: "`npm run synth` (npm's own start included)", argv: ["npm", "run", "--silent", "synth", "--", "--output", path.join(work, "npm")], cwd: root, target: false },
    {
      name: "the runner before, ts-node (`--app`): floor",
      argv: [cdktf, "synth", "--app", TS_NODE_APP, "--output", path.join(work, "floor-ts-node")],
      cwd: path.join(root, "bench", "floor-app"),
      target: false,
      floor: 3,
    },
    {
      name: "the runner before, ts-node (`--app`): the classroom lab, × that floor",
      argv: [cdktf, "synth", "--app", TS_NODE_APP, "--output", path.join(work, "lab-ts-node")],
      cwd: root,
      target: false,
      floor: 3,
    },
  ];
}

/** CPU time (user + system, seconds) of this process's waited-for children so far (Linux). */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: field 3 is state; cutime and cstime are fields 16 and 17 (man 5 proc).
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100; // USER_HZ is 100 on Linux
}

/** Runs SCENARIO once; returns its wall time in seconds (and its CPU time: itself and its children), or throws with its output. */
export function runSynthCliScenario(scenario: SynthCliScenario): number {
  return measureSynthCliScenario(scenario).wallSeconds;
}

function measureSynthCliScenario(scenario: SynthCliScenario): { wallSeconds: number; cpuSeconds: number } {
  const [command, ...args] = scenario.argv;
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: scenario.cwd,
    encoding: "utf8",
    // This process's Node.js first on PATH: cdktf's CLI and the app it starts run on it.
    env: {
      ...process.env,
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
      LAB_CONFIG: path.join(projectRoot(), "labs", "classroom", "lab.yaml"), // the built-in default, whatever the caller's
      CHECKPOINT_DISABLE: "1",
      DISABLE_VERSION_CHECK: "1",
    },
    timeout: 300_000,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${scenario.name} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return { wallSeconds: seconds, cpuSeconds: childrenCpuSeconds() - cpuBefore };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const runs = Number(process.env.RUNS ?? 5);
  const root = projectRoot();
  const load = os.loadavg()[0].toFixed(1);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bench-synth-cli-"));
  try {
    const scenarios = synthCliScenarios(root, work);
    scenarios.forEach(runSynthCliScenario); // warm-up round, not counted
    const samples = scenarios.map(() => [] as number[]);
    const cpu = scenarios.map(() => 0);
    for (let run = 0; run < runs; run++) {
      scenarios.forEach((scenario, i) => {
        const { wallSeconds, cpuSeconds } = measureSynthCliScenario(scenario);
        samples[i].push(wallSeconds);
        cpu[i] += cpuSeconds / runs;
      });
      process.stderr.write(`bench:synth-cli: round ${run + 1}/${runs} done\n`);
    }
    const seconds = samples.map(median);
    const lines = [
      "## Synth through the cdktf CLI",
      "",
      `Measured by \`npm run bench:synth-cli\` (bench/synth-cli.ts) on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, Node.js ${process.version}; load average (1 min) ${os.loadavg()[0].toFixed(1)} at the end.`,
      `Each row is a fresh process (cdktf's CLI, which starts the app of its folder's cdktf.json, \`node tools/run-app.js main.ts\`: the same runner for both; the last two rows start them the way cdktf.json did before, through ts-node, and compare with each other); interleaved, median of ${runs} rounds after one warm-up round; load average (1 min) ${load} at the start.`,
      "Target (issue 19): the classroom lab at most 1.3× the one-resource app through the same CLI.",
      "",
      "Wall time: median; CPU (user + system of the CLI, the app and their children): mean. The target is read on wall time.",
      "",
      "| command | wall (s) | × its floor | CPU (s) | × its floor | target ≤ 1.3× |",
      "| --- | ---: | ---: | ---: | ---: | --- |",
      ...scenarios.map((s, i) => {
        const ratio = seconds[i] / seconds[s.floor ?? 0];
        const cpuRatio = cpu[i] / cpu[s.floor ?? 0];
        return `| ${s.name} | ${seconds[i].toFixed(2)} | ${ratio.toFixed(2)} | ${cpu[i].toFixed(2)} | ${cpuRatio.toFixed(2)} | ${s.target ? (ratio <= 1.3 ? "met" : "missed") : ""} |`;
      }),
      "",
    ];
    writeResultsSection("synth-cli", lines);
    console.log(lines.join("\n"));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main();
