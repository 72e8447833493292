#!/usr/bin/env node
// The cdktf app runner (cdktf.json "app": `node tools/run-app.js main.ts`):
// runs a TypeScript app as JavaScript bundled by esbuild, instead of ts-node
// transpiling it at every synth. The app's own files (main.ts, stacks/,
// constructs/, lab/) become one file, dist/app/<entry>.js beside the
// cdktf.json; packages and the provider bindings (.gen/, compiled by `npm ci`)
// stay outside it and load as before, so cdktf, constructs and the bindings
// are the very same modules.
//
// A stale bundle is never run: the runner records what it bundled from the
// way the CLI's build does (bin/build-stamp.js: time and size of every
// project file of the bundle, tsconfig.json, this script, package.json and
// node_modules/.package-lock.json; a CRC-32 for files written just before),
// bundles again when any of it changed (about 0.5 s), and runs the TypeScript
// through ts-node where it cannot (no esbuild, a source that does not compile).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { PACKAGE_FILES, fingerprint, freshBundle, snapshotFiles, writeStamp } = require("../bin/build-stamp");

const ROOT = path.resolve(__dirname, "..");
const SETTINGS = ["tsconfig.json", path.join("tools", "run-app.js")];

/** Output and stamp of ENTRY (absolute), relative to ROOT. */
function outputsOf(entry) {
  const out = path.join(path.dirname(entry), "dist", "app");
  const name = path.basename(entry).replace(/\.ts$/, "");
  return { bundle: path.relative(ROOT, path.join(out, `${name}.js`)), stamp: path.relative(ROOT, path.join(out, `${name}.json`)) };
}

/** Imports of the compiled provider bindings (…/.gen/…) stay imports, re-pointed from the bundle's folder. */
function bindingsOutside(outDir) {
  return {
    name: "bindings-outside",
    setup(build) {
      build.onResolve({ filter: /(^|\/)\.gen(\/|$)/ }, (args) => {
        let target = path.relative(outDir, path.resolve(args.resolveDir, args.path)).split(path.sep).join("/");
        if (!target.startsWith(".")) target = `./${target}`;
        return { path: target, external: true };
      });
    },
  };
}

/** Bundles ENTRY (absolute) and writes its stamp. */
async function bundleApp(entry) {
  const { bundle, stamp } = outputsOf(entry);
  const esbuild = require(require.resolve("esbuild", { paths: [ROOT] }));
  const { projectFiles } = require("./build-cli");
  const startedAt = Date.now();
  const before = snapshotFiles(ROOT, projectFiles(ROOT), startedAt);
  const packages = snapshotFiles(ROOT, PACKAGE_FILES, startedAt);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node22.19",
    outfile: path.join(ROOT, bundle),
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [bindingsOutside(path.dirname(path.join(ROOT, bundle)))],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const unrecorded = inputs.filter((file) => !before[file]);
  if (unrecorded.length > 0) throw new Error(`the bundle read files the runner did not record first: ${unrecorded.join(", ")}`);
  const sources = Object.fromEntries([...inputs, ...SETTINGS].sort().map((file) => [file, before[file] ?? snapshotFiles(ROOT, [file], startedAt)[file]]));
  const target = path.join(ROOT, bundle);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, result.outputFiles[0].contents);
  fs.renameSync(temporary, target);
  const [mtimeMs, size] = fingerprint(target);
  writeStamp(ROOT, { bundle: { mtimeMs, size }, sources, packages }, stamp);
}

/**
 * The Terraform binary cdktf asks for its version at synth (a lab that adopts
 * resources has import blocks, which cdktf checks need Terraform >= 1.5): the
 * project's own OpenTofu (tools/build-toolchain.sh) when it is built and
 * TERRAFORM_BINARY_NAME says nothing else, so that only what the project
 * installs is needed. Set before the app loads cdktf, which reads it once.
 */
function useProjectTofu() {
  const tofu = path.join(ROOT, ".tools", "bin", "tofu");
  if (!process.env.TERRAFORM_BINARY_NAME && fs.existsSync(tofu)) process.env.TERRAFORM_BINARY_NAME = tofu;
}

async function main() {
  useProjectTofu();
  const entryArgument = process.argv[2];
  if (!entryArgument || entryArgument === "--help") {
    console.error("Usage: node tools/run-app.js APP.ts   (cdktf.json \"app\"; bundles APP.ts with esbuild and runs it)");
    process.exit(entryArgument ? 0 : 2);
  }
  const entry = path.resolve(entryArgument);
  const { bundle, stamp } = outputsOf(entry);
  if (!freshBundle(ROOT, stamp, bundle)) {
    try {
      await bundleApp(entry);
    } catch (error) {
      if (process.stderr.isTTY) console.error(`run-app: could not bundle ${entryArgument} (${String(error.message).split("\n")[0]}); running it through ts-node`);
      require("ts-node").register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
      require(entry);
      return;
    }
  }
  require(path.join(ROOT, bundle));
}

main().catch((error) => {
  console.error(`run-app: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
