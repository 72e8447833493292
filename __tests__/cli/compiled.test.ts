/**
 * bin/labcdk.js runs the CLI's bundle (dist/cli.js, tools/build-cli.js) only
 * while it was built from the sources and packages as they are now: otherwise
 * it bundles again, or, where it cannot, runs the TypeScript (ts-node). A
 * stale bundle never runs. Checked on a scratch copy of the CLI's sources
 * (node_modules a folder of links to the project's packages), so that the
 * project's own dist/ is never touched. Which way a command ran shows in what
 * it prints (an edited description), in the stamp (the bundle's SHA-256
 * changes when it is bundled again) and in dist/.compile-cache/ (only the
 * bundle writes a code cache there).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();

interface Stamp {
  bundle: { mtimeMs: number; size: number; sha256: string };
  sources: Record<string, [number, number, number?]>;
  packages: Record<string, [number, number, number?]>;
}

describe("GIVEN a checkout whose CLI was bundled by tools/build-cli.js", () => {
  jest.setTimeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-bundled-"));
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(dir, "bin", "labcdk.js"), ...args], { cwd: dir, encoding: "utf8" });
  const build = () => spawnSync(process.execPath, [path.join(dir, "tools", "build-cli.js")], { cwd: dir, encoding: "utf8" });
  const check = () => spawnSync(process.execPath, [path.join(dir, "tools", "build-cli.js"), "--check"], { cwd: dir, encoding: "utf8" });
  const stamp = (): Stamp => JSON.parse(fs.readFileSync(path.join(dir, "dist", ".cli-sources.json"), "utf8"));
  const caches = () => (fs.existsSync(path.join(dir, "dist", ".compile-cache")) ? fs.readdirSync(path.join(dir, "dist", ".compile-cache")) : []);
  /** Replaces FROM by TO (the same length) in FILE, and gives the file back the time it had. */
  const sameLengthEdit = (file: string, from: string, to: string) => {
    expect(to).toHaveLength(from.length);
    const target = path.join(dir, file);
    const { atime, mtime } = fs.statSync(target);
    const text = fs.readFileSync(target, "utf8");
    expect(text).toContain(from);
    fs.writeFileSync(target, text.replace(from, to));
    fs.utimesSync(target, atime, mtime);
  };
  const secondsAgo = (seconds: number) => new Date((Math.floor(Date.now() / 1000) - seconds) * 1000);

  beforeAll(() => {
    for (const item of ["package.json", "tsconfig.json", "bin", "cli", "lab", "constructs", "labs", "tools/build-cli.js"]) {
      fs.cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
    }
    fs.mkdirSync(path.join(dir, "node_modules"));
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
      fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(dir, "node_modules", entry));
    }
    // Written an hour ago (not racy: time and size tell a change), but for cli/main.ts, written a second ago (racy).
    const files = execFileSync("find", ["cli", "lab", "constructs", "tsconfig.json", "tools", "-type", "f"], { cwd: dir, encoding: "utf8" }).trim().split("\n");
    for (const file of files) fs.utimesSync(path.join(dir, file), secondsAgo(3600), secondsAgo(3600));
    fs.utimesSync(path.join(dir, "cli", "main.ts"), secondsAgo(1), secondsAgo(1));
    const built = build();
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("THEN the stamp lists the CLI's sources, the compiler settings and the packages, nothing of the tests or stacks", () => {
    const { sources, packages, bundle } = stamp();
    expect(Object.keys(sources)).toEqual(
      expect.arrayContaining(["cli/main.ts", "cli/plan-summary.ts", "cli/verify.ts", "lab/load.ts", "lab/model.ts", "lab/schema.ts", "constructs/steps.ts", "tsconfig.json", "tools/build-cli.js"]),
    );
    expect(Object.keys(sources).filter((file) => /^(__tests__|stacks|bench)\/|node_modules/.test(file))).toEqual([]);
    expect(Object.keys(packages)).toEqual(["node_modules/.package-lock.json", "package.json"]);
    expect(bundle.size).toBe(fs.statSync(path.join(dir, "dist", "cli.js")).size);
    expect(check().status).toBe(0);
  });

  test("THEN a source written within RACY_MS of the build is recorded with a checksum of its content, an older one by time and size only", () => {
    const { sources } = stamp();
    expect(sources["cli/main.ts"]).toHaveLength(3);
    expect(sources["lab/load.ts"]).toHaveLength(2);
  });

  test("WHEN nothing changed THEN the bundle runs (and leaves its code cache), and is not bundled again", () => {
    const before = stamp().bundle.sha256;
    const result = run("lab", "validate");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('valid (lab "lab"');
    expect(caches()).toEqual([expect.stringMatching(new RegExp(`^lab-validate-${before.slice(0, 16)}-`))]);
    expect(stamp().bundle.sha256).toBe(before);
  });

  test("WHEN a racy source gets an edit of the same length, and its old time back THEN the old bundle does not run: it is bundled again and runs the edit", () => {
    const before = stamp();
    sameLengthEdit("cli/main.ts", "OpenStack labs as code:", "OpenStack labs as kode:");
    // Time and size are as recorded: only the content tells.
    const now = fs.statSync(path.join(dir, "cli", "main.ts"));
    expect([now.mtimeMs, now.size]).toEqual(before.sources["cli/main.ts"].slice(0, 2));
    expect(check().status).toBe(1);

    const result = run("--help");
    expect(result.stdout).toContain("OpenStack labs as kode:");
    expect(stamp().bundle.sha256).not.toBe(before.bundle.sha256);
    expect(check().status).toBe(0);
  });

  test("WHEN an older source gets an edit of the same length THEN its new time tells, and the edit runs", () => {
    const before = stamp();
    expect(before.sources["cli/overcloud-render.ts"]).toHaveLength(2);
    const file = path.join(dir, "cli", "overcloud-render.ts");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("overcloud stack ${", "OVERCLOUD STACK ${"));
    expect(fs.statSync(file).size).toBe(before.sources["cli/overcloud-render.ts"][1]);
    expect(check().status).toBe(1);
    const result = run("overcloud", "render");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('# lab "lab": OVERCLOUD STACK overcloud');
    expect(stamp().bundle.sha256).not.toBe(before.bundle.sha256);
  });

  test("WHEN the bundle is built again from other sources THEN the code caches of the old one are removed, and the new one's carry its hash", () => {
    const old = stamp().bundle.sha256.slice(0, 16);
    expect(caches()).toContainEqual(expect.stringMatching(new RegExp(`^overcloud-render-${old}-`)));
    const file = path.join(dir, "cli", "settle.ts");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("no Python with openstacksdk", "NO Python with openstacksdk"));
    expect(build().status).toBe(0);
    const sha = stamp().bundle.sha256.slice(0, 16);
    expect(sha).not.toBe(old);
    expect(caches()).toEqual([]);
    expect(run("verify", "--help").status).toBe(0);
    expect(caches()).toEqual([expect.stringMatching(new RegExp(`^verify-help-${sha}-[0-9]+-[0-9]+-v8-`))]);
  });

  test("WHEN the bundle itself is changed by hand THEN it is bundled again before it runs", () => {
    const bundle = path.join(dir, "dist", "cli.js");
    fs.appendFileSync(bundle, '\nconsole.log("hand-edited");\n');
    const result = run("lab", "validate");
    expect(result.stdout).not.toContain("hand-edited");
    expect(result.stdout).toContain('valid (lab "lab"');
    expect(fs.readFileSync(bundle, "utf8")).not.toContain("hand-edited");
  });

  test("WHEN the packages change (npm rewrites node_modules/.package-lock.json) THEN the bundle is stale", () => {
    const lock = path.join(dir, "node_modules", ".package-lock.json");
    fs.rmSync(lock);
    fs.writeFileSync(lock, fs.readFileSync(path.join(ROOT, "node_modules", ".package-lock.json")));
    expect(check().status).toBe(1);
    expect(build().status).toBe(0);
    expect(check().status).toBe(0);
  });

  test("WHEN a source changed and the bundle cannot be built again (no esbuild) THEN the TypeScript runs, with the change", () => {
    fs.rmSync(path.join(dir, "node_modules", "esbuild"));
    fs.rmSync(path.join(dir, "node_modules", ".bin"), { force: true });
    const before = stamp().bundle.sha256;
    const file = path.join(dir, "cli", "main.ts");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("valid (lab", "VALID (lab"));
    const result = run("lab", "validate");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('VALID (lab "lab"');
    expect(stamp().bundle.sha256).toBe(before);
    expect(check().status).toBe(1);
  });
});
