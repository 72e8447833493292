#!/usr/bin/env node
// Makes the native modules of node_modules load on the Node.js this runs on.
//
// cdktf-cli 0.21 loads @cdktf/node-pty-prebuilt-multiarch (even for `get` and
// `synth`), whose prebuilt binaries end at Node.js 22 (ABI 127). `npm ci` may
// run on another Node.js than tools/lts chooses (the machine's end-of-life
// one), so this checks the module under this Node.js and, when it does not
// load, builds it from source with node-gyp against this Node.js's own headers
// (the pinned runtime ships them: no header download). Needs a C++ compiler,
// make and Python 3. Runs from `npm ci` (the "prepare" script), through tools/lts.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const NATIVE = ["@cdktf/node-pty-prebuilt-multiarch"];

if (process.argv.includes("--help")) {
  console.log(`Usage: node tools/native-modules.js

Checks that ${NATIVE.join(", ")} load on this Node.js (${process.version}) and
builds them from source (npm rebuild, node-gyp) when they do not.`);
  process.exit(0);
}

function fail(message) {
  console.error(`native-modules: ${message}`);
  process.exit(1);
}

/** Whether MODULE loads in a fresh process of this Node.js (a failed load is not cached there). */
function loads(module) {
  const probe = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(module)})`], { cwd: root, encoding: "utf8" });
  return probe.status === 0;
}

/** The folder holding include/node/node_version.h for this Node.js, if it has its headers. */
function headersDir() {
  const prefix = path.resolve(path.dirname(fs.realpathSync(process.execPath)), "..");
  return fs.existsSync(path.join(prefix, "include", "node", "node_version.h")) ? prefix : undefined;
}

for (const module of NATIVE) {
  if (!fs.existsSync(path.join(root, "node_modules", module))) fail(`node_modules/${module} is missing: run npm ci first`);
  if (loads(module)) continue;
  const nodedir = headersDir();
  console.log(`native-modules: ${module} has no binary for Node.js ${process.version} (ABI ${process.versions.modules}); building it from source${nodedir ? ` against ${nodedir}` : ""}`);
  const env = {
    ...process.env,
    // prebuild-install would try GitHub for a binary: build from source at once.
    npm_config_build_from_source: "true",
    ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
  };
  const started = Date.now();
  const result = spawnSync("npm", ["rebuild", module, "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit", env });
  if (result.status !== 0 || !loads(module)) {
    fail(`could not build ${module} for Node.js ${process.version} (needs a C++ compiler, make and Python 3: apt-get install build-essential python3)`);
  }
  console.log(`native-modules: ${module} built for Node.js ${process.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
