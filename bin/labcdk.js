#!/usr/bin/env node
// Runs the CLI from its TypeScript source (ts-node, transpile only) in a
// checkout; from compiled JS (dist/) where only that is shipped.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const root = path.join(__dirname, "..");
if (fs.existsSync(path.join(root, "cli", "main.ts"))) {
  require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  require("../cli/main.ts").main();
} else {
  require(path.join(root, "dist", "cli", "main.js")).main();
}
