#!/usr/bin/env bash
# Fetches TripleO's own node validator (tripleo-common, from PyPI) for the
# differential test of the node-file validator. Cached; a second run does nothing.
set -euo pipefail
SCRIPT_NAME="fetch-tripleo-common"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/pypi.sh"

usage() {
  cat <<'USAGE'
Usage: tools/fetch-tripleo-common.sh [--help]

Downloads the pinned tripleo-common wheel (no dependencies: the test runs it
with Debian's python3, whose oslo/ironicclient packages the test bed installs)
and unpacks it into <labcdk cache>/pypi/tripleo-common (LABCDK_CACHE, else
LABCDK_CACHE_DIR, else ~/.cache/labcdk). Its sha256 is pinned and checked.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

version=18.0.0
file=tripleo_common-18.0.0-py3-none-any.whl
sha256=aa693b172f08b4389f58e4e4c06ec7475ecd7dfb358aecfa18f51d8f4f333f15
root="$(pypi_cache tripleo-common-downloads)"
target="$(pypi_cache tripleo-common)"
if [ -f "$target/tripleo_common/utils/nodes.py" ] && unpacked "$target" "$sha256"; then
  say "cached $target ($version)"
  exit 0
fi
pypi_download tripleo-common "$version" "$file" "$sha256" "$root" --only-binary=:all:
unpack_archive "$root/$file" "$target" "$sha256" tripleo_common/utils/nodes.py
say "tripleo-common $version in $target"
