#!/usr/bin/env bash
# Fetches python-ironic-inspector-client (PyPI) for the runbook's
# `openstack baremetal introspection` commands in the tests: Debian 12's
# python3-ironic-inspector-client 4.8.0-2 installs no Python files.
set -euo pipefail
SCRIPT_NAME="fetch-inspector-client"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/pypi.sh"

usage() {
  cat <<'USAGE'
Usage: tools/fetch-inspector-client.sh [--help]

Downloads the pinned python-ironic-inspector-client wheel (4.8.0, the Zed
release Debian 12 names; no dependencies: Debian's osc-lib and keystoneauth
serve it) and unpacks it into <labcdk cache>/pypi/ironic-inspector-client
(LABCDK_CACHE, else LABCDK_CACHE_DIR, else ~/.cache/labcdk). With that
directory on PYTHONPATH, /usr/bin/openstack has `baremetal introspection`.
Its sha256 is pinned and checked; a second run does nothing.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

version=4.8.0
file=python_ironic_inspector_client-4.8.0-py3-none-any.whl
sha256=cd8353280838a30cdca5de39e8a015b3a0c95e0d54a0f0ce2752c85e102a4a49
root="$(pypi_cache ironic-inspector-client-downloads)"
target="$(pypi_cache ironic-inspector-client)"
if [ -f "$target/ironic_inspector_client/shell.py" ] && unpacked "$target" "$sha256"; then
  say "cached $target ($version)"
  exit 0
fi
pypi_download python-ironic-inspector-client "$version" "$file" "$sha256" "$root" --only-binary=:all:
unpack_archive "$root/$file" "$target" "$sha256" ironic_inspector_client/shell.py
say "python-ironic-inspector-client $version in $target"
