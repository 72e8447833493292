// Runs the CLI's bundle (dist/cli.js) with V8's code cache, one per command.
//
// Node.js's own compile cache (module.enableCompileCache) keeps the code V8
// compiled when it first read a file: for a bundle that is its top level only,
// since V8 compiles a function when it is first called. Here the cache is made
// as the process ends (v8 `Script#createCachedData`), so it holds every
// function the command ran — zod's schema builders, yaml's parser — and the
// next start of that command compiles nothing. One cache per command, because
// each runs other parts of the bundle.
//
// The cache's name holds what it was made from: the command, the bundle's
// SHA-256 (from the build's stamp), time and size, and V8's version. V8 itself
// checks only the source's length and its own version and flags, so a bundle
// rebuilt with other bytes of the same length must never meet an old cache:
// its name differs. V8 rejecting a cache (other flags) makes a new one.
// Written only after a command that succeeded, atomically (a rename); every
// error reading or writing it is ignored (a read-only dist/ runs uncached).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/**
 * `lab-validate`, `verify-help`: the leading words of ARGV (at most two, lower-case letters and
 * dashes: a file name such as plan.json ends them), and whether help was asked.
 */
function commandKey(argv) {
  const words = [];
  for (const arg of argv.slice(2)) {
    if (!/^[a-z][a-z-]{0,30}$/.test(arg) || words.length === 2) break;
    words.push(arg);
  }
  if (argv.includes("--help") || argv.includes("-h")) words.push("help");
  return words.length > 0 ? words.join("-") : "none";
}

/** The cache file of BUNDLE for ARGV (dist/.compile-cache/…). */
function cacheFile(bundle, sha256, argv) {
  const stat = fs.statSync(bundle);
  const id = `${(sha256 ?? "unstamped").slice(0, 16)}-${Math.round(stat.mtimeMs * 1000)}-${stat.size}`;
  return path.join(path.dirname(bundle), ".compile-cache", `${commandKey(argv)}-${id}-v8-${process.versions.v8}.bin`);
}

/** Loads BUNDLE (a CommonJS file) as a module, with the code cache of ARGV's command, and runs its main(ARGV). */
function runBundle(bundle, sha256, argv) {
  const vm = require("node:vm");
  const Module = require("node:module");
  const file = cacheFile(bundle, sha256, argv);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, "utf8")), { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", (code) => {
      if (code !== 0) return;
      try {
        const data = script.createCachedData();
        const temporary = `${file}.${process.pid}.tmp`;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(temporary, data);
        fs.renameSync(temporary, file);
      } catch {
        // no cache this time
      }
    });
  }
  const module = { exports: {}, id: bundle, filename: bundle, loaded: false };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
  return module.exports.main(argv);
}

module.exports = { runBundle, commandKey, cacheFile };
