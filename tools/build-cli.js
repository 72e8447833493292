#!/usr/bin/env node
// Bundles the CLI (cli/main.ts, what it imports and the packages they use)
// with esbuild into one CommonJS file, dist/cli.js, and records what it was
// built from (bin/build-stamp.js, dist/.cli-sources.json), so that
// bin/labcdk.js runs it only while it matches the sources and packages.
//
// One file instead of ~90 modules: Node.js resolves, reads and compiles one.
// Each command's modules stay unevaluated until the command runs: cli/main.ts
// imports them with `await import(...)`, which esbuild turns into a lazily
// initialised part of the bundle, so `labcdk verify --help` evaluates commander
// and nothing of zod or yaml. `import * as z from "zod"` lets esbuild leave
// out what labcdk does not use of zod (750 kB of it with `import { z }`).
// No type check here: `npm test` and `npm run typecheck` run tsc.
//
// Runs from `npm ci` (the "prepare" script, after the bindings), `npm test`
// (pretest), `npm run build`, and bin/labcdk.js itself when the sources
// changed since the last build (about 0.3 s).
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { STAMP, BUNDLE, PACKAGE_FILES, compiledCliIsFresh, fingerprint, snapshotFiles, writeStamp } = require("../bin/build-stamp");

const ROOT = path.resolve(__dirname, "..");
const ENTRY = path.join("cli", "main.ts");
const SKIP = new Set(["node_modules", "dist", ".gen", ".tools", ".git", "cdktf.out", "coverage", "testbed", "providers"]);
/** Read by esbuild besides the bundle's inputs (compiler settings), or deciding the output (this script). */
const SETTINGS = ["tsconfig.json", path.join("tools", "build-cli.js")];
/** The V8 code caches of the bundle (bin/labcdk.js): one per command and build. */
const CACHE_DIR = path.join("dist", ".compile-cache");

/** Every file of the project the bundle could read (TypeScript, JavaScript, JSON), relative to ROOT. */
function projectFiles(root, dir = root, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name) && !entry.name.startsWith(".")) projectFiles(root, path.join(dir, entry.name), found);
    } else if (/\.(ts|tsx|js|cjs|mjs|json)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
      found.push(path.relative(root, path.join(dir, entry.name)));
    }
  }
  return found;
}

/**
 * commander's `require("node:child_process")` resolved to cli/lazy-child-process.ts,
 * which loads it at first use (labcdk starts no executable subcommand).
 */
function lazyChildProcessForCommander(root) {
  const commander = `${path.sep}node_modules${path.sep}commander${path.sep}`;
  return {
    name: "lazy-child-process-for-commander",
    setup(build) {
      build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        args.importer.includes(commander) ? { path: path.join(root, "cli", "lazy-child-process.ts") } : undefined,
      );
    },
  };
}

/** esbuild's settings for the CLI bundle. */
function bundleOptions(root) {
  return {
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    format: "cjs",
    // The oldest Node.js labcdk supports (package.json "engines").
    target: "node22.19",
    // jsonc-parser's "main" is a UMD build that requires its parts at run time; its "module" is plain ESM.
    mainFields: ["module", "main"],
    outfile: path.join(root, BUNDLE),
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "eof",
    // Less to read and hold at every start (about 5 ms of CPU for `lab validate`); names are kept, and
    // dist/cli.js.map maps a stack trace back to the TypeScript (bin/labcdk.js uses it under LABCDK_DEBUG).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    plugins: [lazyChildProcessForCommander(root)],
  };
}

/** Writes DATA to FILE under ROOT atomically (a rename), so that a running CLI never reads half a file. */
function writeAtomically(root, file, data) {
  const target = path.join(root, file);
  const temporary = `${target}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, target);
}

/**
 * Bundles the CLI of the checkout at ROOT into dist/cli.js and writes the
 * stamp. Resolves to the number of project files recorded; rejects with
 * esbuild's messages when the bundle cannot be built.
 */
async function buildCli(root = ROOT) {
  const esbuild = require(require.resolve("esbuild", { paths: [root] }));
  // Before bundling: a file saved while esbuild runs must make the bundle stale.
  const startedAt = Date.now();
  const before = snapshotFiles(root, projectFiles(root), startedAt);
  const packages = snapshotFiles(root, PACKAGE_FILES, startedAt);
  let result;
  try {
    result = await esbuild.build(bundleOptions(root));
  } catch (error) {
    const messages = (error.errors ?? []).map((m) => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ""}${m.text}`);
    throw new Error(`esbuild could not bundle ${ENTRY}:\n${messages.join("\n") || error.message}`, { cause: error });
  }
  const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.split(/[\\/]/).includes("node_modules"));
  const unrecorded = inputs.filter((file) => !before[file]);
  if (unrecorded.length > 0) throw new Error(`the bundle read files the build did not record first: ${unrecorded.join(", ")}`);
  const sources = Object.fromEntries([...inputs, ...SETTINGS].sort().map((file) => [file, before[file] ?? snapshotFiles(root, [file], startedAt)[file]]));
  const output = result.outputFiles.find((file) => file.path === path.join(root, BUNDLE));
  const map = result.outputFiles.find((file) => file.path === path.join(root, `${BUNDLE}.map`));
  if (!output || !map) throw new Error(`esbuild wrote ${result.outputFiles.map((file) => file.path).join(", ")}, not ${BUNDLE} and its map`);
  writeAtomically(root, `${BUNDLE}.map`, map.contents);
  writeAtomically(root, BUNDLE, output.contents);
  const [mtimeMs, size] = fingerprint(path.join(root, BUNDLE));
  const sha256 = crypto.createHash("sha256").update(output.contents).digest("hex");
  writeStamp(root, { bundle: { mtimeMs, size, sha256 }, sources, packages });
  // Code caches of earlier bundles can never be used again (their names hold the bundle's hash).
  const cacheDir = path.join(root, CACHE_DIR);
  for (const name of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []) {
    if (!name.includes(sha256.slice(0, 16))) fs.rmSync(path.join(cacheDir, name), { force: true });
  }
  return Object.keys(sources).length;
}

module.exports = { buildCli, bundleOptions, projectFiles, CACHE_DIR };

if (require.main === module) {
  if (process.argv.includes("--help")) {
    console.log(`Usage: node tools/build-cli.js [--check]

Bundles the CLI (${ENTRY} and what it imports) with esbuild into ${BUNDLE} and writes ${STAMP}.
  --check   only say whether ${BUNDLE} matches the sources and packages (exit 0) or not (exit 1)`);
    process.exit(0);
  }
  if (process.argv.includes("--check")) {
    const fresh = compiledCliIsFresh(ROOT);
    console.log(`build-cli: the bundled CLI is ${fresh ? "up to date" : "stale or missing (bin/labcdk.js rebuilds it at its next start; npm run build:cli)"}`);
    process.exit(fresh ? 0 : 1);
  }
  const started = Date.now();
  buildCli(ROOT).then(
    (recorded) => console.log(`build-cli: ${BUNDLE} bundled from ${recorded} project files and the packages of node_modules in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error) => {
      console.error(`build-cli: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
