#!/usr/bin/env node
// Runs the CLI from compiled JavaScript (dist/, built by `npm ci` through
// tools/build-cli.js) while that matches the TypeScript sources; in a checkout
// whose sources changed since, from the TypeScript (ts-node, transpile only),
// which is correct but about a second slower at every start
// (`npm run build:cli` makes it fast again). Where only dist/ is shipped, from
// dist/.
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

onSupportedNode();
// V8's compiled code for zod, yaml and the CLI, kept on disk between starts (Node.js >= 22.1;
// in the OS's temporary folder): about 15% of `lab validate`'s start (bench/RESULTS.md).
require("node:module").enableCompileCache?.();
// Only dist/ shipped, or dist/ built from the sources as they are now: the compiled CLI.
if (!fs.existsSync(path.join(root, "cli", "main.ts")) || require("./build-stamp").compiledCliIsFresh(root)) {
  require(path.join(root, "dist", "cli", "main.js")).main();
} else {
  if (process.stderr.isTTY) {
    console.error("labcdk: the compiled CLI is older than the sources; running the TypeScript (npm run build:cli makes it fast again)");
  }
  require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  require("../cli/main.ts").main();
}
