#!/usr/bin/env bash
# Re-records providers/<name>@<version>.json from the real provider binary.
# Run it after changing the provider version in cdktf.json and tools/versions.env.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/refresh-provider-schema.sh [--help]

Builds the toolchain (tools/build-toolchain.sh), asks the real provider for its
schema through `cdktf get` (which runs `tofu init` and `tofu providers schema
-json` against the local mirror), strips the description text and writes
providers/<name>@<version>.json, sorted and indented so that a provider bump is
reviewable as a diff. Then regenerates .gen/.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools/build-toolchain.sh

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
echo "refresh-provider-schema: reading the schema from the provider binary"
CHECKPOINT_DISABLE=1 CI=1 \
  TERRAFORM_BINARY_NAME="$root/.tools/bin/tofu" \
  TF_CLI_CONFIG_FILE="$root/.tools/tofurc" \
  CDKTF_EXPERIMENTAL_PROVIDER_SCHEMA_CACHE_PATH="$scratch" \
  node_modules/.bin/cdktf get --force --output "$scratch/gen" >/dev/null

for raw in "$scratch"/*.json; do
  out="providers/$(basename "$raw")"
  python3 - "$raw" "$out" <<'PY'
import json, sys
raw, out = sys.argv[1], sys.argv[2]
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("description", "description_kind", "deprecation_message")}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o
with open(raw) as f:
    schema = strip(json.load(f))
with open(out, "w") as f:
    json.dump(schema, f, indent=1, sort_keys=True)
    f.write("\n")
PY
  echo "refresh-provider-schema: wrote $out"
done
node tools/generate-bindings.js --force
