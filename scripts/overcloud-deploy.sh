#!/usr/bin/env bash
# Runs `openstack overcloud deploy` with the rendered arguments and waits,
# bounded, for the Heat stack to reach *_COMPLETE, printing progress.
set -euo pipefail
SCRIPT_NAME="overcloud-deploy"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: overcloud-deploy.sh [--help]

Run by the labcdk undercloud stack (local-exec) on the director. Re-runs the
deploy with the lab's arguments (the command is idempotent in TripleO: an
unchanged overcloud is updated in place) and checks the result.

Environment (set by the stack):
  OS_CLOUD                undercloud entry of clouds.yaml
  OVERCLOUD_STACK         Heat stack name (overcloud)
  DEPLOY_ARGUMENTS_JSON   the `openstack` arguments, a JSON list of strings
  DEPLOY_TIMEOUT_MINUTES  upper bound of the whole run
  PROGRESS_SECONDS        interval of progress lines (default 60)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD OVERCLOUD_STACK DEPLOY_ARGUMENTS_JSON DEPLOY_TIMEOUT_MINUTES
export OS_CLOUD
progress="${PROGRESS_SECONDS:-60}"

mapfile -d '' -t arguments < <(python3 -c '
import json, os, sys
args = json.loads(os.environ["DEPLOY_ARGUMENTS_JSON"])
assert isinstance(args, list) and all(isinstance(a, str) for a in args), "DEPLOY_ARGUMENTS_JSON must be a JSON list of strings"
sys.stdout.write("\0".join(args) + "\0")
')
log "running: openstack ${arguments[*]}"
log "bounded at ${DEPLOY_TIMEOUT_MINUTES} min (the runbook's deploy takes about 60)"

deadline=$(( $(date +%s) + DEPLOY_TIMEOUT_MINUTES * 60 ))
timeout --kill-after=60 "$((DEPLOY_TIMEOUT_MINUTES * 60))" openstack "${arguments[@]}" &
deploy=$!
while kill -0 "$deploy" 2>/dev/null; do
  sleep "$progress" &
  wait $! || true
  kill -0 "$deploy" 2>/dev/null || break
  stack_status=$(openstack stack show "$OVERCLOUD_STACK" -f value -c stack_status 2>/dev/null || echo "unknown")
  nodes=$(openstack baremetal node list -f value -c Name -c "Provisioning State" 2>/dev/null | tr '\n' ';' || true)
  log "stack $OVERCLOUD_STACK: $stack_status; nodes: ${nodes:-unknown}; $(( (deadline - $(date +%s)) / 60 )) min left"
done
status=0
wait "$deploy" || status=$?
if [ "$status" -eq 124 ]; then
  die "the deploy ran past ${DEPLOY_TIMEOUT_MINUTES} min and was stopped; nodes stuck in \"wait call-back\" are the runbook's known cloud-init race (delete the zero-byte ifcfg-eth* files and reboot the node)"
fi
[ "$status" -eq 0 ] || die "openstack overcloud deploy failed (exit $status); see 'openstack stack failures list $OVERCLOUD_STACK'"

final=$(openstack stack show "$OVERCLOUD_STACK" -f value -c stack_status)
case "$final" in
  *_COMPLETE) log "stack $OVERCLOUD_STACK: $final — overcloud deployed" ;;
  *) die "stack $OVERCLOUD_STACK ended in $final" ;;
esac
