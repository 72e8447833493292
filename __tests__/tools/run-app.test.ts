/**
 * tools/run-app.js, the cdktf app runner (cdktf.json "app"): runs the app
 * bundled by esbuild while the bundle matches the sources, bundles again when
 * they changed (never runs a stale bundle), and leaves the provider bindings
 * (.gen/) outside the bundle. Checked on a scratch project (node_modules
 * linked): a two-file app that prints what it imports.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();

describe("GIVEN an app started by tools/run-app.js", () => {
  jest.setTimeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-run-app-"));
  const run = () => spawnSync(process.execPath, [path.join(dir, "tools", "run-app.js"), "main.ts"], { cwd: dir, encoding: "utf8" });
  const bundle = path.join(dir, "dist", "app", "main.js");

  beforeAll(() => {
    for (const item of ["package.json", "tsconfig.json", "bin", "tools/run-app.js", "tools/build-cli.js"]) {
      fs.cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    fs.mkdirSync(path.join(dir, "lib"));
    fs.mkdirSync(path.join(dir, ".gen"));
    fs.writeFileSync(path.join(dir, ".gen", "binding.js"), 'exports.where = "outside";\n');
    fs.writeFileSync(path.join(dir, "lib", "word.ts"), 'export const WORD: string = "alpha";\n');
    fs.writeFileSync(
      path.join(dir, "main.ts"),
      'import { WORD } from "./lib/word";\nconst { where } = require("./.gen/binding");\nconsole.log(`${WORD} ${where}`);\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("WHEN it runs THEN it prints from a bundle of the app's own files, the bindings loaded from .gen/", () => {
    const result = run();
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("alpha outside\n");
    const text = fs.readFileSync(bundle, "utf8");
    expect(text).toContain('"alpha"');
    expect(text).toContain('require("../../.gen/binding")');
    expect(text).not.toContain('"outside"');
  });

  test("WHEN a source gets an edit of the same length and its old time back THEN the edit runs (bundled again), never the old bundle", () => {
    const source = path.join(dir, "lib", "word.ts");
    const { atime, mtime } = fs.statSync(source);
    fs.writeFileSync(source, fs.readFileSync(source, "utf8").replace("alpha", "omega"));
    fs.utimesSync(source, atime, mtime);
    expect(run().stdout).toBe("omega outside\n");
    expect(fs.readFileSync(bundle, "utf8")).toContain('"omega"');
  });

  test("WHEN the bundle cannot be made (no esbuild) and a source changed THEN the TypeScript runs through ts-node, with the change", () => {
    fs.rmSync(path.join(dir, "node_modules"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
      if (entry !== "esbuild" && entry !== ".bin") fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(dir, "node_modules", entry));
    }
    const before = fs.readFileSync(bundle, "utf8");
    fs.writeFileSync(path.join(dir, "lib", "word.ts"), 'export const WORD: string = "delta";\n');
    expect(run().stdout).toBe("delta outside\n");
    expect(fs.readFileSync(bundle, "utf8")).toBe(before);
  });
});
