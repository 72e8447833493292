#!/usr/bin/env bash
# Scale-in: `overcloud node delete` of the nodes the lab removes, skipping
# those already gone, and checks the Heat stack afterwards.
set -euo pipefail
SCRIPT_NAME="overcloud-node-delete"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"
. "$here/lib/overcloud.sh"

usage() {
  cat <<'USAGE'
Usage: overcloud-node-delete.sh [--help]

Run by the labcdk undercloud stack (local-exec) on the director, after the
removed compute hosts were drained and before the deploy with the lower
counts. Destroys the overcloud servers named in HOSTNAMES:
  1. finds which of them are still deployed: an `active` Ironic node whose
     instance_info.display_name is the hostname. None left: nothing to do
     (a re-run after a success converges here);
  2. writes FILES_JSON into WORK_DIR and runs COMMANDS_JSON there, dropping
     the hostnames already gone from the argument lists (a re-run after a
     partial delete deletes the rest);
  3. checks the result: legacy-flags and parameter-defaults delete through
     a Heat stack update, which must end *_COMPLETE; node-provision
     unprovisions the nodes, which must no longer be `active` in Ironic.

Environment (set by the stack):
  OS_CLOUD                undercloud entry of clouds.yaml
  OVERCLOUD_STACK         Heat stack name (overcloud)
  OVERCLOUD_DIALECT       legacy-flags | parameter-defaults | node-provision
  WORK_DIR                working folder ("~/" allowed)
  HOSTNAMES               comma-separated overcloud server names that leave
  COMMANDS_JSON           `openstack` argument lists, a JSON list of lists
  FILES_JSON              generated files, a JSON object name → content
  DELETE_TIMEOUT_MINUTES  upper bound (default 60)
  PROGRESS_SECONDS        interval of progress lines (default 60)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD OVERCLOUD_STACK OVERCLOUD_DIALECT WORK_DIR HOSTNAMES COMMANDS_JSON FILES_JSON
export OS_CLOUD
limit_min="${DELETE_TIMEOUT_MINUTES:-60}"
progress_s="${PROGRESS_SECONDS:-60}"

deployed() { # the HOSTNAMES still on an active Ironic node, comma-separated
  local nodes
  nodes=$(ironic_nodes_json) || die "cannot list the Ironic nodes of $OS_CLOUD"
  overcloud_python overcloud_nodes.py deployed "$HOSTNAMES" <<<"$nodes"
}
present=$(deployed)
if [ -z "$present" ]; then
  log "none of $HOSTNAMES is deployed any more; nothing to delete"
  exit 0
fi
gone=$(overcloud_python overcloud_nodes.py absent "$HOSTNAMES" "$present")
[ -z "$gone" ] || log "already gone: $gone (left out of the command)"

work=$(work_dir_ready)
cd "$work"
progress() { log "deleting $present: stack $OVERCLOUD_STACK $(openstack_cli stack show "$OVERCLOUD_STACK" -f value -c stack_status 2>/dev/null || echo unknown)"; }
deadline=$(( $(date +%s) + limit_min * 60 ))
count=$(command_count)
for ((i = 0; i < count; i++)); do
  mapfile -d '' -t rendered < <(command_argv "$i")
  argv=()
  for arg in "${rendered[@]}"; do
    case ",$gone," in *",$arg,"*) ;; *) argv+=("$arg") ;; esac
  done
  left=$(( deadline - $(date +%s) ))
  [ "$left" -gt 0 ] || die "no time left for: openstack ${argv[*]}"
  log "deleting $present from stack $OVERCLOUD_STACK: openstack ${argv[*]}"
  status=0
  run_bounded "$left" "$progress_s" progress openstack "${argv[@]}" || status=$?
  [ "$status" -ne 124 ] || die "stopped after ${limit_min} min: openstack ${argv[*]}; re-run the apply to continue"
  [ "$status" -eq 0 ] || die "openstack ${argv[*]} failed (exit $status); the deploy with the lower counts did not run. Re-running the apply retries the delete"
done

if [ "$OVERCLOUD_DIALECT" = "node-provision" ]; then
  left=$(deployed)
  [ -z "$left" ] || die "still deployed after the delete: $left"
  log "deleted $present: no longer deployed in Ironic"
  exit 0
fi
final=$(openstack_cli stack show "$OVERCLOUD_STACK" -f value -c stack_status) || die "stack $OVERCLOUD_STACK not found after the delete"
case "$final" in
  *_COMPLETE) log "stack $OVERCLOUD_STACK: $final — deleted $present" ;;
  *) die "stack $OVERCLOUD_STACK ended in $final after deleting $present" ;;
esac
