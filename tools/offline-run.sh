#!/usr/bin/env bash
# Runs a command with no way out of the machine: in a fresh network namespace
# that has only a loopback interface, with chosen loopback TCP ports bridged in.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/offline-run.sh [--port PORT]... [--clouds FILE] [--] COMMAND [ARG]...

Runs COMMAND in a new network namespace (`unshare -rn`, no root needed) that
has only its own loopback interface and no route anywhere else: anything that
tries to reach the outside (a registry, a DNS resolver, a telemetry endpoint)
fails at once instead of sending a packet. That makes a run safe and proves it
offline.

Services listening on the machine's 127.0.0.1 stay reachable through bridges:
for each PORT, 127.0.0.1:PORT inside the namespace is connected through a unix
socket (socat) to 127.0.0.1:PORT of the machine.

  --port PORT     bridge this TCP port (repeatable)
  --clouds FILE   bridge every loopback port of the clouds of this clouds.yaml:
                  each auth_url and each endpoint of each cloud's service
                  catalog (asks the clouds with `openstack catalog list`, from
                  this namespace; endpoints that are not on the loopback are
                  named and left unreachable)

Environment:
  OFFLINE_RUN_TIMEOUT   seconds COMMAND may take (default 1800); then it is
                        stopped (TERM, KILL 10 s later)

Exit status: COMMAND's; 124 when it ran over the timeout; 125 when the
namespace or the bridges could not be set up. The bridges (socat processes)
are stopped and their sockets removed on every exit.
Needs: unshare (util-linux), ip (iproute2), socat.
USAGE
}

say() { echo "offline-run: $*" >&2; }
fail() { say "$*"; exit 125; }

ports=()
clouds=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --port)
      if [ $# -lt 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then usage >&2; exit 2; fi
      ports+=("$2"); shift 2 ;;
    --clouds) [ $# -ge 2 ] || { usage >&2; exit 2; }; clouds="$2"; shift 2 ;;
    --) shift; break ;;
    -*) usage >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { usage >&2; exit 2; }
timeout_seconds="${OFFLINE_RUN_TIMEOUT:-1800}"

for tool in unshare ip socat timeout; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
unshare -rn true 2>/dev/null || fail "cannot create a network namespace (unshare -rn): user namespaces are disabled here"

# URLs of a clouds.yaml (auth_url) and of its clouds' service catalogs, one a line.
cloud_urls() {
  local file="$1" cloud
  grep -oE 'https?://[^/[:space:]"'\'']+' "$file" || true
  for cloud in $(/usr/bin/python3 -c 'import sys, yaml; print("\n".join(yaml.safe_load(open(sys.argv[1]))["clouds"]))' "$file"); do
    OS_CLIENT_CONFIG_FILE="$file" timeout 60 openstack --os-cloud "$cloud" catalog list -f json \
      | grep -oE 'https?://[^/[:space:]"\\]+' || fail "could not read the service catalog of cloud $cloud in $file"
  done
}
if [ -n "$clouds" ]; then
  [ -r "$clouds" ] || fail "$clouds cannot be read"
  while read -r url; do
    hostport="${url#*://}"; host="${hostport%:*}"; port="${hostport##*:}"
    [ "$port" = "$hostport" ] && { case "$url" in https*) port=443 ;; *) port=80 ;; esac; }
    case "$host" in
      127.0.0.1|localhost) ports+=("$port") ;;
      *) say "$url is not on the loopback: unreachable inside" ;;
    esac
  done < <(cloud_urls "$clouds" | sort -u)
fi
if [ ${#ports[@]} -gt 0 ]; then
  mapfile -t ports < <(printf '%s\n' "${ports[@]}" | sort -un)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/offline-run.XXXXXX")"
bridge_pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  local pid
  for pid in "${bridge_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bridge_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# Machine side: unix socket → 127.0.0.1:PORT.
for port in "${ports[@]}"; do
  socat "UNIX-LISTEN:$dir/$port.sock,fork" "TCP:127.0.0.1:$port" &
  bridge_pids+=("$!")
done
for port in "${ports[@]}"; do
  for _ in $(seq 50); do [ -S "$dir/$port.sock" ] && break; sleep 0.2; done
  [ -S "$dir/$port.sock" ] || fail "the bridge for port $port did not come up within 10 s"
done
[ ${#ports[@]} -eq 0 ] || say "bridged into the namespace: 127.0.0.1:{${ports[*]}}"

# Namespace side: 127.0.0.1:PORT → unix socket; then COMMAND.
inner="$(cat <<'INNER'
set -uo pipefail
ip link set lo up || exit 125
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT
for port in $OFFLINE_RUN_PORTS; do
  socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$OFFLINE_RUN_DIR/$port.sock" &
  pids+=("$!")
done
for port in $OFFLINE_RUN_PORTS; do
  for _ in $(seq 50); do [ -n "$(ss -Hltn "sport = :$port")" ] && break; sleep 0.2; done
  [ -n "$(ss -Hltn "sport = :$port")" ] || { echo "offline-run: port $port is not listening inside after 10 s" >&2; exit 125; }
done
"$@"
INNER
)"
rc=0
OFFLINE_RUN_DIR="$dir" OFFLINE_RUN_PORTS="${ports[*]}" \
  timeout --kill-after=10 "$timeout_seconds" unshare -rn bash -c "$inner" offline-run "$@" || rc=$?
[ "$rc" -ne 124 ] || say "$1 ran over ${timeout_seconds} s (OFFLINE_RUN_TIMEOUT) and was stopped"
exit "$rc"
