/**
 * Synth benchmark: wall time and peak memory of each scenario, median of
 * RUNS runs, every scenario run the same way (node on compiled JS, one
 * process per run, runs interleaved so that machine noise hits all alike),
 * reported as ratios to the floor (a one-resource cdktf app).
 *
 *   npm run bench            writes bench/RESULTS.md
 *   RUNS=9 npm run bench
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../lab/project-root";
import { writeGeneratedLab } from "./generate-lab";
import { writeResultsSection } from "./results-file";

interface Scenario {
  readonly name: string;
  readonly args: string[];
}
interface Sample {
  readonly seconds: number;
  readonly maxRssMb: number;
}

const runs = Number(process.env.RUNS ?? 5);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bench-"));
const scenarioJs = path.join(__dirname, "scenario.js");
const root = projectRoot();

const scenarios: Scenario[] = [
  { name: "floor: one-resource cdktf app", args: ["floor"] },
  { name: "classroom lab", args: ["lab", path.join(root, "labs", "classroom", "lab.yaml")] },
  { name: "100 nodes + 100 instances", args: ["lab", writeGeneratedLab(path.join(work, "gen100"), 100, 100)] },
  { name: "1,000 nodes + 100 instances", args: ["lab", writeGeneratedLab(path.join(work, "gen1000"), 1000, 100)] },
];

function runOnce(scenario: Scenario, index: number): Sample {
  const [kind, ...rest] = scenario.args;
  const outdir = path.join(work, `out-${index}`);
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [scenarioJs, kind, outdir, ...rest], { encoding: "utf8", cwd: root });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${scenario.name} failed:\n${result.stderr}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const { maxRssKb } = JSON.parse(result.stdout.trim().split("\n").pop() as string);
  return { seconds, maxRssMb: maxRssKb / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const samples = new Map<Scenario, Sample[]>(scenarios.map((s) => [s, []]));
for (let run = 0; run < runs; run++) {
  scenarios.forEach((scenario, i) => samples.get(scenario)!.push(runOnce(scenario, run * 10 + i)));
  process.stderr.write(`bench: run ${run + 1}/${runs} done\n`);
}

const rows = scenarios.map((s) => {
  const list = samples.get(s)!;
  return { name: s.name, seconds: median(list.map((x) => x.seconds)), mb: median(list.map((x) => x.maxRssMb)) };
});
const floor = rows[0];
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const lines = [
  "## Synth",
  "",
  `Measured by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ${os.platform()}.`,
  `Each scenario is a fresh \`node\` process on compiled JS that loads the lab and writes cdktf.out; median of ${runs} interleaved runs.`,
  "Wall time is process start to exit (Node.js start-up included); memory is the process's peak resident set.",
  "",
  "| scenario | wall time (s) | × floor | peak memory (MB) | × floor |",
  "| --- | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => `| ${r.name} | ${r.seconds.toFixed(3)} | ${(r.seconds / floor.seconds).toFixed(2)} | ${r.mb.toFixed(0)} | ${(r.mb / floor.mb).toFixed(2)} |`),
  "",
  `Growth from 100 to 1,000 nodes: ${((rows[3].seconds - floor.seconds) / (rows[2].seconds - floor.seconds)).toFixed(1)}× the time above the floor for 10× the nodes (linear would be ≤ 10×).`,
  "",
];
writeResultsSection("synth", lines);
console.log(lines.join("\n"));
fs.rmSync(work, { recursive: true, force: true });
