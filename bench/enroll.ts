/**
 * Enrolment benchmark against a local test bed (testbed/up): wall time of
 * `tofu apply` that registers and introspects 1 node vs 20 nodes
 * (fake-hardware, inspected for real — by ironic-inspector on Zed, by Ironic's
 * `agent` interface on Epoxy — fed by the test bed's ramdisk stand-in, whose
 * delay is the same for both), median of RUNS runs each, interleaved; destroy
 * between runs is not timed. Reported as the ratio 20 / 1, in a section of
 * bench/RESULTS.md of the bed's release (`enroll-zed`, `enroll-epoxy`).
 *
 *   testbed/up && npm run bench:enroll
 *   testbed/up --release epoxy && LABCDK_TESTBED_DIR=~/.cache/labcdk/testbed-epoxy npm run bench:enroll
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
/** The test bed measured against: its state folder (testbed/up's, or LABCDK_TESTBED_DIR's) says its release. */
const testbedDir = process.env.LABCDK_TESTBED_DIR ?? path.join(os.homedir(), ".cache", "labcdk", "testbed");
const release = fs.readFileSync(path.join(testbedDir, "release"), "utf8").trim();
/** The ramdisk stand-in's delay, as the running test bed's stand-in logged it when it started. */
const ramdiskLog = path.join(testbedDir, "log", "ramdisk.log");
const ramdiskDelay = [...fs.readFileSync(ramdiskLog, "utf8").matchAll(/reports go to \S+ after ([\d.]+)s/g)].at(-1)?.[1];
if (!ramdiskDelay) throw new Error(`bench:enroll: ${ramdiskLog} names no ramdisk delay: is the test bed (testbed/up) running its stand-in?`);
const root = projectRoot();
const tofuBin = path.join(root, ".tools", "bin", "tofu");
const env = {
  ...process.env,
  TF_CLI_CONFIG_FILE: path.join(root, ".tools", "tofurc"),
  OS_CLIENT_CONFIG_FILE: process.env.OS_CLIENT_CONFIG_FILE ?? path.join(testbedDir, "clouds.yaml"),
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
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${testbedDir}/`)) continue;
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

/**
 * How the bed's Ironic inspected the nodes: the inspect interface of a node the
 * apply enrolled, as Ironic reports it (bounded: one CLI call of 60 s at most).
 */
function inspectInterfaceOf(node: string): string {
  const result = spawnSync("openstack", ["--os-cloud", "undercloud", "baremetal", "node", "show", node, "-f", "value", "-c", "inspect_interface"], {
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`bench:enroll: openstack baremetal node show ${node} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

const sizes = [1, 20];
let inspectInterface = "";
/** The machine's 1-minute load average when the runs began: the two cores are shared with whatever else runs. */
const loadAtStart = os.loadavg()[0];
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
    inspectInterface ||= inspectInterfaceOf("fleet00");
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
/** What inspects on this bed, in words. */
const inspection =
  inspectInterface === "inspector"
    ? "Ironic's `inspector` interface handing the nodes to ironic-inspector"
    : `Ironic's own \`${inspectInterface}\` inspect interface`;
const lines = [
  `## Enrolment on ${release}: register + introspect + tag + provide, 1 vs 20 nodes`,
  "",
  `Measured by \`npm run bench:enroll\` (bench/enroll.ts) on ${new Date().toISOString().slice(0, 10)} against the local ${release} test bed (Ironic \`fake-hardware\` nodes inspected for real: ${inspection}, the ramdisk stand-in answering ${ramdiskDelay} s after each node "boots"; same machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}): wall time of \`tofu apply\` of the undercloud stack (nodes only, no deploy), median of ${runs} interleaved runs; destroy between runs is not timed; load average (1 min) ${loadAtStart.toFixed(1)} when the runs began and ${os.loadavg()[0].toFixed(1)} when they ended. Target (issue 15): 20 nodes in at most 2× the time of one.`,
  "",
  "| nodes | apply wall time (s) | × one node | CPU of tofu + scripts (s) | CPU of the test bed's services (s) | then a plan (refresh), wall (s) | × one node |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  `| 1 | ${one.toFixed(1)} | 1.00 | ${median(clientCpu.get(1)!).toFixed(1)} | ${median(serviceCpu.get(1)!).toFixed(1)} | ${planOne.toFixed(1)} | 1.00 |`,
  `| 20 | ${twenty.toFixed(1)} | ${(twenty / one).toFixed(2)} | ${median(clientCpu.get(20)!).toFixed(1)} | ${median(serviceCpu.get(20)!).toFixed(1)} | ${planTwenty.toFixed(1)} | ${(planTwenty / planOne).toFixed(2)} |`,
  "",
];
writeResultsSection(`enroll-${release}`, lines);
console.log(lines.join("\n"));
