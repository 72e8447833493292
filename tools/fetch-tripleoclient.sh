#!/usr/bin/env bash
# Fetches the pinned python-tripleoclient releases (one per overcloud dialect)
# and tripleo-heat-templates from PyPI for tools/tripleo-argv/. Cached and
# hash-checked; a second run does nothing and needs no network.
set -euo pipefail

SCRIPT_NAME="fetch-tripleoclient"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/pypi.sh"
# The pins (KEY=value lines), also read by tools/tripleo-argv/*.py.
# shellcheck source=/dev/null
. "$here/tripleo-versions.env"

usage() {
  cat <<USAGE
Usage: tools/fetch-tripleoclient.sh [--help]

Downloads with 'pip download --no-deps --require-hashes' the releases pinned in
tools/tripleo-versions.env and unpacks them into
  \${LABCDK_CACHE:-\${LABCDK_CACHE_DIR:-\${XDG_CACHE_HOME:-~/.cache}/labcdk}}/pypi/tripleoclient/
    python-tripleoclient-<version>/    (wheel: tripleoclient/ + *.dist-info/)
    tripleo-heat-templates-<version>/  (sdist: the Heat templates)
    downloads/                         (the verified archives)

  legacy-flags        python-tripleoclient $TRIPLEOCLIENT_LEGACY_FLAGS_VERSION
  parameter-defaults  python-tripleoclient $TRIPLEOCLIENT_PARAMETER_DEFAULTS_VERSION
  node-provision      python-tripleoclient $TRIPLEOCLIENT_NODE_PROVISION_VERSION
  Heat templates      tripleo-heat-templates $THT_VERSION

Each archive's sha256 is checked by pip and again here against the pinned value.
Network waits are bounded (pip --timeout 30 --retries 2, at most 10 minutes per
download). Needs /usr/bin/python3 with pip (or python3 -m pip on PATH).
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

root="$(pypi_cache tripleoclient)"
downloads="$root/downloads"

fetch_client() {
  local dialect="$1" version="$2" file="$3" sha="$4"
  local target="$root/python-tripleoclient-$version"
  if unpacked "$target" "$sha"; then
    say "$dialect: python-tripleoclient $version cached in $target"
    return 0
  fi
  pypi_download python-tripleoclient "$version" "$file" "$sha" "$downloads" --only-binary=:all:
  unpack_archive "$downloads/$file" "$target" "$sha" tripleoclient/v1/overcloud_deploy.py
  say "$dialect: python-tripleoclient $version unpacked in $target"
}

fetch_templates() {
  local version="$1" file="$2" sha="$3"
  local target="$root/tripleo-heat-templates-$version"
  if unpacked "$target" "$sha"; then
    say "tripleo-heat-templates $version cached in $target"
    return 0
  fi
  # Only the sdist carries the templates. pip reads its metadata by building it
  # (pbr); setuptools >= 61 refuses its flat layout, so the isolated build
  # environment gets an older setuptools (it is used for that and thrown away).
  local constraints
  constraints="$(mktemp)"
  printf 'setuptools<60\n' > "$constraints"
  (
    export PIP_CONSTRAINT="$constraints"
    pypi_download tripleo-heat-templates "$version" "$file" "$sha" "$downloads" \
      --no-binary=tripleo-heat-templates --use-pep517
  )
  rm -f "$constraints"
  unpack_archive "$downloads/$file" "$target" "$sha" overcloud.j2.yaml
  say "tripleo-heat-templates $version unpacked in $target"
}

mkdir -p "$root"
fetch_client legacy-flags "$TRIPLEOCLIENT_LEGACY_FLAGS_VERSION" \
  "$TRIPLEOCLIENT_LEGACY_FLAGS_FILE" "$TRIPLEOCLIENT_LEGACY_FLAGS_SHA256"
fetch_client parameter-defaults "$TRIPLEOCLIENT_PARAMETER_DEFAULTS_VERSION" \
  "$TRIPLEOCLIENT_PARAMETER_DEFAULTS_FILE" "$TRIPLEOCLIENT_PARAMETER_DEFAULTS_SHA256"
fetch_client node-provision "$TRIPLEOCLIENT_NODE_PROVISION_VERSION" \
  "$TRIPLEOCLIENT_NODE_PROVISION_FILE" "$TRIPLEOCLIENT_NODE_PROVISION_SHA256"
fetch_templates "$THT_VERSION" "$THT_FILE" "$THT_SHA256"
say "done: $root"
