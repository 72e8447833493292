#!/usr/bin/env bash
# Fetches tripleo-ansible (PyPI) for tools/tripleo-argv/check_baremetal_deployment.py:
# its module_utils/baremetal_deploy.py holds the real baremetal_deployment.yaml
# schema and expand() of `overcloud node provision`. Cached and hash-checked;
# a second run does nothing and needs no network.
set -euo pipefail
SCRIPT_NAME="fetch-tripleo-ansible"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/pypi.sh"

# The pin. 6.0.0 (2022-12-12) is the only release on PyPI; the node-provision
# client pin (python-tripleoclient 16.5.0) is Wallaby: see
# tools/tripleo-argv/README.md for what that means. The sha256 is the digest
# PyPI publishes for the file (pip checks it against the index on download).
version=6.0.0
file=tripleo_ansible-6.0.0-py2.py3-none-any.whl
sha256=a8daeb11696e89cbd54a7347f783d93ba601a19d05cd780426d0aba0309a3028

usage() {
  cat <<USAGE
Usage: tools/fetch-tripleo-ansible.sh [--help]

Downloads with 'pip download --no-deps --require-hashes' tripleo-ansible $version
($file) and unpacks it into
  \${LABCDK_CACHE:-\${LABCDK_CACHE_DIR:-\${XDG_CACHE_HOME:-~/.cache}/labcdk}}/pypi/tripleo-ansible/
    tripleo-ansible-$version/    (the unpacked wheel)
    downloads/                  (the verified wheel)

The wheel's sha256 is checked by pip and again here against the pinned value.
Network waits are bounded (pip --timeout 30 --retries 2, at most 10 minutes).
Needs /usr/bin/python3 with pip (or python3 -m pip on PATH). The checker that
uses it needs /usr/bin/python3 with jsonschema and yaml (Debian:
python3-jsonschema python3-yaml); this script only says so when they are missing.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

root="$(pypi_cache tripleo-ansible)"
downloads="$root/downloads"
target="$root/tripleo-ansible-$version"
module="tripleo_ansible-$version.data/data/share/ansible/plugins/module_utils/baremetal_deploy.py"


check_python_modules() {
  /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null \
    || say "note: /usr/bin/python3 lacks jsonschema or yaml, which check_baremetal_deployment.py needs (apt-get install python3-jsonschema python3-yaml)"
}

if [ -f "$target/.labcdk-sha256" ] && [ "$(cat "$target/.labcdk-sha256")" = "$sha256" ] \
    && [ -f "$target/$module" ]; then
  say "tripleo-ansible $version cached in $target"
  check_python_modules
  exit 0
fi

pypi_download tripleo-ansible "$version" "$file" "$sha256" "$downloads" --only-binary=:all:

unpack_archive "$downloads/$file" "$target" "$sha256" "$module"
say "tripleo-ansible $version unpacked in $target"
check_python_modules
