/**
 * bin/labcdk.js runs the compiled CLI (dist/, tools/build-cli.js) only while
 * it matches the TypeScript sources, and the TypeScript (ts-node) otherwise.
 * Checked on a scratch copy of the CLI's sources (node_modules linked), so that
 * the project's own dist/ is never touched: a marker line added to the
 * compiled entry point shows which of the two ran.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();
const MARKER = "ran-from-dist";

describe("GIVEN a checkout whose CLI was compiled by tools/build-cli.js", () => {
  jest.setTimeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-compiled-"));
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(dir, "bin", "labcdk.js"), ...args], { cwd: dir, encoding: "utf8" });
  const build = () => spawnSync(process.execPath, [path.join(dir, "tools", "build-cli.js")], { cwd: dir, encoding: "utf8" });
  const check = () => spawnSync(process.execPath, [path.join(dir, "tools", "build-cli.js"), "--check"], { cwd: dir, encoding: "utf8" });
  const mark = () => {
    const entry = path.join(dir, "dist", "cli", "main.js");
    fs.writeFileSync(entry, `console.log(${JSON.stringify(MARKER)});\n${fs.readFileSync(entry, "utf8")}`);
  };

  beforeAll(() => {
    for (const item of ["package.json", "tsconfig.json", "tsconfig.cli.json", "bin", "cli", "lab", "constructs", "labs", "tools/build-cli.js"]) {
      fs.cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    const built = build();
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    mark();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("THEN the stamp lists the CLI's sources and the compiler settings, nothing of the tests or stacks", () => {
    const sources = Object.keys(JSON.parse(fs.readFileSync(path.join(dir, "dist", ".cli-sources.json"), "utf8")).sources);
    expect(sources).toEqual(expect.arrayContaining(["cli/main.ts", "lab/load.ts", "lab/model.ts", "lab/overcloud-dialects.ts", "tsconfig.json", "tsconfig.cli.json"]));
    expect(sources.filter((file) => /^(__tests__|stacks|bench)\//.test(file))).toEqual([]);
    expect(check().status).toBe(0);
  });

  test("WHEN nothing changed THEN the CLI runs from dist/", () => {
    const result = run("lab", "validate");
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(MARKER);
    expect(result.stdout).toContain('valid (lab "lab"');
  });

  test("WHEN a source the CLI imports is saved again THEN it runs the TypeScript, and again from dist/ after a build", () => {
    const source = path.join(dir, "lab", "load.ts");
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(source, later, later);
    expect(check().status).toBe(1);
    const stale = run("lab", "validate");
    expect(stale.status).toBe(0);
    expect(stale.stdout).not.toContain(MARKER);
    expect(stale.stderr).toBe(""); // the hint goes to a terminal only

    expect(build().status).toBe(0);
    mark();
    expect(run("lab", "validate").stdout.split("\n")[0]).toBe(MARKER);
  });

  test("WHEN a source changes in content THEN the TypeScript runs, with the change", () => {
    const source = path.join(dir, "cli", "main.ts");
    const text = fs.readFileSync(source, "utf8");
    fs.writeFileSync(source, text.replace("OpenStack labs as code:", "OpenStack labs as code (edited):"));
    const result = run("--help");
    expect(result.stdout).not.toContain(MARKER);
    expect(result.stdout).toContain("OpenStack labs as code (edited):");
  });

  test("WHEN a compiled source is deleted THEN the TypeScript runs", () => {
    expect(build().status).toBe(0);
    mark();
    fs.rmSync(path.join(dir, "dist", "cli", "main.js"));
    expect(check().status).toBe(1);
    const result = run("--help");
    expect(result.stdout).toContain("Usage: labcdk");
  });
});
