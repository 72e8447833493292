// The construct library as a user gets it: `npm pack` of this repository,
// installed into a scratch cdktf app (a copy of examples/typescript-app) from
// the npm cache only, with a lock derived from the project's own
// package-lock.json (the same versions, integrity-checked), type-checked with
// tsc against the package's declarations, and synthesized with `cdktf synth`
// (the example's cdktf.json: `npx tsc && node main.js`).
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lab/project-root";
import { CLASSROOM_LAB, stepNamed, synthLabToDisk } from "../helpers/synth";

const ROOT = projectRoot();
const EXAMPLE = path.join(ROOT, "examples", "typescript-app");

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Lock {
  name: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/**
 * The lock of an app whose package.json is `manifest`, taken from `lock`
 * (the project's): the entries its dependencies reach, resolved the way Node
 * does (nearest node_modules upwards), and `extra` entries (the packed
 * tarball) whose own dependencies resolve from the app's root. The dev/peer
 * flags of the project's lock are dropped: they describe the project's tree.
 * The project's lock records no `resolved` (omit-lockfile-registry-resolved):
 * each entry gets the registry's tarball address back, as npm writes it, so
 * that an install finds the tarball in the cache by its integrity without
 * asking the registry for the package's metadata.
 */
export function derivedLock(
  lock: Lock,
  manifest: { name: string; version: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
  extra: Record<string, LockEntry>,
  registry = "https://registry.npmjs.org/",
): Lock {
  const packages: Record<string, LockEntry> = {
    "": { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
  };
  const visit = (from: string, name: string, optional: boolean) => {
    for (let dir = from; ; dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : "") {
      const location = `${dir ? `${dir}/` : ""}node_modules/${name}`;
      if (location in extra) return; // the tarball: added as given
      const entry = lock.packages[location];
      if (entry) {
        if (location in packages) return;
        const kept: LockEntry & { dev?: boolean; peer?: boolean; devOptional?: boolean } = { ...entry };
        delete kept.dev;
        delete kept.peer;
        delete kept.devOptional;
        const bare = name.split("/").pop();
        packages[location] = entry.inBundle || entry.resolved ? kept : { ...kept, resolved: `${registry}${name}/-/${bare}-${entry.version}.tgz` };
        follow(location, entry);
        return;
      }
      if (!dir) break;
    }
    if (!optional) throw new Error(`package-lock.json has no entry ${name} for ${from || "the app"}`);
  };
  const follow = (location: string, entry: LockEntry) => {
    for (const name of Object.keys(entry.dependencies ?? {})) visit(location, name, false);
    for (const name of Object.keys(entry.optionalDependencies ?? {})) visit(location, name, true);
    for (const name of Object.keys(entry.peerDependencies ?? {})) visit(location, name, entry.peerDependenciesMeta?.[name]?.optional ?? false);
  };
  for (const [location, entry] of Object.entries(extra)) {
    packages[location] = entry;
    follow("", entry);
  }
  for (const name of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]) visit("", name, false);
  return { name: manifest.name, lockfileVersion: lock.lockfileVersion, packages };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 600000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** npm from its cache only: a request the cache cannot answer fails (ENOTCACHED) instead of going out. */
const OFFLINE_NPM = { npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  integrity: string;
  files: { path: string; size: number }[];
}

const stackJson = (outdir: string, stack: string): string => fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");

describe("npm pack, installed into a scratch cdktf app", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-packed-"));
  const app = path.join(work, "app");
  let packed: PackResult;

  beforeAll(() => {
    // GIVEN the package as `npm pack` makes it, from the library and the CLI's bundle as they are built now:
    // dist/lib compiled afresh, the bundle made again only if stale (as bin/labcdk.js would). Not through
    // pack's own prepare: that also regenerates the bindings when their stamp is stale, under the feet of
    // the test files running beside this one.
    run(process.execPath, [path.join(ROOT, "tools", "build-lib.js")], ROOT);
    if (spawnSync(process.execPath, [path.join(ROOT, "tools", "build-cli.js"), "--check"], { cwd: ROOT }).status !== 0) {
      run(process.execPath, [path.join(ROOT, "tools", "build-cli.js")], ROOT);
    }
    const pack = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT, { npm_config_update_notifier: "false" });
    packed = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[$/m)))[0];

    // AND a scratch app: the example's files, depending on the tarball
    fs.mkdirSync(app);
    for (const file of ["classroom.ts", "main.ts", "tsconfig.json", "cdktf.json", "instackenv-onenode.json"]) fs.copyFileSync(path.join(EXAMPLE, file), path.join(app, file));
    fs.copyFileSync(path.join(work, packed.filename), path.join(app, packed.filename));
    const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8"));
    manifest.dependencies.labcdk = `file:${packed.filename}`;
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify(manifest, null, 2));
    const labcdk = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const lock = derivedLock(JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")), manifest, {
      "node_modules/labcdk": {
        version: labcdk.version,
        resolved: `file:${packed.filename}`,
        integrity: packed.integrity,
        license: labcdk.license,
        dependencies: labcdk.dependencies,
        peerDependencies: labcdk.peerDependencies,
        bin: labcdk.bin,
        engines: labcdk.engines,
      },
    });
    fs.writeFileSync(path.join(app, "package-lock.json"), JSON.stringify(lock, null, 2));

    // WHEN it is installed from the npm cache alone, type-checked, and synthesized by the cdktf CLI
    // (labcdk's own cdktf-cli 0.21.0, not installed in the app) through the example's cdktf.json
    run("npm", ["ci", "--no-audit", "--no-fund"], app, OFFLINE_NPM);
    run(path.join(app, "node_modules", ".bin", "tsc"), ["-p", ".", "--noEmit"], app);
    run(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth"], app, {
      // This Node.js first on PATH: the CLI and the app it starts run on it.
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
      CHECKPOINT_DISABLE: "1",
      DISABLE_VERSION_CHECK: "1",
      ...OFFLINE_NPM,
    });
  }, 600000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test("the tarball holds the library with declarations, the bindings, the scripts and the CLI; no tests, no node_modules, no secrets", () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["package.json", "dist/lib/index.js", "dist/lib/index.d.ts", "bin/labcdk.js", "dist/cli.js", "scripts/enroll-nodes.sh", "labs/classroom/lab.yaml"]));
    // every construct compiled with its declarations
    for (const file of fs.readdirSync(path.join(ROOT, "constructs")).filter((f) => f.endsWith(".ts"))) {
      const base = `dist/lib/constructs/${file.replace(/\.ts$/, "")}`;
      expect(files).toEqual(expect.arrayContaining([`${base}.js`, `${base}.d.ts`]));
    }
    // the generated bindings the constructs import, beside them
    expect(files).toEqual(expect.arrayContaining(["dist/lib/.gen/providers/openstack/provider/index.js", "dist/lib/.gen/providers/openstack/provider/index.d.ts", "dist/lib/.gen/providers/labcdk/observation/index.d.ts"]));
    expect(files.filter((f) => f.startsWith("dist/lib/.gen/") && f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    // nothing of the tests, the dependencies, the toolchain, state or credentials
    expect(files.filter((f) => /(^|\/)(__tests__|node_modules|\.tools|testbed|cdktf\.out|__pycache__)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|\.tfstate|\.npmrc|(^|\/)\.env|clouds\.ya?ml|secure\.ya?ml|\.pem$|\.key$|id_rsa/.test(f))).toEqual([]);
    // no TypeScript sources outside the declarations
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    // small: about 0.4 MB packed today (the bindings are most of it)
    expect(packed.size).toBeLessThan(1024 * 1024);
    expect(packed.unpackedSize).toBeLessThan(8 * 1024 * 1024);
  });

  test("the app resolves labcdk, cdktf and constructs to one copy each (cdktf and constructs are peer dependencies)", () => {
    const nested = path.join(app, "node_modules", "labcdk", "node_modules");
    expect(fs.existsSync(path.join(nested, "cdktf")) || fs.existsSync(path.join(nested, "constructs"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(app, "node_modules", "labcdk", "package.json"), "utf8")).version).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  });

  test("the app synthesizes the classroom lab: the overcloud byte-identical to the lab file's, the undercloud only with its own NODE_FILE", () => {
    const yaml = synthLabToDisk(CLASSROOM_LAB);
    const out = path.join(app, "cdktf.out");
    expect(fs.readdirSync(path.join(out, "stacks")).sort()).toEqual(["lab-overcloud", "lab-undercloud"]);
    expect(stackJson(out, "lab-overcloud")).toBe(stackJson(yaml, "lab-overcloud"));
    const undercloud = stackJson(out, "lab-undercloud");
    // the node file next to the app's main.js, relative to the app's folder
    expect(stepNamed(JSON.parse(undercloud), "Nodes_Enroll").input.NODE_FILE).toBe("instackenv-onenode.json");
    // the same scripts asset (its hash is in the JSON): the package's scripts/ is the repository's
    expect(undercloud.replace(/"NODE_FILE": "instackenv-onenode\.json"/g, '"NODE_FILE": "labs/classroom/instackenv-onenode.json"')).toBe(stackJson(yaml, "lab-undercloud"));
  });

  test("the package's own stacks, from its built-in lab file, write a NODE_FILE that resolves from the app's folder", () => {
    // GIVEN labApp of the installed package on its built-in classroom lab, run from the app's folder
    const program = 'const l = require("labcdk"); l.labApp(l.loadLab(l.DEFAULT_LAB_FILE), { outdir: "lab.out" }).app.synth();';
    run(process.execPath, ["-e", program], app);
    // THEN the node file is found where the enrolment script looks: from the folder above the stack's three levels up (the app's)
    const nodeFile = stepNamed(JSON.parse(stackJson(path.join(app, "lab.out"), "lab-undercloud")), "Nodes_Enroll").input.NODE_FILE;
    expect(nodeFile).toBe("node_modules/labcdk/labs/classroom/instackenv-onenode.json");
    expect(fs.existsSync(path.resolve(app, "lab.out", "stacks", "lab-undercloud", "..", "..", "..", nodeFile))).toBe(true);
    // and the committed provider lock went into the stack folder, from the package
    expect(fs.readFileSync(path.join(app, "lab.out", "stacks", "lab-undercloud", ".terraform.lock.hcl"), "utf8")).toContain('provider "registry.terraform.io/terraform-provider-openstack/openstack"');
  });

  test("the packed CLI runs from the installed package: labcdk lab validate (of the built-in lab)", () => {
    const result = spawnSync(path.join(app, "node_modules", ".bin", "labcdk"), ["lab", "validate"], { cwd: app, encoding: "utf8" });
    expect({ status: result.status, stderr: result.stderr.replace(/^.*ExperimentalWarning.*\n.*--trace-warnings.*\n/m, "") }).toEqual({ status: 0, stderr: "" });
    expect(result.stdout).toMatch(/node_modules\/labcdk\/labs\/classroom\/lab\.yaml: valid \(lab "lab", 1 node\(s\), 1 instance\(s\)\)/);
  });
});
