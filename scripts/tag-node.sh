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
export OS_CLOUD

current=$(openstack baremetal node show "$NODE_NAME" -f json | json_get properties.capabilities)
merged=$(CURRENT="$current" WANTED="$NODE_CAPABILITIES" python3 -c '
import os
def pairs(text):
    result = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = pair.partition(":")
        result[key] = value
    return result
merged = pairs(os.environ["CURRENT"])
merged.update(pairs(os.environ["WANTED"]))
print(",".join(f"{k}:{v}" for k, v in merged.items()))
')
if [ "$merged" = "$current" ]; then
  log "node $NODE_NAME already has capabilities \"$current\"; nothing to do"
  exit 0
fi
openstack baremetal node set "$NODE_NAME" --property "capabilities=$merged"
log "node $NODE_NAME: capabilities \"${current}\" → \"$merged\""
