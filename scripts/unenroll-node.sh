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
export OS_CLOUD

if ! json=$(openstack baremetal node show "$NODE_NAME" -f json 2>/dev/null); then
  log "node $NODE_NAME is not registered; nothing to do"
  exit 0
fi
uuid=$(printf '%s' "$json" | json_get uuid)
instance=$(printf '%s' "$json" | json_get instance_uuid)
state=$(printf '%s' "$json" | json_get provision_state)
if [ -n "$instance" ] || [ "$state" = "active" ] || [ "$state" = "deploying" ] || [ "$state" = "wait call-back" ]; then
  die "node $NODE_NAME is in use (provision state \"$state\", instance ${instance:-none}); not unregistering it. Scale the overcloud in first (it drains and deletes the node), then destroy again."
fi
if [ "$state" = "available" ]; then
  openstack baremetal node manage "$uuid" --wait 300
fi
openstack baremetal node delete "$uuid" >/dev/null
log "node $NODE_NAME ($uuid) unregistered"
