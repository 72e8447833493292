#!/usr/bin/env bash
# Enrolls one bare-metal node in Ironic and brings it to `available`:
# create (or update) → ports → deploy images → manage → inspect → provide.
set -euo pipefail
SCRIPT_NAME="enroll-node"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: enroll-node.sh [--help]

Run by the labcdk undercloud stack (local-exec) for one node. Idempotent: a
node that exists (by name, or by one of its MACs) is updated, never
duplicated; a node already inspected and available is left as it is; a node
caught mid-introspection by an interrupted apply is waited for, not restarted.
The work is done by lib/ironic_node.py (openstacksdk, one process per node).

Environment (set by the stack):
  OS_CLOUD                         undercloud entry of clouds.yaml
  NODE_NAME, NODE_DRIVER           node name, Ironic hardware type
  NODE_BMC_ADDRESS/PORT/USERNAME/SYSTEM_ID   BMC access (password: see below)
  NODE_MACS                        comma-separated MAC addresses (one port each)
  NODE_CPUS, NODE_MEMORY_MB, NODE_LOCAL_GB, NODE_CPU_ARCH   properties (may be empty)
  NODE_RESOURCE_CLASS, NODE_INTERFACES (k=v,...)            optional
  DEPLOY_KERNEL_ID, DEPLOY_RAMDISK_ID   Glance images for driver_info
  INTROSPECTION_TIMEOUT_SECONDS, INTROSPECTION_POLL_SECONDS
  INTROSPECTION_CONCURRENCY        introspections at once on this machine (flock slots in
                                   LABCDK_LOCK_DIR, default $TMPDIR/labcdk-locks); TripleO's default is 20
  NODE_FILE                        node file, relative to the project folder
  NODE_CAPABILITIES                optional key:value,... merged in at the end (as tag-node.sh
                                   does), so a node registered again comes back tagged
BMC password, at apply time: LABCDK_BMC_PASSWORD_<NODE>, or
LABCDK_BMC_PASSWORD_FILE (JSON name → password), or the node file's pm_password.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

require_env OS_CLOUD NODE_NAME NODE_DRIVER NODE_BMC_ADDRESS NODE_BMC_PORT NODE_BMC_USERNAME NODE_BMC_SYSTEM_ID \
  NODE_MACS NODE_CPUS NODE_MEMORY_MB NODE_LOCAL_GB NODE_CPU_ARCH NODE_RESOURCE_CLASS NODE_INTERFACES \
  DEPLOY_KERNEL_ID DEPLOY_RAMDISK_ID INTROSPECTION_TIMEOUT_SECONDS INTROSPECTION_POLL_SECONDS NODE_FILE
python=$(sdk_python)
exec "$python" "$here/lib/ironic_node.py" enroll
