# Shared helpers for the step scripts. Source it; it defines functions only.
# shellcheck shell=bash

# log MESSAGE...: one progress line, prefixed with the script name and time.
log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "${SCRIPT_NAME:-labcdk}" "$*"; }

# die MESSAGE...: the reason, on stderr, then exit 1.
die() { printf '%s [%s] error: %s\n' "$(date -u +%H:%M:%S)" "${SCRIPT_NAME:-labcdk}" "$*" >&2; exit 1; }

# require_env NAME...: every variable is set (it may be empty only if listed after --optional).
require_env() {
  local name missing=()
  for name in "$@"; do
    [ -n "${!name+x}" ] || missing+=("$name")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing environment variable(s): ${missing[*]} (these scripts are run by the labcdk stacks; see --help)"
}

# openstack_cli ARGS...: one `openstack` CLI call, bounded in time: stopped
# (TERM, then KILL 10 s later) after LABCDK_OPENSTACK_CALL_SECONDS (default
# 60, like the Python steps' API_TIMEOUT), exit 124.
# For the short calls (show, list); the long ones (overcloud deploy, node
# delete) have run_bounded (lib/overcloud.sh) and the step's own limit.
openstack_cli() {
  timeout --kill-after=10 "${LABCDK_OPENSTACK_CALL_SECONDS:-60}" openstack "$@"
}

# wait_until DESCRIPTION TIMEOUT_SECONDS POLL_SECONDS COMMAND...: runs COMMAND
# every POLL_SECONDS and prints what it printed as a progress line. COMMAND
# exits 0 when the wait is over, 1 to keep waiting, anything else when the
# wait can never succeed (stop at once). Fails after TIMEOUT_SECONDS.
wait_until() {
  local description="$1" timeout="$2" poll="$3"
  shift 3
  local started now output status
  started=$(date +%s)
  while true; do
    status=0
    output=$("$@" 2>&1) || status=$?
    now=$(date +%s)
    case "$status" in
      0) log "$description: done after $((now - started))s (${output:-ok})"; return 0 ;;
      1) ;;
      *) die "$description: failed after $((now - started))s: ${output:-no detail}" ;;
    esac
    if [ $((now - started)) -ge "$timeout" ]; then
      die "$description: gave up after ${timeout}s (last: ${output:-nothing})"
    fi
    log "$description: waiting, $((now - started))s of ${timeout}s (${output:-no answer})"
    sleep "$poll"
  done
}

# sdk_python: a Python that has openstacksdk (LABCDK_PYTHON, else python3 on
# PATH, else the system's /usr/bin/python3 — pyenv's python3 often lacks it).
sdk_python() {
  local candidate
  for candidate in "${LABCDK_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$candidate" ] || continue
    # module_probe.py looks without importing (an import costs ~0.5 s of CPU per step).
    if PYTHONDONTWRITEBYTECODE=1 "$candidate" "$(dirname "${BASH_SOURCE[0]}")/module_probe.py" openstack 2>/dev/null; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  die "no Python with openstacksdk found (install python3-openstacksdk, or set LABCDK_PYTHON)"
}
