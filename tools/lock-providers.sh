#!/usr/bin/env bash
# Writes the committed provider lock (providers/.terraform.lock.hcl) from the
# local provider mirror that tools/build-toolchain.sh builds, without network.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/lock-providers.sh [--platforms "OS_ARCH ..."] [--out FILE] [--help]

Writes labcdk's committed provider lock, providers/.terraform.lock.hcl, from
the providers built into the local mirror .tools/providers, offline:
`tofu providers lock -fs-mirror=.tools/providers -platform=...` in a scratch
folder whose configuration requires every provider that cdktf.json's
terraformProviders lists or a stack of a lab in labs/ requires
(tools/provider-requirements.ts). With -fs-mirror, tofu reads only that folder
and asks no registry. Every synth puts the lock (the blocks of the providers
each stack requires) into each stack folder (stacks/provider-lock.ts), so
`tofu init` there agrees with it and `cdktf
diff`/`cdktf deploy` skip their own `providers lock` (which would ask the
public registry).

Run it after a provider, OpenTofu or Go toolchain bump, once
`tools/build-toolchain.sh --all-platforms` has built the providers for every
platform; then review the diff and commit it. The hashes are of our own
reproducible builds, so they differ from the registry's release packages.

  --platforms LIST   platforms (os_arch) to lock (default: LOCK_PLATFORMS from
                     tools/versions.env)
  --out FILE         where to write (default: providers/.terraform.lock.hcl);
                     the staleness test writes a scratch copy to compare

Needs: npm ci (node_modules), tools/build-toolchain.sh (.tools/bin/tofu and the mirror).
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$root/tools/versions.env"
platforms="$LOCK_PLATFORMS"
out="$root/providers/.terraform.lock.hcl"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --platforms) [ $# -ge 2 ] || { usage >&2; exit 2; }; platforms="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || { usage >&2; exit 2; }; out="$2"; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done

die() { echo "lock-providers: $*" >&2; exit 1; }
tofu="$root/.tools/bin/tofu"
mirror="$root/.tools/providers"
if [ ! -x "$tofu" ] || [ ! -d "$mirror" ]; then
  die "$tofu or $mirror is missing: run tools/build-toolchain.sh --all-platforms first"
fi
[ -d "$root/node_modules/ts-node" ] || die "node_modules is missing: run npm ci first"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$root" && node --require ts-node/register/transpile-only tools/provider-requirements.ts) > "$scratch/main.tf.json"

platform_args=()
for platform in $platforms; do platform_args+=("-platform=$platform"); done
[ ${#platform_args[@]} -gt 0 ] || die "no platforms to lock"
echo "lock-providers: locking $(grep -o '"source": "[^"]*"' "$scratch/main.tf.json" | cut -d'"' -f4 | tr '\n' ' ')for $platforms"
if ! TF_CLI_CONFIG_FILE="$root/.tools/tofurc" TF_PLUGIN_CACHE_DIR="" CHECKPOINT_DISABLE=1 \
    "$tofu" -chdir="$scratch" providers lock -no-color -fs-mirror="$mirror" "${platform_args[@]}"; then
  die "tofu providers lock failed: is every provider built for every platform ($platforms)? run tools/build-toolchain.sh --all-platforms"
fi
mkdir -p "$(dirname "$out")"
cp "$scratch/.terraform.lock.hcl" "$out.tmp"
mv "$out.tmp" "$out"
echo "lock-providers: wrote $out"
