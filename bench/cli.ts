/**
 * CLI start-up benchmark: `labcdk` commands against a bare `node -e 0` start
 * on the same Node.js, run side by side (interleaved, one process per run), as
 * ratios to that floor. The commands run from the bundle (dist/cli.js) with
 * their V8 code cache (dist/.compile-cache/, made by their first run); the
 * same `lab validate` also runs without its cache (the first start after a
 * build), the way the CLI started before it was compiled (ts-node, transpile
 * only), and through `npx`.
 *
 *   npm run bench:cli          writes the "cli" section of bench/RESULTS.md
 *   RUNS=21 npm run bench:cli
 *
 * No test times anything; __tests__/bench/cli.test.ts only runs each scenario once.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../lab/project-root";
import { writeResultsSection } from "./results-file";

export interface CliScenario {
  readonly name: string;
  /** argv[0] is run as is ("node" means this Node.js). */
  readonly argv: string[];
  /** Compared with the 3× target of issue 19 (the CLI's own commands). */
  readonly target: boolean;
  /** Run before each start, untimed. */
  readonly before?: () => void;
}

/** Removes the code caches of `labcdk lab validate` (bin/compile-cache.js), as a build does. */
function removeLabValidateCache(root: string): void {
  const dir = path.join(root, "dist", ".compile-cache");
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) if (name.startsWith("lab-validate-")) fs.rmSync(path.join(dir, name), { force: true });
}

/** The scenarios, in the order they run; the first is the floor. WORK holds the saved plan. */
export function cliScenarios(root: string, work: string): CliScenario[] {
  const bin = path.join(root, "bin", "labcdk.js");
  const plan = path.join(work, "lab-undercloud.json");
  fs.writeFileSync(plan, JSON.stringify(savedPlan()));
  return [
    { name: "floor: `node -e 0`", argv: ["node", "-e", "0"], target: false },
    { name: "`labcdk lab validate` (bundle, dist/cli.js)", argv: ["node", bin, "lab", "validate"], target: true },
    { name: "`labcdk verify --help` (bundle)", argv: ["node", bin, "verify", "--help"], target: true },
    { name: "`labcdk plan-summary` of a saved plan (bundle)", argv: ["node", bin, "plan-summary", plan], target: true },
    {
      name: "`labcdk lab validate`, no code cache yet (the first start after a build)",
      argv: ["node", bin, "lab", "validate"],
      target: false,
      before: () => removeLabValidateCache(root),
    },
    {
      name: "`labcdk lab validate` through ts-node (the start before: transpile only)",
      argv: ["node", "--require", "ts-node/register/transpile-only", path.join(root, "cli", "main.ts"), "lab", "validate"],
      target: false,
    },
    { name: "`./labcdk lab validate` (README's way: the symlink at the project's root, on PATH's node)", argv: [path.join(root, "labcdk"), "lab", "validate"], target: true },
    { name: "`npx labcdk lab validate` (bundle; npx's own start included)", argv: ["npx", "--no-install", "labcdk", "lab", "validate"], target: false },
    { name: "`npm exec labcdk -- lab validate` (npm's own start included)", argv: ["npm", "exec", "--no", "labcdk", "--", "lab", "validate"], target: false },
  ];
}

/** A small saved plan (`tofu show -json` shape): one step created, one node updated. */
function savedPlan(): object {
  return {
    format_version: "1.2",
    resource_changes: [
      {
        address: "terraform_data.Nodes_Enroll_1",
        mode: "managed",
        type: "terraform_data",
        change: { actions: ["create"], before: null, after: { input: { LABCDK_STEP: "enroll-nodes", OS_CLOUD: "undercloud", LABCDK_NODE_COMPUTE2: JSON.stringify({ name: "compute2", driver: "ipmi" }) } } },
      },
      {
        address: "terraform_data.Node-compute2_Registration_1",
        mode: "managed",
        type: "terraform_data",
        change: { actions: ["update"], before: { input: { LABCDK_STEP: "unenroll-node", NODE_NAME: "compute2" } }, after: { input: { LABCDK_STEP: "unenroll-node", NODE_NAME: "compute2" } } },
      },
    ],
  };
}

/** CPU time (user + system, seconds) of this process's waited-for children so far (Linux). */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: field 3 is state; cutime and cstime are fields 16 and 17 (man 5 proc).
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Runs SCENARIO once; throws with its output when it fails. */
export function runScenario(scenario: CliScenario, root: string): { wallSeconds: number; cpuSeconds: number } {
  const [command, ...args] = scenario.argv;
  scenario.before?.();
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync(command === "node" ? process.execPath : command, args, { cwd: root, encoding: "utf8" });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${scenario.name} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return { wallSeconds, cpuSeconds: childrenCpuSeconds() - cpuBefore };
}

function main(): void {
  const runs = Number(process.env.RUNS ?? 11);
  const root = projectRoot();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- bin/ is plain JavaScript without type declarations: loaded by path, typed here
  const { compiledCliIsFresh } = require(path.join(root, "bin", "build-stamp.js")) as { compiledCliIsFresh: (root: string) => boolean };
  if (!compiledCliIsFresh(root)) throw new Error("the bundled CLI is stale: npm run build:cli first (npm run bench:cli does)");
  const load = [os.loadavg()[0].toFixed(1)];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bench-cli-"));
  const scenarios = cliScenarios(root, work);
  const samples = scenarios.map(() => ({ wall: [] as number[], cpu: 0 }));
  scenarios.forEach((s) => runScenario(s, root)); // warm the file cache once, not counted
  for (let run = 0; run < runs; run++) {
    scenarios.forEach((scenario, i) => {
      const { wallSeconds, cpuSeconds } = runScenario(scenario, root);
      samples[i].wall.push(wallSeconds);
      samples[i].cpu += cpuSeconds;
    });
  }
  fs.rmSync(work, { recursive: true, force: true });

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows = scenarios.map((s, i) => ({ ...s, wall: median(samples[i].wall), cpu: samples[i].cpu / runs }));
  const floor = rows[0];
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    "## CLI start-up",
    "",
    `Measured by \`npm run bench:cli\` (bench/cli.ts) on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, Node.js ${process.version}, ${os.platform()}.`,
    `Each row is a fresh process started from the project folder; the rows run interleaved, ${runs} rounds after one warm-up round (which makes each command's code cache). Wall time: median; CPU (user + system of the process and its children): mean. Load average (1 min) ${load[0]} at the start, ${os.loadavg()[0].toFixed(1)} at the end.`,
    "Target (issue 19): each of labcdk's own commands at most 3× the floor.",
    "",
    "| command | wall (s) | × floor | CPU (s) | × floor | target ≤ 3× |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...rows.map((r) =>
      [
        r.name,
        r.wall.toFixed(3),
        (r.wall / floor.wall).toFixed(2),
        r.cpu.toFixed(3),
        (r.cpu / floor.cpu).toFixed(2),
        r.target ? (r.wall / floor.wall <= 3 && r.cpu / floor.cpu <= 3 ? "met" : "missed") : "",
      ].join(" | ").replace(/^/, "| ").concat(" |"),
    ),
    "",
  ];
  writeResultsSection("cli", lines);
  console.log(lines.join("\n"));
}

if (require.main === module) main();
