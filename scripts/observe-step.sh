#!/usr/bin/env bash
# Plan-time observation for the labcdk provider's labcdk_observation resource:
# prints the observed state of one step on one line (stdout), nothing else.
set -euo pipefail
SCRIPT_NAME="observe-step"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: observe-step.sh CHECK [--help]

Run by the labcdk provider at every refresh (plan, apply, destroy), once per
labcdk_observation resource; never changes anything (GET requests only).
The provider passes the resource's inputs as environment variables and
bounds the run (provider timeout_seconds).

Checks and their inputs (all also take OS_CLOUD):
  ironic-nodes              NODE_NAMES (comma-separated)
  ironic-nodes-capabilities NODE_NAMES, and NODE_CAPABILITIES_<NAME> for each node
  nova-instance-host        INSTANCE_ID TARGET_HOST
  compute-hosts             COMPUTE_HOSTS
What each prints: see scripts/lib/observe_step.py.
Exit: 0 observed, 2 the cloud cannot be reached (message on stderr), 1 bad input.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") usage >&2; exit 1 ;; esac
python=$(sdk_python)
# No __pycache__ next to the scripts: they are a cdktf asset, hashed into the synthesized stack.
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$here/lib${PYTHONPATH:+:$PYTHONPATH}" exec "$python" "$here/lib/observe_step.py" "$@"
