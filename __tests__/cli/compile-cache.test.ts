/**
 * The V8 code cache of the CLI's bundle (bin/compile-cache.js): one per
 * command, named after what it was made from, so that a cache never meets a
 * bundle it was not made from (V8 itself checks only the source's length).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- bin/ is plain JavaScript without type declarations: loaded by path, typed here
const { commandKey, cacheFile } = require("../../bin/compile-cache") as {
  commandKey: (argv: string[]) => string;
  cacheFile: (bundle: string, sha256: string | undefined, argv: string[]) => string;
};

describe("GIVEN the code cache of the CLI's bundle", () => {
  test.each([
    [["lab", "validate"], "lab-validate"],
    [["lab", "validate", "labs/classroom-dev/lab.yaml"], "lab-validate"],
    [["lab", "validate", "mylab"], "lab-validate"],
    [["verify", "--help"], "verify-help"],
    [["verify", "--lab", "x.yaml", "--json"], "verify"],
    [["plan-summary", "cdktf.out/stacks/lab-undercloud/plan.json"], "plan-summary"],
    [["overcloud", "render", "--out", "/tmp/x"], "overcloud-render"],
    [["--help"], "help"],
    [[], "none"],
  ])("WHEN the arguments are %j THEN the command's cache is %s", (args, key) => {
    expect(commandKey(["node", "bin/labcdk.js", ...args])).toBe(key);
  });

  describe("WHEN two bundles have the same length and time but other bytes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-cache-name-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const one = path.join(dir, "a", "cli.js");
    const other = path.join(dir, "b", "cli.js");
    fs.mkdirSync(path.dirname(one));
    fs.mkdirSync(path.dirname(other));
    fs.writeFileSync(one, "module.exports = 1;");
    fs.writeFileSync(other, "module.exports = 2;");
    const time = new Date(1_800_000_000_000);
    fs.utimesSync(one, time, time);
    fs.utimesSync(other, time, time);
    const argv = ["node", "bin/labcdk.js", "lab", "validate"];

    test("THEN their caches have other names (the bundle's hash is in it)", () => {
      expect(path.basename(cacheFile(one, "a".repeat(64), argv))).not.toBe(path.basename(cacheFile(other, "b".repeat(64), argv)));
      expect(path.basename(cacheFile(one, "a".repeat(64), argv))).toMatch(/^lab-validate-aaaaaaaaaaaaaaaa-1800000000000000-19-v8-/);
    });

    test("THEN without a stamp (only dist/ shipped) the time of the bundle is in the name", () => {
      const before = cacheFile(one, undefined, argv);
      const later = new Date(1_800_000_000_001);
      fs.utimesSync(one, later, later);
      expect(cacheFile(one, undefined, argv)).not.toBe(before);
    });

    test("THEN the cache lies in the bundle's folder, under .compile-cache/", () => {
      expect(path.dirname(cacheFile(one, "a".repeat(64), argv))).toBe(path.join(dir, "a", ".compile-cache"));
    });
  });
});
