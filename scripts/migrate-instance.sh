#!/usr/bin/env bash
# Moves an instance to its target compute host (cold, live or block-live),
# after checking the target is up and has room; confirms and verifies.
set -euo pipefail
SCRIPT_NAME="migrate-instance"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"
. "$here/lib/placement.sh"

usage() {
  cat <<'USAGE'
Usage: migrate-instance.sh [--help]

Run by the labcdk overcloud stack (local-exec). Declarative: the instance
should live on TARGET_HOST. Already there: nothing to do. Otherwise:
  1. pre-checks, before touching the instance: the target's nova-compute is
     enabled and up; the target has room for the flavor (Placement: VCPU,
     MEMORY_MB, DISK_GB) — refused with the numbers when it has not;
  2. migrate (cold: `server migrate --host`, API 2.56; live / block-live:
     `--live-migration --host`, API 2.30), wait (bounded) for VERIFY_RESIZE and
     confirm (cold), or for the live migration to finish;
  3. verify: on TARGET_HOST, as it was (ACTIVE; a stopped instance, which
     moves only cold, SHUTOFF), floating IP still on its port.
On failure the resize is reverted where possible and the script exits 1.

Environment (set by the stack):
  OS_CLOUD           overcloud entry of clouds.yaml
  INSTANCE_ID        server UUID
  TARGET_HOST        compute host to live on
  MIGRATION_KIND     cold | live | block-live
  TIMEOUT_SECONDS    bound of each wait (default 900)
  POLL_SECONDS       poll interval (default 5)
  FLOATING_IP, REACHABILITY_CHECK   optional: after the move, run
                     check-reachability.sh (ping | api | none)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD INSTANCE_ID TARGET_HOST MIGRATION_KIND
export OS_CLOUD
timeout_s="${TIMEOUT_SECONDS:-900}"
poll_s="${POLL_SECONDS:-5}"

server_json() { openstack --os-compute-api-version 2.56 server show "$INSTANCE_ID" -f json; }
server_field() { server_json | json_get "$1"; }

status_is() { # status_is WANTED: for wait_until; 2 when the server went to ERROR
  local s; s=$(openstack server show "$INSTANCE_ID" -f value -c status)
  printf '%s' "$s"
  [ "$s" = "$1" ] && return 0
  [ "$s" = "ERROR" ] && return 2
  return 1
}
json=$(server_json)
name=$(printf '%s' "$json" | json_get name)
source_host=$(printf '%s' "$json" | json_get "OS-EXT-SRV-ATTR:host")
status=$(printf '%s' "$json" | json_get status)
if [ "$status" = "VERIFY_RESIZE" ]; then
  # An earlier run was interrupted after the move: finish it.
  log "$name is in VERIFY_RESIZE on $source_host (an interrupted run); confirming"
  openstack server resize confirm "$INSTANCE_ID"
  wait_until "$name to settle after the confirm" "$timeout_s" "$poll_s" settled
  source_host=$(server_field "OS-EXT-SRV-ATTR:host")
fi
if [ "$source_host" = "$TARGET_HOST" ]; then
  log "$name is already on $TARGET_HOST; nothing to do"
  exit 0
fi
# Nova refuses a migration while a task runs or the power state is not yet
# known (e.g. right after a confirm): wait until the instance has settled.
settled() { # ACTIVE and running, or (cold only) SHUTOFF and shut down; no task. 2 when no wait fixes it
  local j s t p
  j=$(server_json); s=$(printf '%s' "$j" | json_get status)
  t=$(printf '%s' "$j" | json_get "OS-EXT-STS:task_state"); p=$(printf '%s' "$j" | json_get "OS-EXT-STS:power_state")
  printf '%s, task %s, power %s' "$s" "${t:-none}" "${p:-unknown}"
  case "$s" in
    ACTIVE) [ -z "$t" ] && { [ "$p" = "1" ] || [ "$p" = "Running" ]; } && return 0 ;;
    # A stopped instance moves only cold (Nova live-migrates running ones).
    SHUTOFF) [ "$MIGRATION_KIND" = "cold" ] || { printf ' (a stopped instance moves only by cold migration)'; return 2; }
             [ -z "$t" ] && { [ "$p" = "4" ] || [ "$p" = "Shutdown" ]; } && return 0 ;;
    # VERIFY_RESIZE: only ever seen here right after our confirm, which Nova
    # carries out asynchronously (the status flips a moment later).
    BUILD|MIGRATING|RESIZE|REBOOT|HARD_REBOOT|VERIFY_RESIZE) ;;
    *) return 2 ;;
  esac
  # power_state is 1 (RUNNING) / 4 (SHUTDOWN) in JSON output, "Running" / "Shutdown" in tables.
  return 1
}
wait_until "$name to settle before the migration" "$timeout_s" "$poll_s" settled
log "$name: $source_host → $TARGET_HOST ($MIGRATION_KIND)"

