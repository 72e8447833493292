#!/usr/bin/env node
// Compiles the CLI (cli/main.ts and what it imports: tsconfig.cli.json) to
// dist/ and records the sources it was compiled from (bin/build-stamp.js), so
// that bin/labcdk.js runs the compiled JavaScript while it matches the sources
// and TypeScript (ts-node) as soon as one of them changes.
//
// Runs from `npm ci` (the "prepare" script, after the bindings), `npm test`
// (pretest) and `npm run build`. Incremental: a second run with nothing
// changed takes about a second.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { STAMP, compiledCliIsFresh, snapshotSources, writeStamp } = require("../bin/build-stamp");

const root = path.resolve(__dirname, "..");
const PROJECT = "tsconfig.cli.json";
const SKIP = new Set(["node_modules", "dist", ".gen", ".tools", ".git", "cdktf.out", "coverage"]);

if (process.argv.includes("--help")) {
  console.log(`Usage: node tools/build-cli.js [--check]

Compiles ${PROJECT} (the CLI) to dist/ with tsc and writes ${STAMP}.
  --check   only say whether dist/ matches the sources (exit 0) or not (exit 1)`);
  process.exit(0);
}
if (process.argv.includes("--check")) {
  const fresh = compiledCliIsFresh(root);
  console.log(`build-cli: the compiled CLI is ${fresh ? "up to date" : "stale or missing (bin/labcdk.js runs the TypeScript; npm run build:cli)"}`);
  process.exit(fresh ? 0 : 1);
}

/** Every TypeScript source and tsconfig of the project, relative to the root. */
function projectFiles(dir = root, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) projectFiles(path.join(dir, entry.name), found);
    } else if ((entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) || /^tsconfig.*\.json$/.test(entry.name)) {
      found.push(path.relative(root, path.join(dir, entry.name)));
    }
  }
  return found;
}

const started = Date.now();
// Before compiling: a source saved while tsc runs must make the build stale.
const before = snapshotSources(root, projectFiles());
const tsc = spawnSync(path.join(root, "node_modules", "typescript", "bin", "tsc"), ["-p", PROJECT, "--listFiles"], {
  cwd: root,
  encoding: "utf8",
});
const listed = new Set(
  tsc.stdout
    .split("\n")
    .filter((line) => line.startsWith(root + path.sep))
    .map((line) => path.relative(root, line)),
);
if (tsc.status !== 0) {
  process.stdout.write(tsc.stdout.split("\n").filter((line) => !line.startsWith(root + path.sep) && !line.startsWith("/")).join("\n"));
  process.stderr.write(tsc.stderr);
  console.error(`build-cli: tsc -p ${PROJECT} failed (exit ${tsc.status})`);
  process.exit(1);
}
const sources = Object.fromEntries(
  Object.entries(before).filter(([file]) => listed.has(file) || file === "tsconfig.json" || file === PROJECT),
);
if (!sources[path.join("cli", "main.ts")]) {
  console.error(`build-cli: tsc did not list cli/main.ts; nothing recorded`);
  process.exit(1);
}
writeStamp(root, sources);
console.log(`build-cli: dist/cli/ compiled from ${Object.keys(sources).length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
