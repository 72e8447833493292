#!/usr/bin/env node
// package.json "prepare" (run by `npm ci`, `npm install`, `npm pack`): the
// four set-up steps in order, each its own script, run with its output kept;
// one line at the end says what was done. A step that fails has its whole
// output printed, then the prepare stops with its exit code. LABCDK_VERBOSE=1
// passes every step's output through as it comes.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

/** [script, what it does, in the summary line]. */
const STEPS = [
  ["native-modules.js", "native modules for this Node.js"],
  ["generate-bindings.js", "OpenStack provider bindings (.gen/)"],
  ["build-cli.js", "CLI bundle (dist/cli.js)"],
  ["build-lib.js", "construct library (dist/lib/)"],
];

function main() {
  if (process.argv[2] === "--help" || process.argv[2] === "-h") {
    console.log("Usage: node tools/prepare.js   (npm's prepare script)\n\nRuns tools/" + STEPS.map(([s]) => s).join(", tools/") + " in order; one line of output, a failing step's in full.\nLABCDK_VERBOSE=1: every step's output as it comes.");
    return;
  }
  const verbose = process.env.LABCDK_VERBOSE === "1";
  const started = Date.now();
  const notes = [];
  for (const [script, what] of STEPS) {
    const result = spawnSync(process.execPath, [path.join(ROOT, "tools", script)], { cwd: ROOT, encoding: "utf8", stdio: verbose ? "inherit" : "pipe" });
    if (result.status !== 0) {
      if (!verbose) process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
      console.error(`prepare: tools/${script} (${what}) failed (exit ${result.status ?? result.signal}); the lines above are its output`);
      process.exit(result.status || 1);
    }
    // A step says "up to date" when it had nothing to do; the summary names only what was done.
    if (!verbose && (result.stdout ?? "").trim() !== "" && !/up to date/.test(result.stdout)) notes.push(what);
  }
  console.log(`prepare: ${notes.length ? notes.join(", ") : "everything"} ${notes.length ? "built" : "up to date"} in ${((Date.now() - started) / 1000).toFixed(1)} s (LABCDK_VERBOSE=1 npm run prepare shows each step)`);
}

main();
