# Shared settings and helpers for the testbed commands (sourced, not run).
# shellcheck shell=bash
# shellcheck disable=SC2034  # settings used by the scripts that source this

TESTBED_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${LABCDK_TESTBED_DIR:-$HOME/.cache/labcdk/testbed}
ETC=$STATE/etc          # rendered configs
RUN=$STATE/run          # pid files, start stamps
LOG=$STATE/log          # one log per process
BIN=$STATE/bin          # generated launchers and wsgi files
DATA=$STATE/data        # databases, images, fernet keys
PY=/usr/bin/python3     # never the pyenv one

# Fixed loopback ports (see README).
HOST=127.0.0.1
PORT_KEYSTONE=15000
PORT_GLANCE=15292
PORT_PLACEMENT=15778
PORT_NOVA=15774
PORT_NEUTRON=15696
PORT_IRONIC=15385
PORT_IRONIC_RPC=15389   # JSON-RPC of both conductors (one port, two addresses)
PORT_IRONIC_HTTP=15380  # [deploy] http_url: written into iPXE configs only, nothing listens
PORT_INSPECTOR=15050    # ironic-inspector (API, and /v1/continue for the ramdisk stand-in)
PORT_MYSQL=15306
PORT_AMQP=15562
PORT_RABBIT_DIST=15563
PORT_EPMD=15369

DB_USER=labcdk
DB_PASS=labcdk-db
ADMIN_PASS=labcdk-admin
SERVICE_PASS=labcdk-service
# The ramdisk stand-in: seconds from the ramdisk "booting" (inspector waiting)
# to its report; tests tell it about single nodes through $RAMDISK_CONTROL.
RAMDISK_DELAY_SECONDS=${LABCDK_RAMDISK_DELAY_SECONDS:-2}
RAMDISK_CONTROL=$STATE/ramdisk
MYSQL_SOCK=$STATE/run/mysqld.sock

# The fake compute hosts. compute-0 and compute-1 are shared by most
# integration tests; compute-2 is for the scale-in test alone (it drains and
# disables its host, so no other test may schedule there); compute-3 and
# compute-4 are the migration fault tests' alone (they stop compute-4's
# nova-compute in the middle of a migration).
COMPUTES=(compute-0 compute-1 compute-2 compute-3 compute-4)

# Ironic conductors. Zed's JSON-RPC client reaches a conductor at
# http://<its host name>:[json_rpc]port, the same port for all, so each
# conductor is named by (and listens on) its own loopback address.
# `ironic` (API + conductor, default group) and `ironic-rack2` (conductor
# only, group labcdk-rack2).
IRONIC_HOST=127.0.0.1
IRONIC_RACK2_HOST=127.0.0.2
IRONIC_RACK2_GROUP=labcdk-rack2

# Processes in start order; `down` stops them in reverse.
SERVICES=(mariadb epmd rabbitmq keystone glance placement neutron
          nova-api nova-conductor nova-scheduler "${COMPUTES[@]/#/nova-}" ironic ironic-rack2
          ironic-inspector ramdisk)

# Every process gets this clean environment: no pyenv, no proxies, and a
# marker that lets `down` find anything we started.
clean_env() { env -i "${CLEAN_ENV[@]}" "$@"; }
CLEAN_ENV=(HOME="$DATA/home" PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
  LANG=C.UTF-8 LC_ALL=C.UTF-8 LABCDK_TESTBED="$STATE" PYTHONPATH="$STATE/python")

say() { printf 'testbed: %s\n' "$*"; }
die() { printf 'testbed: ERROR: %s\n' "$*" >&2; exit 1; }

pidfile() { echo "$RUN/$1.pid"; }

# is_running NAME: the recorded process (group leader) is alive.
is_running() {
  local f; f=$(pidfile "$1")
  [[ -s $f ]] || return 1
  local pid; pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && [[ $(ps -o pgid= -p "$pid" | tr -d ' ') == "$pid" ]]
}

# start_bg NAME CMD...: run CMD in its own session (process group = pid),
# in the clean environment, output to $LOG/NAME.log, pid in $RUN/NAME.pid.
start_bg() {
  local name=$1 pid; shift
  if is_running "$name"; then return 0; fi
  date -u +%s >"$RUN/$name.started"
  # exec: $! is the process itself; setsid makes it a group leader (pgid=pid)
  # so `down` can signal the whole group (workers, erlang helpers...).
  ( exec env -i "${CLEAN_ENV[@]}" setsid "$@" ) </dev/null >>"$LOG/$name.log" 2>&1 &
  pid=$!
  echo "$pid" >"$(pidfile "$name")"
}

# wait_for DESC TIMEOUT CMD...: poll CMD every 2 s, progress line every 10 s.
wait_for() {
  local desc=$1 timeout=$2 t0=$SECONDS next=10; shift 2
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - t0 >= timeout )); then
      say "timed out after ${timeout}s waiting for $desc"; return 1
    fi
    if (( SECONDS - t0 >= next )); then
      say "  ... still waiting for $desc ($((SECONDS - t0))s)"; next=$((next + 10))
    fi
    sleep 2
  done
}

http_ok() { # any HTTP answer below 500 counts as "answering"
  local code; code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1") || return 1
  [[ $code =~ ^[1234] ]]
}

api_url() {
  case $1 in
    keystone) echo "http://$HOST:$PORT_KEYSTONE/v3" ;;
    glance) echo "http://$HOST:$PORT_GLANCE/" ;;
    placement) echo "http://$HOST:$PORT_PLACEMENT/" ;;
    neutron) echo "http://$HOST:$PORT_NEUTRON/" ;;
    nova-api) echo "http://$HOST:$PORT_NOVA/" ;;
    ironic) echo "http://$HOST:$PORT_IRONIC/" ;;
    ironic-inspector) echo "http://$HOST:$PORT_INSPECTOR/" ;;
  esac
}

mysql_cli() { mariadb --no-defaults --socket="$MYSQL_SOCK" -uroot "$@"; }

osc() { # openstack CLI against the bed, clean env
  clean_env OS_CLIENT_CONFIG_FILE="$STATE/clouds.yaml" OS_CLOUD="${OS_CLOUD:-overcloud}" \
    "${OPENSTACK:-/usr/bin/openstack}" "$@"
}
