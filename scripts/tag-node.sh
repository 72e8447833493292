#!/usr/bin/env bash
# Merges capabilities (e.g. profile:compute,boot_option:local) into a node's
# properties/capabilities, keeping the capabilities already there.
set -euo pipefail
SCRIPT_NAME="tag-node"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: tag-node.sh [--help]

Run by the labcdk undercloud stack (local-exec). Idempotent: when the node
already carries every capability with the wanted value, nothing is written.

Environment (set by the stack):
  OS_CLOUD            undercloud entry of clouds.yaml
  NODE_NAME           Ironic node name
  NODE_CAPABILITIES   key:value pairs, comma-separated (may be empty)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD NODE_NAME NODE_CAPABILITIES
python=$(sdk_python)
exec "$python" "$here/lib/ironic_node.py" tag
