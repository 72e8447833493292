// The compiled CLI (dist/) is used only when it was built from the sources as
// they are now. tools/build-cli.js records, before compiling, the modification
// time and size of every project source the compilation read
// (dist/.cli-sources.json); bin/labcdk.js compares them at each start (a stat
// per file, well under a millisecond for the CLI's ~15) and runs the
// TypeScript through ts-node when anything differs, is missing or was added to
// the import graph (an import is added by editing a recorded file).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const STAMP = path.join("dist", ".cli-sources.json");
const ENTRY = path.join("dist", "cli", "main.js");

/** mtime (ms) and size of FILE, or undefined when it is missing. */
function fingerprint(file) {
  try {
    const stat = fs.statSync(file);
    return [stat.mtimeMs, stat.size];
  } catch {
    return undefined;
  }
}

/** Whether dist/cli/main.js under ROOT was built from the sources as they are now. */
function compiledCliIsFresh(root) {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(path.join(root, STAMP), "utf8")).sources;
  } catch {
    return false;
  }
  if (!recorded || !fs.existsSync(path.join(root, ENTRY))) return false;
  for (const [file, [mtimeMs, size]] of Object.entries(recorded)) {
    const now = fingerprint(path.join(root, file));
    if (!now || now[0] !== mtimeMs || now[1] !== size) return false;
  }
  return true;
}

/** Records FILES (paths relative to ROOT) as they are now; call before compiling them. */
function snapshotSources(root, files) {
  const sources = {};
  for (const file of [...files].sort()) {
    const now = fingerprint(path.join(root, file));
    if (now) sources[file] = now;
  }
  return sources;
}

function writeStamp(root, sources) {
  fs.writeFileSync(path.join(root, STAMP), `${JSON.stringify({ sources }, null, 1)}\n`);
}

module.exports = { STAMP, ENTRY, compiledCliIsFresh, snapshotSources, writeStamp };
