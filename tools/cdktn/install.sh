#!/usr/bin/env bash
# Installs CDK Terrain (cdktn, cdktn-cli 0.24.0: the maintained fork of cdktf
# 0.21) beside the project into .tools/cdktn, and generates its provider
# bindings there with its own generator, for the two-toolkit comparison
# (__tests__/tools/cdktn.test.ts). The project's toolkit stays cdktf 0.21.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/cdktn/install.sh [--help]

Installs the packages locked in tools/cdktn/package-lock.json (npm registry,
integrity-checked) into .tools/cdktn/node_modules, then generates
.tools/cdktn/gen from providers/*.json with CDK Terrain's generator
(tools/cdktn/generate-bindings.js: no Terraform binary, no network).
Idempotent: a stamp over the inputs skips both when nothing changed.
Runs from `npm test` (pretest); needs Node.js >= 22.19 (tools/lts gives one).

Then, for example:
  node --require ./tools/cdktn/use-cdktn.js --require ts-node/register/transpile-only main.ts
      synthesizes the lab of LAB_CONFIG with cdktn into cdktf.out (CDKTF_OUTDIR to change);
  NODE_OPTIONS="--require $PWD/tools/cdktn/use-cdktn.js" .tools/cdktn/node_modules/.bin/cdktn synth
      the same through cdktn's CLI.
USAGE
}
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
spec="$root/tools/cdktn"
prefix="$root/.tools/cdktn"
stamp="$prefix/.inputs-sha256"

# inputs: what the install and the bindings are made from.
inputs="$(cat "$spec/package.json" "$spec/package-lock.json" "$spec/generate-bindings.js" "$root/cdktf.json" \
  "$root/providers/"*.json "$root/node_modules/typescript/package.json" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ] && [ -d "$prefix/gen/providers" ]; then
  echo "cdktn install: .tools/cdktn is up to date"
  exit 0
fi

major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 22 ]; then
  echo "cdktn install: cdktn-cli needs Node.js >= 22.19 (this is $(node --version)); run through tools/lts" >&2
  exit 1
fi

echo "cdktn install: installing tools/cdktn/package-lock.json into .tools/cdktn"
mkdir -p "$prefix"
rm -f "$stamp"
cp "$spec/package.json" "$spec/package-lock.json" "$prefix/"
npm ci --prefix "$prefix" --ignore-scripts --no-audit --no-fund --loglevel=error
node "$spec/generate-bindings.js"
printf '%s\n' "$inputs" > "$stamp"
