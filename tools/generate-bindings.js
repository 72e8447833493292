#!/usr/bin/env node
// Generates the OpenStack provider bindings (.gen/) with the official cdktf
// generator from the provider schema committed in providers/ — no Terraform
// binary, no network. Then compiles them once to JavaScript + declarations so
// that neither synth nor the tests transpile 4 MB of TypeScript every run.
//
// Runs from `npm ci` / `npm install` (the "prepare" script). Idempotent: a
// stamp over the inputs skips the work when nothing changed; --force redoes it.
"use strict";
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const genDir = path.join(root, ".gen");
const schemaDir = path.join(root, "providers");
const stampFile = path.join(genDir, ".inputs-sha256");

if (process.argv.includes("--help")) {
  console.log("Usage: node tools/generate-bindings.js [--force]\n\nGenerates .gen/ from providers/*.json (see docs/development.md, 'What npm ci and npm test set up').");
  process.exit(0);
}
const force = process.argv.includes("--force");

function fail(message) {
  console.error(`generate-bindings: ${message}`);
  process.exit(1);
}

// cdktf's schema cache key: <provider name>@<url-encoded version constraint>.json
function schemaFileFor(constraint) {
  const at = constraint.lastIndexOf("@");
  if (at <= 0) fail(`cdktf.json: terraformProviders entry "${constraint}" has no version; pin one (e.g. "...openstack@3.4.0")`);
  const source = constraint.slice(0, at);
  const version = constraint.slice(at + 1);
  const name = source.split("/").pop();
  return path.join(schemaDir, `${name}@${encodeURIComponent(version)}.json`);
}

const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
const schemaFiles = cdktfJson.terraformProviders.map(schemaFileFor);
for (const file of schemaFiles) {
  if (!fs.existsSync(file)) {
    fail(`${path.relative(root, file)} is missing: the provider schema for this version is not recorded. Run tools/refresh-provider-schema.sh (needs Go) after changing the provider version.`);
  }
}

// Of cdktf.json, only what the generator reads: a change of `app` or `context` keeps the bindings.
const hash = crypto.createHash("sha256");
const { language, terraformProviders, terraformModules, codeMakerOutput } = cdktfJson;
hash.update(JSON.stringify({ language, terraformProviders, terraformModules, codeMakerOutput }));
for (const file of [__filename, path.join(__dirname, "tsconfig.gen.json"), ...schemaFiles]) {
  hash.update(fs.readFileSync(file));
}
hash.update(require("cdktf-cli/package.json").version);
const inputs = hash.digest("hex");

if (!force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8").trim() === inputs) {
  console.log("generate-bindings: .gen/ is up to date");
  process.exit(0);
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) fail(`${path.basename(command)} ${args.join(" ")} failed (exit ${result.status})`);
}

const started = Date.now();
fs.rmSync(genDir, { recursive: true, force: true });
const bin = (name) => path.join(root, "node_modules", ".bin", name);
run(bin("cdktf"), ["get"], {
  CDKTF_EXPERIMENTAL_PROVIDER_SCHEMA_CACHE_PATH: schemaDir,
  // Proves the generation needs no binary: a schema cache miss fails loudly instead of calling one.
  TERRAFORM_BINARY_NAME: path.join(root, "providers", "no-terraform-binary-is-used-here"),
  CHECKPOINT_DISABLE: "1",
  CI: "1",
});
run(bin("tsc"), ["-p", path.join("tools", "tsconfig.gen.json")]);
for (const file of fs.readdirSync(genDir, { recursive: true })) {
  if (file.endsWith(".ts") && !file.endsWith(".d.ts")) fs.rmSync(path.join(genDir, file));
}
fs.writeFileSync(stampFile, `${inputs}\n`);
console.log(`generate-bindings: .gen/ generated from ${schemaFiles.map((f) => path.relative(root, f)).join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
