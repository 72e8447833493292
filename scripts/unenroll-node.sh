#!/usr/bin/env bash
# Removes a node from Ironic when its step is destroyed — only when nothing is deployed on it.
set -euo pipefail
SCRIPT_NAME="unenroll-node"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: unenroll-node.sh [--help]

Run by the labcdk undercloud stack at destroy time (local-exec, when=destroy).
A node with an instance, or deployed, is never removed: the script fails with
the reason and the node is left as it is. A node that is already gone is fine.

Environment (from the step's stored input):
  OS_CLOUD    undercloud entry of clouds.yaml
  NODE_NAME   Ironic node name
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD NODE_NAME
python=$(sdk_python)
# No __pycache__ next to the scripts: they are a cdktf asset, hashed into the synthesized stack.
PYTHONDONTWRITEBYTECODE=1 exec "$python" "$here/lib/ironic_node.py" unenroll
