#!/usr/bin/env node
// Runs the CLI from its bundle, dist/cli.js (tools/build-cli.js, run by
// `npm ci`), while that was built from the sources and packages as they are
// now (bin/build-stamp.js). When they changed since, it bundles again first
// (about 0.3 s, says so on a terminal); where it cannot (no esbuild, a source
// that does not compile, dist/ not writable), it runs the TypeScript through
// ts-node (correct, about a second slower). A stale bundle is never run.
// Where only dist/ and bin/ are shipped (no cli/main.ts), it runs the bundle.
//
// V8's compiled code of the bundle is kept per command in dist/.compile-cache/
// (bin/compile-cache.js): the second start of a command compiles nothing.
// With LABCDK_DEBUG set, the bundle runs with its source map (dist/cli.js.map),
// so that a stack trace names the TypeScript's files and lines.
//
// Started by an end-of-life Node.js (`npx labcdk` on a machine whose own node
// is older than labcdk supports), it runs itself again on the pinned Node.js
// that `npm ci` installed (tools/lts, linked as .tools/node) when there is one.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { isSupportedNode } = require("./node-support");

const root = path.join(__dirname, "..");

function onSupportedNode() {
  if (isSupportedNode(process.versions.node) || process.env.LABCDK_NODE === "system") return;
  const pinned = path.join(root, ".tools", "node", "node");
  if (!fs.existsSync(pinned)) return;
  const { spawnSync } = require("node:child_process");
  const result = spawnSync(pinned, [__filename, ...process.argv.slice(2)], { stdio: "inherit" });
  if (result.error) throw result.error;
  if (result.signal) process.kill(process.pid, result.signal);
  process.exit(result.status ?? 1);
}

/** The bundle's stamp when it is fresh, after bundling again if the sources changed; undefined when it cannot be. */
async function freshBundle() {
  const { freshBundle: fresh } = require("./build-stamp");
  const stamp = fresh(root);
  if (stamp) return stamp;
  if (process.stderr.isTTY) console.error("labcdk: the sources changed since the CLI was bundled; bundling it again (npm run build:cli)");
  try {
    await require("../tools/build-cli").buildCli(root);
  } catch (error) {
    if (process.stderr.isTTY) console.error(`labcdk: could not bundle the CLI (${String(error.message).split("\n")[0]}); running the TypeScript`);
    return undefined;
  }
  return fresh(root);
}

async function run() {
  onSupportedNode();
  const shipped = !fs.existsSync(path.join(root, "cli", "main.ts"));
  const stamp = shipped ? undefined : await freshBundle();
  if ((shipped || stamp) && process.env.LABCDK_DEBUG) {
    // Stack traces through the bundle's source map, in the TypeScript's lines (no code cache).
    process.setSourceMapsEnabled(true);
    await require("../dist/cli.js").main(process.argv);
  } else if (shipped || stamp) {
    await require("./compile-cache").runBundle(path.join(root, "dist", "cli.js"), stamp?.bundle.sha256, process.argv);
  } else {
    // V8's compiled code of ts-node, TypeScript and the CLI, kept between starts (in the OS's temporary folder).
    require("node:module").enableCompileCache?.();
    require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    await require("../cli/main.ts").main();
  }
}

run().catch((error) => {
  // Not an input problem (those end inside the CLI): a bug in labcdk or its installation (exit 70, cli/exit-codes.ts).
  console.error(`labcdk: internal error: ${error instanceof Error ? error.message : String(error)} (a bug in labcdk or its installation, not in your files)`);
  process.exitCode = 70;
});
