# Free capacity of a compute host from Placement.
# shellcheck shell=bash

# host_capacity HOST: prints "VCPU MEMORY_MB DISK_GB" free on HOST's resource
# provider: total x allocation_ratio - reserved - used, per resource class
# (lib/placement.py, which the migration's pre-check uses too).
# (`hypervisor show` drops free_ram_mb/free_disk_gb from compute API 2.88 on;
# Placement is what the scheduler itself uses.)
host_capacity() {
  PYTHONDONTWRITEBYTECODE=1 "$(sdk_python)" "$(dirname "${BASH_SOURCE[0]}")/placement.py" free "$1"
}
