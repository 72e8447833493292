// The bundled CLI (dist/cli.js) is used only when it was built from the
// sources and packages as they are now. tools/build-cli.js records, before it
// bundles, the modification time and size of every input of the bundle that is
// the project's (the ~30 TypeScript files the CLI imports, tsconfig.json, the
// build script), of package.json and of node_modules/.package-lock.json (npm
// rewrites it whenever it installs, removes or changes a package), and the
// bundle's own time, size and SHA-256 (dist/.cli-sources.json). bin/labcdk.js
// compares them at each start: a stat per file, well under a millisecond.
//
// Same time and size but other bytes: a file whose recorded time is less than
// RACY_MS before the build looked at it could be written again within the
// same tick of the file system's clock, with the same length, after the build
// read it (git's "racy clean" case). For those files the build records a CRC-32
// of the content too, and the check compares it (zlib, a few ms, only while
// such files are recorded: a build right after a checkout or an edit).
//
// Not detected: a hand edit inside node_modules/ that npm did not make (npm
// records what it installs in .package-lock.json; patch a package through
// package.json instead), and a file that gets the recorded time back by hand
// (touch -d) with the same length and, when not racy, other bytes.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const STAMP = path.join("dist", ".cli-sources.json");
const BUNDLE = path.join("dist", "cli.js");
/** Files written less than this long before the build looked at them also get a content check. */
const RACY_MS = 3000;
/** What the bundle was built from besides its sources: the packages it holds. */
const PACKAGE_FILES = ["package.json", path.join("node_modules", ".package-lock.json")];

/** mtime (ms) and size of FILE, or undefined when it is missing. */
function fingerprint(file) {
  try {
    const stat = fs.statSync(file);
    return [stat.mtimeMs, stat.size];
  } catch {
    return undefined;
  }
}

function crc32(file) {
  return require("node:zlib").crc32(fs.readFileSync(file));
}

/**
 * The stamp of the bundle under ROOT (dist/cli.js, or BUNDLE_FILE recorded in
 * STAMP_FILE) when it was built from the files as they are now (and the bundle
 * is the one built), else undefined.
 */
function freshBundle(root, stampFile = STAMP, bundleFile = BUNDLE) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(root, stampFile), "utf8"));
  } catch {
    return undefined;
  }
  if (!stamp || !stamp.bundle || !stamp.sources || !stamp.packages) return undefined;
  const bundle = fingerprint(path.join(root, bundleFile));
  if (!bundle || bundle[0] !== stamp.bundle.mtimeMs || bundle[1] !== stamp.bundle.size) return undefined;
  for (const recorded of [stamp.sources, stamp.packages]) {
    for (const [file, [mtimeMs, size, crc]] of Object.entries(recorded)) {
      const now = fingerprint(path.join(root, file));
      if (!now || now[0] !== mtimeMs || now[1] !== size) return undefined;
      if (crc !== undefined && crc32(path.join(root, file)) !== crc) return undefined;
    }
  }
  return stamp;
}

/** Whether dist/cli.js under ROOT was built from the files as they are now. */
function compiledCliIsFresh(root) {
  return freshBundle(root) !== undefined;
}

/**
 * Records FILES (paths relative to ROOT) as they are now, before they are
 * read: [mtimeMs, size], and the CRC-32 of the content when the file was
 * written less than RACY_MS ago. Missing files are left out.
 */
function snapshotFiles(root, files, now = Date.now()) {
  const found = {};
  for (const file of [...files].sort()) {
    const stat = fingerprint(path.join(root, file));
    if (!stat) continue;
    found[file] = now - stat[0] < RACY_MS ? [...stat, crc32(path.join(root, file))] : stat;
  }
  return found;
}

/** Writes the stamp (atomically: a reader sees the old one or the new one). */
function writeStamp(root, stamp, stampFile = STAMP) {
  const file = path.join(root, stampFile);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(stamp, null, 1)}\n`);
  fs.renameSync(temporary, file);
}

module.exports = { STAMP, BUNDLE, RACY_MS, PACKAGE_FILES, compiledCliIsFresh, freshBundle, fingerprint, snapshotFiles, writeStamp };
