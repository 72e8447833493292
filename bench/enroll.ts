/**
 * Enrolment benchmark against the local test bed (testbed/up): wall time of
 * `tofu apply` that registers and introspects 1 node vs 20 nodes
 * (fake-hardware, inspected by ironic-inspector fed by the test bed's ramdisk
 * stand-in, whose delay is the same for both), median of RUNS runs each,
 * interleaved; destroy between runs is not timed. Reported as the ratio 20 / 1.
 *
 *   testbed/up && npm run bench:enroll
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadLab } from "../lab/load";
import { projectRoot } from "../lab/project-root";
import { labApp } from "../stacks/lab-app";
import { writeFleetLab } from "./generate-lab";
import { writeResultsSection } from "./results-file";

const runs = Number(process.env.RUNS ?? 3);
/** The ramdisk stand-in's delay, as the running test bed's stand-in logged it when it started. */
const ramdiskLog = path.join(process.env.LABCDK_TESTBED_DIR ?? path.join(os.homedir(), ".cache", "labcdk", "testbed"), "log", "ramdisk.log");
const ramdiskDelay = [...fs.readFileSync(ramdiskLog, "utf8").matchAll(/reports go to \S+ after ([\d.]+)s/g)].at(-1)?.[1];
if (!ramdiskDelay) throw new Error(`bench:enroll: ${ramdiskLog} names no ramdisk delay: is the test bed (testbed/up) running its stand-in?`);
const root = projectRoot();
const tofuBin = path.join(root, ".tools", "bin", "tofu");
const env = {
  ...process.env,
  TF_CLI_CONFIG_FILE: path.join(root, ".tools", "tofurc"),
  OS_CLIENT_CONFIG_FILE: process.env.OS_CLIENT_CONFIG_FILE ?? path.join(os.homedir(), ".cache", "labcdk", "testbed", "clouds.yaml"),
  PATH: `/usr/bin:/bin:${process.env.PATH}`,
  LABCDK_PROJECT_DIR: root,
  CHECKPOINT_DISABLE: "1",
};

const ticksPerSecond = 100; // USER_HZ on Linux
/** CPU seconds used so far by this process's waited-for children (tofu, its scripts, their Python). */
function childrenCpuSeconds(): number {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond; // cutime, cstime
}
/** CPU seconds used so far by the test bed's processes (command line under its state folder). */
function testbedCpuSeconds(): number {
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("labcdk/testbed")) continue;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

function tofu(dir: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(tofuBin, [...args, "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tofu ${args.join(" ")} failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function stackFor(count: number): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bench-enroll-"));
  const lab = loadLab(writeFleetLab(count, `bench${count}`));
  labApp(lab, { outdir }).app.synth();
  const dir = path.join(outdir, "stacks", `${lab.name}-undercloud`);
  tofu(dir, ["init"]);
  return dir;
}

