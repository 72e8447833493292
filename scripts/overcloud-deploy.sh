#!/usr/bin/env bash
# Runs the rendered overcloud deploy commands in the lab's dialect and waits,
# bounded, for the Heat stack to reach *_COMPLETE, printing progress.
set -euo pipefail
SCRIPT_NAME="overcloud-deploy"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"
. "$here/lib/overcloud.sh"

usage() {
  cat <<'USAGE'
Usage: overcloud-deploy.sh [--help]

Run by the labcdk undercloud stack (local-exec) on the director. Brings the
overcloud to the lab's role counts (TripleO's deploy is idempotent: an
unchanged overcloud is updated in place):
  1. guard: no role would shrink silently. When Ironic has more `active`
     nodes tagged with a role's profile than the role's count, it stops:
     lowering a count needs overcloud.roles.<Role>.remove (drain, then
     delete, as separate steps), never a deploy that lets Heat pick victims;
  2. writes the generated files (FILES_JSON) into WORK_DIR;
  3. runs the commands (COMMANDS_JSON) in WORK_DIR, in order — one
     `overcloud deploy`, or `overcloud node provision` then `overcloud deploy`
     — with a progress line every PROGRESS_SECONDS (Heat stack status, nodes'
     provision states), the whole run bounded by DEPLOY_TIMEOUT_MINUTES;
  4. checks the Heat stack reached *_COMPLETE.

Environment (set by the stack):
  OS_CLOUD                undercloud entry of clouds.yaml
  OVERCLOUD_STACK         Heat stack name (overcloud)
  OVERCLOUD_DIALECT       legacy-flags | parameter-defaults | node-provision
  WORK_DIR                working folder ("~/" allowed)
  COMMANDS_JSON           `openstack` argument lists, a JSON list of lists
  FILES_JSON              generated files, a JSON object name → content
  PROFILE_COUNTS_JSON     Ironic profile → node count after the deploy
  DEPLOY_TIMEOUT_MINUTES  upper bound of the whole run
  PROGRESS_SECONDS        interval of progress lines (default 60)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD OVERCLOUD_STACK OVERCLOUD_DIALECT WORK_DIR COMMANDS_JSON FILES_JSON PROFILE_COUNTS_JSON DEPLOY_TIMEOUT_MINUTES
export OS_CLOUD
progress_s="${PROGRESS_SECONDS:-60}"

nodes=$(ironic_nodes_json) || die "cannot list the Ironic nodes of $OS_CLOUD"
shrinking=$(overcloud_python overcloud_nodes.py shrinking <<<"$nodes")
if [ -n "$shrinking" ]; then
  die "refusing a deploy that would remove nodes without naming them: $shrinking. Lowering a count needs overcloud.roles.<Role>.remove listing the nodes that leave (they are drained and deleted first); nothing was changed"
fi

work=$(work_dir_ready)
cd "$work"
count=$(command_count)
log "dialect $OVERCLOUD_DIALECT: $count command(s) in $work, bounded at ${DEPLOY_TIMEOUT_MINUTES} min (the runbook's deploy takes about 60)"

deadline=$(( $(date +%s) + DEPLOY_TIMEOUT_MINUTES * 60 ))
progress() {
  local stack_status states
  stack_status=$(openstack_cli stack show "$OVERCLOUD_STACK" -f value -c stack_status 2>/dev/null || echo "not created yet")
  states=$(ironic_nodes_json 2>/dev/null | overcloud_python overcloud_nodes.py states 2>/dev/null || echo "unknown")
  log "stack $OVERCLOUD_STACK: $stack_status; nodes: ${states:-none}; $(( (deadline - $(date +%s)) / 60 )) min left"
}
for ((i = 0; i < count; i++)); do
  mapfile -d '' -t argv < <(command_argv "$i")
  left=$(( deadline - $(date +%s) ))
  [ "$left" -gt 0 ] || die "no time left for: openstack ${argv[*]}"
  log "running ($((i + 1))/$count): openstack ${argv[*]}"
  status=0
  run_bounded "$left" "$progress_s" progress openstack "${argv[@]}" || status=$?
  if [ "$status" -ne 0 ]; then
    # Which nodes sit where, and what to look at, before giving up.
    stuck=$( (ironic_nodes_json | stuck_nodes_report) 2>/dev/null || echo "(the Ironic nodes could not be listed)")
    [ -z "$stuck" ] || while IFS= read -r line; do log "$line"; done <<<"$stuck"
  fi
  if [ "$status" -eq 124 ]; then
    die "stopped after ${DEPLOY_TIMEOUT_MINUTES} min: openstack ${argv[*]}; ${stuck:-no node is on its way: see openstack stack failures list $OVERCLOUD_STACK}. Re-run the apply to continue"
  fi
  [ "$status" -eq 0 ] || die "openstack ${argv[*]} failed (exit $status); see 'openstack stack failures list $OVERCLOUD_STACK'. Re-running the apply runs it again"
done

final=$(openstack_cli stack show "$OVERCLOUD_STACK" -f value -c stack_status) || die "stack $OVERCLOUD_STACK not found after the deploy"
case "$final" in
  *_COMPLETE) log "stack $OVERCLOUD_STACK: $final — overcloud deployed" ;;
  *) die "stack $OVERCLOUD_STACK ended in $final" ;;
esac
