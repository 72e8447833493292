#!/usr/bin/env bash
# Checks that an instance answers on its floating IP: ping with retries, or,
# where ICMP cannot reach it, what the API can prove. Says which check ran.
set -euo pipefail
SCRIPT_NAME="check-reachability"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: check-reachability.sh [--help]

Run by the labcdk overcloud stack (local-exec) after the floating IP is
associated (the runbook's `ping -c 3 <floating IP>`).

Modes (REACHABILITY_CHECK):
  ping   ICMP echo to the floating IP, retried until the timeout. Use it where
         the machine that applies can reach the lab's public network.
  api    no packet to the instance: the floating IP is bound to the instance's
         port and the instance is ACTIVE (what a cloud without a data plane,
         such as the local test bed, can prove).

Environment (set by the stack):
  OS_CLOUD            overcloud entry of clouds.yaml
  INSTANCE_ID         server UUID
  FLOATING_IP         the address
  REACHABILITY_CHECK  ping | api
  TIMEOUT_SECONDS     bound of the wait (default 120)
  POLL_SECONDS        interval between tries (default 5)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac
require_env OS_CLOUD INSTANCE_ID FLOATING_IP REACHABILITY_CHECK
export OS_CLOUD
timeout_s="${TIMEOUT_SECONDS:-120}"
poll_s="${POLL_SECONDS:-5}"

case "$REACHABILITY_CHECK" in
  ping)
    command -v ping >/dev/null || die "ping is not installed on this machine (install iputils-ping, or use the api check)"
    answers() {
      if ping -c 3 -W 2 "$FLOATING_IP" >/dev/null 2>&1; then echo "echo replies"; else echo "no reply"; return 1; fi
    }
    wait_until "ping $FLOATING_IP" "$timeout_s" "$poll_s" answers
    log "check ran: ICMP ping; $FLOATING_IP answers"
    ;;
  api)
    bound() {
      local port_ids fip_port status
      port_ids=$(openstack_cli port list --device-id "$INSTANCE_ID" -f value -c ID)
      fip_port=$(openstack_cli floating ip list --floating-ip-address "$FLOATING_IP" -f value -c Port)
      status=$(openstack_cli server show "$INSTANCE_ID" -f value -c status)
      printf 'floating IP on port %s, instance %s' "${fip_port:-none}" "$status"
      [ "$status" = "ERROR" ] && return 2
      [ -n "$fip_port" ] && grep -qx "$fip_port" <<<"$port_ids" && [ "$status" = "ACTIVE" ]
    }
    wait_until "floating IP $FLOATING_IP bound to the instance" "$timeout_s" "$poll_s" bound
    log "check ran: API only (floating IP bound to the instance's port, instance ACTIVE); no ICMP was sent"
    ;;
  *) die "REACHABILITY_CHECK \"$REACHABILITY_CHECK\" is not ping or api" ;;
esac
