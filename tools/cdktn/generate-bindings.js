#!/usr/bin/env node
// Generates the provider bindings for the CDK Terrain build into
// .tools/cdktn/gen with CDK Terrain's own generator (@cdktn/provider-generator,
// as `cdktn get` runs it) from the provider schemas committed in providers/ —
// no Terraform binary, no network — and compiles them to JavaScript +
// declarations, as tools/generate-bindings.js does for cdktf's.
//
// `cdktn get` itself cannot be pointed at recorded schemas (its CLI reads
// CDKTF_EXPERIMENTAL_PROVIDER_SCHEMA_CACHE_PATH no more), so this calls the
// generator with a schema cache laid out under cdktn's cache keys
// (<url-encoded fqn>@<version>@unknown-cli.json: "unknown-cli" because no
// Terraform CLI fetched them). Run by tools/cdktn/install.sh.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const prefix = path.join(root, ".tools", "cdktn");
const out = path.join(prefix, "gen");

if (process.argv.includes("--help")) {
  console.log(`Usage: node tools/cdktn/generate-bindings.js

Generates ${path.relative(root, out)}/ from providers/*.json with CDK Terrain's generator
(installed in ${path.relative(root, prefix)} by tools/cdktn/install.sh) and compiles it.`);
  process.exit(0);
}

function fail(message) {
  console.error(`cdktn generate-bindings: ${message}`);
  process.exit(1);
}

// Proves the generation needs no binary: were the schema cache missed, this fails instead of running one.
process.env.TERRAFORM_BINARY_NAME = path.join(root, "providers", "no-terraform-binary-is-used-here");
process.env.CHECKPOINT_DISABLE = "1";
const fromPrefix = (module) => require(require.resolve(module, { paths: [prefix] }));
const commons = fromPrefix("@cdktn/commons");
const { ConstructsMaker } = fromPrefix("@cdktn/provider-generator");

const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
const constraints = cdktfJson.terraformProviders.map((spec) => new commons.TerraformProviderConstraint(spec));
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "labcdk-cdktn-schemas-"));
for (const constraint of constraints) {
  // The committed schema's name is cdktf's cache key: <provider name>@<url-encoded version>.json
  const recorded = path.join(root, "providers", `${constraint.name}@${encodeURIComponent(constraint.version)}.json`);
  if (!fs.existsSync(recorded)) fail(`${path.relative(root, recorded)} is missing (tools/refresh-provider-schema.sh records it)`);
  const target = commons.ConstructsMakerProviderTarget.from(constraint, commons.LANGUAGES[0]);
  fs.copyFileSync(recorded, path.join(cache, `${encodeURIComponent(target.fqn)}@${encodeURIComponent(target.version)}@unknown-cli.json`));
}

async function main() {
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  const maker = new ConstructsMaker({ codeMakerOutput: out, targetLanguage: commons.Language.TYPESCRIPT }, cache);
  await maker.generate(constraints);
  fs.rmSync(cache, { recursive: true, force: true });
  const tsconfig = path.join(prefix, "tsconfig.gen.json");
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "commonjs", declaration: true, skipLibCheck: true, strict: false, rootDir: "gen", outDir: "gen", typeRoots: [path.join(root, "node_modules", "@types")], types: ["node"] },
      include: ["gen/**/*.ts"],
      exclude: ["gen/**/*.d.ts"],
    }),
  );
  // Compiled against cdktn's own types (cdktf resolves to cdktn there: gen/ imports "cdktf").
  const tsc = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig], { cwd: prefix, stdio: "inherit" });
  if (tsc.status !== 0) fail(`tsc -p ${tsconfig} failed (exit ${tsc.status})`);
  for (const file of fs.readdirSync(out, { recursive: true })) {
    if (file.endsWith(".ts") && !file.endsWith(".d.ts")) fs.rmSync(path.join(out, file));
  }
  console.log(`cdktn generate-bindings: ${path.relative(root, out)}/ generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => fail(error.stack ?? String(error)));
