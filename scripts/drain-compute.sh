#!/usr/bin/env bash
# Scale-in, first step: moves every instance off a compute host that leaves
# the overcloud, after checking the remaining hosts have room for them all.
set -euo pipefail
SCRIPT_NAME="drain-compute"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: drain-compute.sh [--help]

Run by the labcdk undercloud stack (local-exec) before `overcloud node
delete`: TripleO deletes a compute node with whatever runs on it. The work is
in lib/nova_drain.py:
  1. lists the instances on DRAIN_HOST (all projects) and their flavors;
  2. plans where each goes: the REMAINING_HOSTS whose nova-compute is enabled
     and up, by free capacity in Placement (VCPU, MEMORY_MB, DISK_GB), largest
     instance first. When they lack room it stops with the numbers, having
     changed nothing; an instance Nova cannot move (ERROR, SUSPENDED, ...)
     is refused here too, before anything changes;
  3. disables DRAIN_HOST's nova-compute (nothing new is scheduled there);
  4. moves each instance as migrate-instance.sh does (lib/nova_migrate.py):
     running ones by MIGRATION_KIND, stopped ones cold (Nova live-migrates only
     running instances);
  5. verifies DRAIN_HOST runs no instance.
A re-run after a failure or a kill continues where it stopped: a move still
under way off DRAIN_HOST is waited for, one left in VERIFY_RESIZE on a
remaining host is confirmed there, and only what is still on DRAIN_HOST is
moved; the host stays disabled. On an empty disabled host it does nothing.

Environment (set by the stack):
  OS_CLOUD          overcloud entry of clouds.yaml (admin: all projects)
  DRAIN_HOST        compute host that leaves
  REMAINING_HOSTS   comma-separated compute hosts that stay
  MIGRATION_KIND    live | block-live | cold
  TIMEOUT_SECONDS   bound of each instance's move (default 900); each request 60 s
  POLL_SECONDS      poll interval (default 5)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD DRAIN_HOST REMAINING_HOSTS MIGRATION_KIND
python=$(sdk_python)
# No __pycache__ next to the scripts: they are a cdktf asset, hashed into the synthesized stack.
PYTHONDONTWRITEBYTECODE=1 exec "$python" "$here/lib/nova_drain.py"
