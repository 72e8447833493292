#!/usr/bin/env node
// Runs the compiled CLI when present (npm run build), else the TypeScript source through ts-node.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const compiled = path.join(__dirname, "..", "dist", "cli", "main.js");
if (fs.existsSync(compiled)) {
  require(compiled).cli().parse();
} else {
  require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
  require("../cli/main.ts").cli().parse();
}
