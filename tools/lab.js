#!/usr/bin/env node
// `npm run lab`: synthesizes the lab (LAB_CONFIG, else the built-in classroom
// lab) into cdktf.out/ and says in a few lines what was written where and
// what to do next. It runs the cdktf app the way `cdktf synth` does
// (tools/run-app.js main.ts, the same files byte for byte, tested in
// __tests__/tools/lab-run.test.ts) without cdktf's CLI, whose spinner and
// Terraform version probe fill a non-terminal log with lines that are not
// the project's (`npx cdktf synth` still works, for those who want it).
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

function usage() {
  return [
    "Usage: npm run lab   (node tools/lab.js [--help])",
    "",
    "Synthesizes the lab of LAB_CONFIG (default: the built-in classroom lab,",
    "labs/classroom/lab.yaml) into cdktf.out/ (CDKTF_OUTDIR), prints the warnings",
    "of the synthesis, the stacks written and what to do next. Exit: the app's",
    "(1 with labcdk's one-line error when the lab is refused).",
  ].join("\n");
}

function main() {
  if (process.argv[2] === "--help" || process.argv[2] === "-h") return void console.log(usage());
  if (process.argv.length > 2) {
    console.error(`tools/lab.js: unexpected argument ${JSON.stringify(process.argv[2])}\n${usage()}`);
    return void (process.exitCode = 2);
  }
  const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? path.join(ROOT, "cdktf.out"));
  const lab = process.env.LAB_CONFIG ? path.resolve(process.env.LAB_CONFIG) : path.join(ROOT, "labs", "classroom", "lab.yaml");
  const synth = spawnSync(process.execPath, [path.join(ROOT, "tools", "run-app.js"), "main.ts"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
  });
  if (synth.status !== 0) return void (process.exitCode = synth.status ?? 1);

  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const stacks = Object.values(manifest.stacks);
  for (const stack of stacks) {
    for (const note of stack.annotations) console.log(`${note.level.replace("@cdktf/", "")}: ${note.message} (${note.constructPath})`);
  }
  const relative = (file) => path.relative(process.cwd(), file) || ".";
  const written = stacks.map((stack) => relative(path.join(outdir, stack.synthesizedStackPath)));
  console.log(`lab ${relative(lab)}: valid; wrote ${written.join(" and ")}`);
  console.log('next: cp -r labs/classroom my-lab, edit it, ./labcdk lab validate --lab my-lab/lab.yaml, then plan: README.md, "Your first plan"');
}

main();
