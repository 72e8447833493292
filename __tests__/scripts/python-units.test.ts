/**
 * The Python unit tests of the step scripts' modules (__tests__/python, run
 * with Debian's python3 and scripts/lib on the path), as one jest test per
 * Python test so a failure names it. test_ramdisk.py (the test bed's ramdisk
 * stand-in) puts testbed/lib on its path itself.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();
const run = spawnSync("/usr/bin/python3", ["-m", "unittest", "discover", "-s", path.join(ROOT, "__tests__", "python"), "-v"], {
  encoding: "utf8",
  cwd: ROOT,
  env: { PATH: process.env.PATH, PYTHONPATH: path.join(ROOT, "scripts", "lib"), PYTHONDONTWRITEBYTECODE: "1" },
  timeout: 120000,
});
// unittest -v: "test_name (module.Class) ... ok" per test, on stderr.
const results = [...run.stderr.matchAll(/^(test_\w+) \(([\w.]+)\)[^\n]*? \.\.\. (\w+)/gm)].map(([, name, where, verdict]) => ({ name: where.endsWith(`.${name}`) ? where : `${where}.${name}`, verdict }));

describe("Python unit tests (__tests__/python)", () => {
  test("ran, and found tests", () => {
    expect(run.error).toBeUndefined();
    expect(results.length).toBeGreaterThan(10);
  });
  for (const { name, verdict } of results) {
    test(name, () => {
      expect({ verdict, output: verdict === "ok" ? "" : run.stderr }).toEqual({ verdict: "ok", output: "" });
    });
  }
  test("every test passed (unittest's own verdict)", () => {
    expect(run.stderr).toMatch(/\nOK\s*$/);
  });
});
