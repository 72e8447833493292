# Free capacity of a compute host from Placement.
# shellcheck shell=bash

# host_capacity HOST: prints "VCPU MEMORY_MB DISK_GB" free on HOST's resource
# provider: total × allocation_ratio − reserved − used, per resource class.
# (`hypervisor show` drops free_ram_mb/free_disk_gb from compute API 2.88 on;
# Placement is what the scheduler itself uses.)
host_capacity() {
  local host="$1" provider inventory usage
  provider=$(openstack resource provider list --name "$host" -f value -c uuid)
  [ -n "$provider" ] || { echo "no resource provider named \"$host\" in Placement" >&2; return 1; }
  inventory=$(openstack resource provider inventory list "$provider" -f json)
  usage=$(openstack resource provider usage show "$provider" -f json)
  INVENTORY="$inventory" USAGE="$usage" python3 -c '
import json, math, os
inventory = {row["resource_class"]: row for row in json.loads(os.environ["INVENTORY"])}
used = {row["resource_class"]: row["usage"] for row in json.loads(os.environ["USAGE"])}
free = []
for rc in ("VCPU", "MEMORY_MB", "DISK_GB"):
    row = inventory.get(rc)
    if row is None:
        free.append(0)
        continue
    capacity = math.floor(row["total"] * float(row["allocation_ratio"])) - row["reserved"]
    free.append(capacity - used.get(rc, 0))
print(*free)
'
}
