#!/usr/bin/env bash
# Scale-in, first step: moves every instance off a compute host that leaves
# the overcloud, after checking the remaining hosts have room for them all.
set -euo pipefail
SCRIPT_NAME="drain-compute"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"
. "$here/lib/placement.sh"

usage() {
  cat <<'USAGE'
Usage: drain-compute.sh [--help]

Run by the labcdk undercloud stack (local-exec) before `overcloud node
delete`: TripleO deletes a compute node with whatever runs on it.
  1. lists the instances on DRAIN_HOST (all projects) and their flavors;
  2. plans where each goes: the REMAINING_HOSTS whose nova-compute is enabled
     and up, by free capacity in Placement (VCPU, MEMORY_MB, DISK_GB), largest
     instance first. When they lack room it stops with the numbers, having
     changed nothing;
  3. disables DRAIN_HOST's nova-compute (nothing new is scheduled there);
  4. migrates each instance with migrate-instance.sh: running ones by
     MIGRATION_KIND, stopped ones cold (Nova live-migrates only running
     instances); an instance in any other state (ERROR, SUSPENDED, ...) is
     refused in step 2, before anything changes;
  5. verifies DRAIN_HOST runs no instance.
A re-run after a failure continues where it stopped; on an empty disabled
host it does nothing.

Environment (set by the stack):
  OS_CLOUD          overcloud entry of clouds.yaml (admin: all projects)
  DRAIN_HOST        compute host that leaves
  REMAINING_HOSTS   comma-separated compute hosts that stay
  MIGRATION_KIND    live | block-live | cold
  TIMEOUT_SECONDS   bound of each wait of each migration (default 900)
  POLL_SECONDS      poll interval (default 5)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD DRAIN_HOST REMAINING_HOSTS MIGRATION_KIND
export OS_CLOUD

# id name vcpus ram_mb disk_gb status, one line per instance on the host.
instances_on() {
  local id
  for id in $(openstack server list --all-projects --host "$1" -f value -c ID); do
    openstack --os-compute-api-version 2.47 server show "$id" -f json | python3 -c '
import json, math, sys
s = json.load(sys.stdin)
f = s["flavor"]
disk = f.get("disk", 0) + f.get("ephemeral", 0) + math.ceil(f.get("swap", 0) / 1024)
print(s["id"], s["name"], f["vcpus"], f["ram"], disk, s["status"])'
  done
}

services=$(openstack compute service list --service nova-compute -f json)
service_field() { # service_field HOST FIELD
  SERVICES="$services" python3 -c '
import json, os, sys
rows = [r for r in json.loads(os.environ["SERVICES"]) if r["Host"] == sys.argv[1]]
print(rows[0][sys.argv[2]] if rows else "")' "$1" "$2"
}
drain_status=$(service_field "$DRAIN_HOST" Status)
[ -n "$drain_status" ] || die "DRAIN_HOST $DRAIN_HOST has no nova-compute service in $OS_CLOUD"

instances=$(instances_on "$DRAIN_HOST")
if [ -z "$instances" ] && [ "$drain_status" = "disabled" ]; then
  log "$DRAIN_HOST is disabled and runs no instance; already drained"
  exit 0
fi
count=$(printf '%s' "$instances" | grep -c . || true)
log "$DRAIN_HOST runs $count instance(s)"
# Nova moves running instances (live or cold) and stopped ones (cold only); an
# instance in any other state (ERROR, SUSPENDED, SHELVED, RESCUE, ...) cannot
# be moved as it is: say which, before anything changes.
unmovable=$(printf '%s\n' "$instances" | awk 'NF && $6 != "ACTIVE" && $6 != "SHUTOFF" { printf "%s%s (%s)", sep, $2, $6; sep = ", " }')
[ -z "$unmovable" ] || die "refusing to drain $DRAIN_HOST: Nova cannot migrate $unmovable; fix, stop or delete them first. Nothing was changed"

# Free capacity of every remaining host that can take instances.
capacity=""
IFS=, read -r -a remaining <<<"$REMAINING_HOSTS"
for host in "${remaining[@]}"; do
  status=$(service_field "$host" Status); state=$(service_field "$host" State)
  if [ "$status" != "enabled" ] || [ "$state" != "up" ]; then
    log "remaining host $host is ${status:-unknown}/${state:-unknown}: it takes no instance"
    continue
  fi
  free=$(host_capacity "$host") || die "cannot read the free capacity of $host from Placement"
  capacity+="$host $free"$'\n'
done

plan=""
if [ -n "$instances" ]; then
  plan=$(INSTANCES="$instances" CAPACITY="$capacity" python3 -c '
import os, sys
hosts = [l.split() for l in os.environ["CAPACITY"].splitlines() if l.strip()]
free = {h[0]: [int(x) for x in h[1:4]] for h in hosts}
order = [h[0] for h in hosts]
rows = [l.split() for l in os.environ["INSTANCES"].splitlines() if l.strip()]
need = [sum(int(r[i]) for r in rows) for i in (2, 3, 4)]
have = [sum(free[h][i] for h in order) for i in range(3)]
lines, misfits = [], []
# Largest memory first; each to the host with the most free memory that fits.
for r in sorted(rows, key=lambda r: (-int(r[3]), -int(r[2]), r[1])):
    want = [int(r[2]), int(r[3]), int(r[4])]
    fits = [h for h in order if all(free[h][i] >= want[i] for i in range(3))]
    if not fits:
        misfits.append("%s (%d VCPU, %d MB, %d GB)" % (r[1], *want))
        continue
    target = max(fits, key=lambda h: (free[h][1], -order.index(h)))
    free[target] = [free[target][i] - want[i] for i in range(3)]
    lines.append("%s %s %s %s" % (r[0], r[1], target, r[5]))
if misfits:
    sys.stderr.write(
        "the remaining hosts lack room: the %d instance(s) need %d VCPU, %d MB RAM, %d GB disk; "
        "free on %s: %d VCPU, %d MB RAM, %d GB disk; nowhere to put %s\n"
        % (len(rows), *need, ", ".join(order) or "no usable host", *have, ", ".join(misfits)))
    sys.exit(1)
print("\n".join(lines))
') || die "refusing to drain $DRAIN_HOST; nothing was changed (free capacity, or lower the load, then apply again)"
fi

if [ "$drain_status" != "disabled" ]; then
  openstack compute service set --disable --disable-reason "labcdk: drained before overcloud node delete" "$DRAIN_HOST" nova-compute
  log "disabled nova-compute on $DRAIN_HOST: nothing new is scheduled there"
fi

while read -r id name target status; do
  [ -n "$id" ] || continue
  kind="$MIGRATION_KIND"
  [ "$status" = "SHUTOFF" ] && kind=cold   # a stopped instance moves only cold
  log "moving $name ($status) to $target ($kind)"
  INSTANCE_ID="$id" TARGET_HOST="$target" MIGRATION_KIND="$kind" bash "$here/migrate-instance.sh" \
    || die "moving $name off $DRAIN_HOST failed; $DRAIN_HOST stays disabled; re-run the apply to continue"
done <<<"$plan"

left=$(openstack server list --all-projects --host "$DRAIN_HOST" -f value -c Name | tr '\n' ' ')
[ -z "${left// /}" ] || die "$DRAIN_HOST still runs: $left"
log "$DRAIN_HOST drained: no instance left, nova-compute disabled"
