/**
 * Hostile and broken input files, given to every command that reads a file:
 * `labcdk lab validate`, `overcloud render --lab`, `verify --lab`,
 * `nodes validate`, `plan-summary`, and `cdktf synth` (LAB_CONFIG). Each
 * ends with one line on stderr naming the file, a non-zero exit, no stack
 * trace, and no hang (every run is bounded). `cdktf synth` leaves what was
 * synthesized before as it was.
 *
 * The corpus is written at test time (binary and invalid UTF-8 files, and a
 * sparse file larger than every bound, are not worth committing).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();
const BIN = path.join(ROOT, "bin", "labcdk.js");
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-hostile-"));
/** A hang guard, not a timing assertion: a run that reaches it has hung. */
const BOUND_MS = 60000;

const ALIAS_BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`)].join("\n");

/** name → content; a number is the size of a sparse file of NUL-free nothing (larger than any bound). */
const CORPUS: Record<string, string | Buffer | number> = {
  "empty": "",
  "whitespace": "  \n\n\t\n",
  "a list": "- name: lab\n- baremetal: {}\n",
  "a scalar": "just some words\n",
  "binary garbage": Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
  "invalid UTF-8": Buffer.concat([Buffer.from("name: lab\ndescription: caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
  "an alias bomb": ALIAS_BOMB,
  "YAML nested 10,000 deep": `a: ${"[".repeat(10000)}${"]".repeat(10000)}\n`,
  "JSON nested 200,000 deep": `{"nodes": ${"[".repeat(200000)}${"]".repeat(200000)}}`,
  "a 300 MiB file": 300 * 1024 * 1024,
  "a JSON null": "null",
};

function writeCorpus(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, content] of Object.entries(CORPUS)) {
    const file = path.join(DIR, `${name.replace(/\W+/g, "-")}.input`);
    if (typeof content === "number") {
      fs.writeFileSync(file, "x");
      fs.truncateSync(file, content); // sparse: no disk used, every size bound exceeded
    } else fs.writeFileSync(file, content);
    files[name] = file;
  }
  files["a folder"] = DIR;
  files["a missing file"] = path.join(DIR, "no-such-file.yaml");
  return files;
}

interface Run {
  status: number | null;
  stderr: string;
  stdout: string;
}

function runAsync(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), BOUND_MS);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The one-line verdict every hostile run must give. */
function expectOneLineError(result: Run, file: string, exitCode: number): void {
  const lines = result.stderr.split("\n").filter((l) => l.trim() !== "");
  expect({ status: result.status, lines: lines.length }).toEqual({ status: exitCode, lines: 1 });
  expect(lines[0]).toContain(file);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain("internal error");
}

const files = writeCorpus();

const COMMANDS: Array<[command: string, args: (file: string) => string[], exitCode: number]> = [
  ["lab validate", (f) => ["lab", "validate", f], 1],
  ["overcloud render --lab", (f) => ["overcloud", "render", "--lab", f], 1],
  ["verify --lab", (f) => ["verify", "--lab", f, "--timeout", "5"], 1],
  ["nodes validate", (f) => ["nodes", "validate", f], 1],
  ["plan-summary", (f) => ["plan-summary", f], 1],
];

describe("GIVEN hostile or broken input files", () => {
  jest.setTimeout(600000);
  const results = new Map<string, Run>();

  beforeAll(async () => {
    // Two at a time: every run starts Node (and ts-node when the compiled CLI is stale).
    const jobs = COMMANDS.flatMap(([command, args]) => Object.entries(files).map(([kind, file]) => ({ key: `${command}|${kind}`, args: args(file) })));
    const workers = [0, 1].map(async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) results.set(job.key, await runAsync(job.args));
    });
    await Promise.all(workers);
  });

  for (const [command, , exitCode] of COMMANDS) {
    for (const kind of Object.keys(files)) {
      test(`WHEN ${command} is given ${kind} THEN one line names the file, exit ${exitCode}, no stack trace`, () => {
        expectOneLineError(results.get(`${command}|${kind}`)!, files[kind], exitCode);
      });
    }
  }

  test("WHEN a lab file names a hostile node file THEN lab validate names the node file in one line", async () => {
    const lab = fs.readFileSync(path.join(ROOT, "labs", "classroom", "lab.yaml"), "utf8").replace("nodeFile: instackenv-onenode.json", `nodeFile: ${files["binary garbage"]}`);
    const labFile = path.join(DIR, "lab-with-hostile-nodes.yaml");
    fs.writeFileSync(labFile, lab);
    const result = await runAsync(["lab", "validate", labFile]);
    expectOneLineError(result, files["binary garbage"], 1);
    expect(result.stderr).toContain("is binary");
  });
});

describe("GIVEN a stack folder synthesized before", () => {
  jest.setTimeout(600000);
  const out = path.join(DIR, "cdktf.out");
  const synth = (lab: string) =>
    spawnSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", out], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300000,
      env: { ...process.env, LAB_CONFIG: lab, CHECKPOINT_DISABLE: "1", CI: "1" },
    });
  const snapshot = () =>
    (fs.readdirSync(out, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort()
      .map((f) => `${path.relative(out, f)} ${fs.statSync(f).mtimeMs} ${fs.readFileSync(f).length}`);

  for (const kind of ["an alias bomb", "binary garbage", "YAML nested 10,000 deep"]) {
    test(`WHEN cdktf synth is run on ${kind} THEN it fails with labcdk's one line, no stack trace, and the earlier output is untouched`, () => {
      if (!fs.existsSync(out)) expect(synth(path.join(ROOT, "labs", "classroom", "lab.yaml")).status).toBe(0);
      const before = snapshot();
      expect(before.length).toBeGreaterThan(0);
      const result = synth(files[kind]);
      expect(result.status).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).toContain(`${files[kind]}:`);
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).not.toContain("internal error");
      expect(snapshot()).toEqual(before);
    });
  }
});