const sizes = [1, 20];
const dirs = new Map(sizes.map((n) => [n, stackFor(n)]));
const times = new Map<number, number[]>(sizes.map((n) => [n, []]));
const clientCpu = new Map<number, number[]>(sizes.map((n) => [n, []]));
const serviceCpu = new Map<number, number[]>(sizes.map((n) => [n, []]));
const planTimes = new Map<number, number[]>(sizes.map((n) => [n, []]));
for (let run = 0; run < runs; run++) {
  for (const n of sizes) {
    const dir = dirs.get(n)!;
    const [client0, services0] = [childrenCpuSeconds(), testbedCpuSeconds()];
    // Default -parallelism: the fleet is enrolled by one step, so it plays no part.
    times.get(n)!.push(tofu(dir, ["apply", "-auto-approve"]));
    clientCpu.get(n)!.push(childrenCpuSeconds() - client0);
    serviceCpu.get(n)!.push(testbedCpuSeconds() - services0);
    // The plan every later pipeline run makes: a refresh that runs the observers.
    planTimes.get(n)!.push(tofu(dir, ["plan", "-detailed-exitcode"]));
    tofu(dir, ["destroy", "-auto-approve", "-parallelism=20"]); // not timed
    process.stderr.write(`bench:enroll: run ${run + 1}/${runs}, ${n} node(s): apply ${times.get(n)!.at(-1)!.toFixed(1)} s, plan ${planTimes.get(n)!.at(-1)!.toFixed(1)} s\n`);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const one = median(times.get(1)!);
const twenty = median(times.get(20)!);
const planOne = median(planTimes.get(1)!);
const planTwenty = median(planTimes.get(20)!);
const lines = [
  "## Enrolment: register + introspect + tag + provide, 1 vs 20 nodes",
  "",
  `Measured by \`npm run bench:enroll\` (bench/enroll.ts) on ${new Date().toISOString().slice(0, 10)} against the local test bed (Ironic \`fake-hardware\` nodes inspected for real: Ironic's \`inspector\` interface, ironic-inspector 11.1.0, the ramdisk stand-in answering ${ramdiskDelay} s after each node "boots"; same machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}): wall time of \`tofu apply\` of the undercloud stack (nodes only, no deploy), median of ${runs} interleaved runs; destroy between runs is not timed.`,
  "",
  "| nodes | apply wall time (s) | × one node | CPU of tofu + scripts (s) | CPU of the test bed's services (s) | then a plan (refresh), wall (s) | × one node |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  `| 1 | ${one.toFixed(1)} | 1.00 | ${median(clientCpu.get(1)!).toFixed(1)} | ${median(serviceCpu.get(1)!).toFixed(1)} | ${planOne.toFixed(1)} | 1.00 |`,
  `| 20 | ${twenty.toFixed(1)} | ${(twenty / one).toFixed(2)} | ${median(clientCpu.get(20)!).toFixed(1)} | ${median(serviceCpu.get(20)!).toFixed(1)} | ${planTwenty.toFixed(1)} | ${(planTwenty / planOne).toFixed(2)} |`,
  "",
  "Before (per-node Enroll and Tag steps: two processes and two Keystone tokens per node, measured 2026-11-24 at commit 09e16f1): 20 nodes 40.9 s against 6.4 s for one, 6.42×, with 31.8 s client CPU (forty Python start-ups) and 46.6 s service CPU (two thirds of it Keystone issuing and validating forty tokens): CPU-bound on the two cores. With per-node observations (two per node), a plan of the applied 20-node lab took 31 s (measured 2026-11-25 before they became two for the fleet).",
  "",
  "Earlier figures (2026-11-25) were with Ironic's `fake` inspect interface, which ends at once: 20 nodes 8.5 s against 5.5 s for one, 1.54×.",
  "",
  "With real introspection (2026-11-30: 20 nodes 26.1 s against 11.3 s for one, 2.31×) the target of 2× is missed, and the test bed is why as far as measured: its services used 26.9 s of CPU in the 26.1 s of the 20-node apply, on the two cores OpenTofu and the enrolment share with them. One 20-node apply profiled per service (its first, creating the nodes, 40 s): Keystone 22 s, Ironic 18 s, MariaDB 6 s, ironic-inspector 4 s, the ramdisk stand-in under 1 s. Keystone's share is token validation, not issuance (two password authentications in that apply); which requests cause it is not yet measured. A one-node apply is 2 s of stand-in delay, up to 2 s of Ironic's inspector status period, and the rest labcdk's own steps.",
  "",
  "The fleet is enrolled by one step (scripts/enroll-nodes.sh): one process and one Keystone token for every node, one list request per poll round. Client CPU is OpenTofu, the provider plug-ins and that one process; service CPU is the test bed's (mostly Ironic's API and conductor, one process here), on the same cores.",
  "",
];
writeResultsSection("enroll", lines);
console.log(lines.join("\n"));
