#!/usr/bin/env bash
# Enrolls the lab's bare-metal nodes in Ironic, all in one process, and brings
# each to `available`: create (or update) → ports → manage → inspect → provide → tag.
set -euo pipefail
SCRIPT_NAME="enroll-nodes"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: enroll-nodes.sh [--help]

Run by the labcdk undercloud stack (local-exec) for every node of the node
file at once (lib/ironic_enroll.py: one process, one Keystone token, one list
request per poll round for the whole fleet). Idempotent: a node that exists
(by name, or by one of its MACs) is updated, never duplicated; a node already
inspected and available only gets its fields and capabilities checked; a node
caught mid-transition by an interrupted apply is waited for, not restarted.
A node that fails does not stop the others: every failure is listed at the
end, and the step fails.

Environment (set by the stack):
  OS_CLOUD                         undercloud entry of clouds.yaml
  LABCDK_NODE_<NAME>               one per node: JSON of what Ironic gets (lab/ironic-fields.ts):
                                   {name, driver, driver_info (no password), password_fields,
                                   properties, capabilities, fields (resource_class, conductor_group,
                                   *_interface), extra, ports [{address, physical_network,
                                   local_link_connection}]}
  CREATE_DEFAULTS                  JSON {resource_class, physical_network}: set on a new node / port only
  INTROSPECTION_TIMEOUT_SECONDS    bound of each introspection (manage: 300 s, provide: 1800 s)
  INTROSPECTION_POLL_SECONDS       longest pause between poll rounds (from 1 s, doubling)
  INTROSPECTION_CONCURRENCY        introspections at once on this machine (flock slots in
                                   LABCDK_LOCK_DIR, default $TMPDIR/labcdk-locks); TripleO's default is 20
  NODE_FILE                        the node file (absolute path): the last source of BMC passwords
The three INTROSPECTION_* are whole numbers of at least 1, always set by the
stack from the lab (their defaults are the lab schema's, lab/schema.ts): a
missing or malformed one stops the run before any request.
BMC password, at apply time: LABCDK_BMC_PASSWORD_<NODE>, or
LABCDK_BMC_PASSWORD_FILE (JSON name → password), or the node file's pm_password.
Only what differs from the node file is patched (and the password, which Ironic
masks); on a deployed node, driver, interfaces, resource class, conductor group
and ports are left as they are (Ironic refuses them), with a line saying so.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

require_env OS_CLOUD CREATE_DEFAULTS INTROSPECTION_TIMEOUT_SECONDS INTROSPECTION_POLL_SECONDS \
  INTROSPECTION_CONCURRENCY NODE_FILE
python=$(sdk_python)
# No __pycache__ next to the scripts: they are a cdktf asset, hashed into the synthesized stack.
PYTHONDONTWRITEBYTECODE=1 exec "$python" "$here/lib/ironic_enroll.py"