# --- pre-checks ----------------------------------------------------------
service=$(openstack compute service list --service nova-compute --host "$TARGET_HOST" -f json)
svc_status=$(printf '%s' "$service" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["Status"] if r else "")')
svc_state=$(printf '%s' "$service" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["State"] if r else "")')
[ -n "$svc_status" ] || die "target $TARGET_HOST has no nova-compute service; nothing moved"
if [ "$svc_status" != "enabled" ] || [ "$svc_state" != "up" ]; then
  die "target $TARGET_HOST nova-compute is $svc_status/$svc_state (must be enabled/up); nothing moved"
fi

flavor_id=$(printf '%s' "$json" | python3 -c 'import json,sys; f=json.load(sys.stdin)["flavor"]; print(f.get("id") or f.get("original_name") or "") if isinstance(f, dict) else print(f.split(" (")[0])')
flavor=$(openstack flavor show "$flavor_id" -f json)
read -r need_vcpu need_ram need_disk < <(printf '%s' "$flavor" | python3 -c '
import json, math, sys
f = json.load(sys.stdin)
swap = int(f.get("swap") or 0)
print(f["vcpus"], f["ram"], f["disk"] + int(f.get("OS-FLV-EXT-DATA:ephemeral") or 0) + math.ceil(swap / 1024))
')
read -r free_vcpu free_ram free_disk < <(host_capacity "$TARGET_HOST")
log "target $TARGET_HOST free: ${free_vcpu} VCPU, ${free_ram} MB RAM, ${free_disk} GB disk; flavor needs ${need_vcpu} VCPU, ${need_ram} MB, ${need_disk} GB"
if [ "$free_vcpu" -lt "$need_vcpu" ] || [ "$free_ram" -lt "$need_ram" ] || [ "$free_disk" -lt "$need_disk" ]; then
  die "target $TARGET_HOST lacks room for $name (free ${free_vcpu} VCPU / ${free_ram} MB / ${free_disk} GB, needs ${need_vcpu} / ${need_ram} / ${need_disk}); nothing moved"
fi

# --- migrate ---------------------------------------------------------------
revert_and_die() {
  if [ "$(openstack server show "$INSTANCE_ID" -f value -c status)" = "VERIFY_RESIZE" ]; then
    openstack server resize revert "$INSTANCE_ID" || true
    log "reverted the migration of $name"
  fi
  die "$*"
}

case "$MIGRATION_KIND" in
  cold)
    openstack --os-compute-api-version 2.56 server migrate --host "$TARGET_HOST" "$INSTANCE_ID"
    wait_until "$name cold migration" "$timeout_s" "$poll_s" status_is VERIFY_RESIZE
    [ "$(server_field "OS-EXT-SRV-ATTR:host")" = "$TARGET_HOST" ] \
      || revert_and_die "$name landed on $(server_field "OS-EXT-SRV-ATTR:host"), not $TARGET_HOST"
    openstack server resize confirm "$INSTANCE_ID"
    wait_until "$name confirm" "$timeout_s" "$poll_s" settled
    ;;
  live|block-live)
    block=(); [ "$MIGRATION_KIND" = "block-live" ] && block=(--block-migration)
    openstack --os-compute-api-version 2.30 server migrate --live-migration "${block[@]}" --host "$TARGET_HOST" "$INSTANCE_ID"
    on_target() { local h s; h=$(server_field "OS-EXT-SRV-ATTR:host"); s=$(server_field status); printf '%s on %s' "$s" "$h"
      [ "$s" = ACTIVE ] && [ "$h" = "$TARGET_HOST" ] && return 0; [ "$s" = ERROR ] && return 2; return 1; }
    wait_until "$name live migration" "$timeout_s" "$poll_s" on_target
    wait_until "$name to settle after the live migration" "$timeout_s" "$poll_s" settled
    ;;
  *) die "MIGRATION_KIND \"$MIGRATION_KIND\" is not cold, live or block-live" ;;
esac

# --- verify ------------------------------------------------------------------
final_host=$(server_field "OS-EXT-SRV-ATTR:host")
[ "$final_host" = "$TARGET_HOST" ] || die "$name is on $final_host after the migration, not $TARGET_HOST"
record=$(openstack --os-compute-api-version 2.59 server migration list --server "$INSTANCE_ID" -f json \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); r=[m for m in r if m.get("Dest Compute")==sys.argv[1]]; print(r[0]["Status"] if r else "none")' "$TARGET_HOST")
case "$record" in confirmed|completed|finished) ;; *) die "$name: the migration record to $TARGET_HOST is \"$record\", not confirmed/completed" ;; esac
ports=$(openstack port list --device-id "$INSTANCE_ID" -f value -c ID)
for port in $ports; do
  fip=$(openstack floating ip list --port "$port" -f value -c "Floating IP Address")
  [ -n "$fip" ] && log "$name: floating IP $fip still on port $port (API check; no ping from here)"
done
log "$name: now on $TARGET_HOST, migration $record"
if [ -n "${FLOATING_IP:-}" ] && [ "${REACHABILITY_CHECK:-none}" != "none" ]; then
  bash "$here/check-reachability.sh"
fi
