#!/usr/bin/env bash
# Fetches TripleO's own node validator (tripleo-common, from PyPI) for the
# differential test of the node-file validator. Cached; a second run does nothing.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/fetch-tripleo-common.sh [--help]

Downloads the pinned tripleo-common wheel (no dependencies: the test runs it
with Debian's python3, whose oslo/ironicclient packages the test bed installs)
and unpacks it into ${LABCDK_CACHE_DIR:-~/.cache/labcdk}/pypi/tripleo-common.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

version=18.0.0
target="${LABCDK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/labcdk}/pypi/tripleo-common"
if [ -f "$target/tripleo_common/utils/nodes.py" ] && [ -f "$target/.version-$version" ]; then
  echo "fetch-tripleo-common: cached $target ($version)"
  exit 0
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m pip download --quiet --no-deps --dest "$scratch" "tripleo-common==$version"
rm -rf "$target"
mkdir -p "$target"
python3 -m zipfile -e "$scratch"/tripleo_common-"$version"-*.whl "$target"
touch "$target/.version-$version"
echo "fetch-tripleo-common: tripleo-common $version in $target"
