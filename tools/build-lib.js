#!/usr/bin/env node
// Compiles the construct library (index.ts and what it imports:
// tsconfig.lib.json) to JavaScript and declarations in dist/lib/, and copies
// the generated provider bindings (.gen/: JavaScript and declarations,
// compiled by tools/generate-bindings.js) to dist/lib/.gen/, where the
// compiled constructs' `../.gen/...` imports find them in an installed
// package. `main`, `types` and `exports` of package.json point at
// dist/lib/index.*.
//
// Runs from `npm ci` / `npm pack` (the "prepare" script, after the bindings)
// and `npm run build`. No stamp: it always rebuilds from scratch (about 7 s),
// so a packed or installed library is never older than its sources.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const PROJECT = "tsconfig.lib.json";
const OUT = path.join(root, "dist", "lib");
const GEN = path.join(root, ".gen");

if (process.argv.includes("--help")) {
  console.log(`Usage: node tools/build-lib.js

Compiles ${PROJECT} (index.ts: the construct library) to dist/lib/ with
declarations, and copies the generated bindings (.gen/) to dist/lib/.gen/.`);
  process.exit(0);
}

function fail(message) {
  console.error(`build-lib: ${message}`);
  process.exit(1);
}

const started = Date.now();
if (!fs.existsSync(path.join(GEN, "providers"))) fail(".gen/ is missing: generate the bindings first (node tools/generate-bindings.js)");
fs.rmSync(OUT, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", PROJECT], { cwd: root, stdio: "inherit" });
if (tsc.status !== 0) fail(`tsc -p ${PROJECT} failed (exit ${tsc.status ?? tsc.signal})`);

// The bindings as generate-bindings.js leaves them: .js and .d.ts (its .ts sources are removed), JSON.
let copied = 0;
// realpath: .gen may be a link (a git worktree sharing a checkout's bindings).
fs.cpSync(fs.realpathSync(GEN), path.join(OUT, ".gen"), {
  recursive: true,
  filter: (source) => {
    if (fs.statSync(source).isDirectory()) return true;
    const keep = /\.(js|d\.ts|json)$/.test(source);
    if (keep) copied++;
    return keep;
  },
});
for (const file of ["index.js", "index.d.ts"]) {
  if (!fs.existsSync(path.join(OUT, file))) fail(`${path.relative(root, path.join(OUT, file))} was not written`);
}
console.log(`build-lib: dist/lib/ compiled, ${copied} binding files copied, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
