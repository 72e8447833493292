#!/usr/bin/env node
// Runs the CLI from its TypeScript source (ts-node, transpile only) in a
// checkout; from compiled JS (dist/) where only that is shipped.
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
if (fs.existsSync(path.join(root, "cli", "main.ts"))) {
  require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  require("../cli/main.ts").main();
} else {
  require(path.join(root, "dist", "cli", "main.js")).main();
}
