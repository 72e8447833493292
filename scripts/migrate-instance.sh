#!/usr/bin/env bash
# Moves an instance to its target compute host (cold, live or block-live),
# after checking the target is up and has room; confirms and verifies.
set -euo pipefail
SCRIPT_NAME="migrate-instance"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: migrate-instance.sh [--help]

Run by the labcdk overcloud stack (local-exec). Declarative: the instance
should live on TARGET_HOST (lib/nova_migrate.py does the work). Each round it
reads the instance and acts on what it finds, so an interrupted run is taken
on by the next:
  - settled on TARGET_HOST: nothing to do;
  - VERIFY_RESIZE on TARGET_HOST (an interrupted run): confirm;
  - VERIFY_RESIZE on another host: revert it, then migrate;
  - a move in flight (MIGRATING, RESIZE, a task): wait for it, bounded; no
    second migration is started;
  - ERROR, or a state Nova cannot move: stop, naming state, host and fault;
  - settled elsewhere: pre-checks before touching the instance (the target's
    nova-compute is enabled and up; it has room for the flavor in Placement:
    VCPU, MEMORY_MB, DISK_GB), then migrate (cold: API 2.56 with a host; live /
    block-live: 2.30), wait, confirm (cold).
A migration Nova fails (its record ends error/failed/cancelled) stops the run
with the instance's state and host. Then: verify the migration record and the
floating IP (on TARGET_HOST, ACTIVE; a stopped instance moves only cold and
stays SHUTOFF). Any failure exits 1 with what to do (3 when the cloud is not
configured in clouds.yaml or cannot be reached); re-running the apply
converges once the cause is gone.

Environment (set by the stack):
  OS_CLOUD           overcloud entry of clouds.yaml
  INSTANCE_ID        server UUID
  TARGET_HOST        compute host to live on
  MIGRATION_KIND     cold | live | block-live
  TIMEOUT_SECONDS    bound of the whole move, waits included (default 900);
                     each request is bounded to 60 s
  POLL_SECONDS       poll interval (default 5)
  FLOATING_IP, REACHABILITY_CHECK   optional: after the move, run
                     check-reachability.sh (ping | api | none)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD INSTANCE_ID TARGET_HOST MIGRATION_KIND
python=$(sdk_python)
# No __pycache__ next to the scripts: they are a cdktf asset, hashed into the synthesized stack.
PYTHONDONTWRITEBYTECODE=1 "$python" "$here/lib/nova_migrate.py"
if [ -n "${FLOATING_IP:-}" ] && [ "${REACHABILITY_CHECK:-none}" != "none" ]; then
  bash "$here/check-reachability.sh"
fi
