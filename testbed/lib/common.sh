# Shared settings and helpers for the testbed commands (sourced, not run).
# shellcheck shell=bash
# shellcheck disable=SC2034  # settings used by the scripts that source this

say() { printf 'testbed: %s\n' "$*"; }
die() { printf 'testbed: ERROR: %s\n' "$*" >&2; exit 1; }

TESTBED_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The OpenStack release (--release, parsed by lib/args.sh; else
# $LABCDK_TESTBED_RELEASE; else zed). Everything that differs by release is
# set here: the Debian suite, the ports, the state dir and, for a release
# that is not the host's own Debian, the Debian root its programs run in.
#   zed    Debian 12 (bookworm), 2022.2: the host's packages, ports 15xxx
#   epoxy  Debian 13 (trixie), 2025.1: a debootstrapped root (chroot), ports 16xxx
TESTBED_RELEASE=${TESTBED_RELEASE:-${LABCDK_TESTBED_RELEASE:-zed}}
case $TESTBED_RELEASE in
  zed) PORT_BASE=15000; STATE_NAME=testbed; DEBIAN_SUITE=bookworm ;;
  epoxy) PORT_BASE=16000; STATE_NAME=testbed-epoxy; DEBIAN_SUITE=trixie ;;
  *) die "unknown release '$TESTBED_RELEASE' (zed or epoxy)" ;;
esac
STATE=${LABCDK_TESTBED_DIR:-$HOME/.cache/labcdk/$STATE_NAME}
ETC=$STATE/etc          # rendered configs
RUN=$STATE/run          # pid files, start stamps
LOG=$STATE/log          # one log per process
BIN=$STATE/bin          # generated launchers and wsgi files
DATA=$STATE/data        # databases, images, fernet keys
PY=/usr/bin/python3     # never the pyenv one (inside ROOT for epoxy)

# The Debian root of a release the host does not run (empty: the host's own
# packages). Built once with debootstrap (lib/install.sh), kept across
# `reset`, shared by every state dir of the release. IN_ROOT prefixes a
# command to run it there: chrooted, in a mount namespace of its own where
# the state dir and testbed/ are at the same paths as on the host.
ROOTS=${LABCDK_TESTBED_ROOTS:-$HOME/.cache/labcdk/testbed-roots}
ROOT=""; IN_ROOT=()
if [[ $TESTBED_RELEASE != zed ]]; then
  ROOT=$ROOTS/$DEBIAN_SUITE
  IN_ROOT=("$TESTBED_SRC/lib/inroot.sh" "$ROOT" --bind "$STATE" --bind "$TESTBED_SRC")
fi

# Fixed loopback ports (see README): PORT_BASE plus the service's usual port
# modulo 1000 (zed: 15000 + ..., epoxy: 16000 + ...), so both beds can run at once.
HOST=127.0.0.1
PORT_KEYSTONE=$((PORT_BASE + 0))
PORT_GLANCE=$((PORT_BASE + 292))
PORT_PLACEMENT=$((PORT_BASE + 778))
PORT_NOVA=$((PORT_BASE + 774))
PORT_NEUTRON=$((PORT_BASE + 696))
PORT_IRONIC=$((PORT_BASE + 385))
PORT_IRONIC_RPC=$((PORT_BASE + 389))   # JSON-RPC of both conductors (one port, two addresses)
PORT_IRONIC_HTTP=$((PORT_BASE + 380))  # [deploy] http_url: written into iPXE configs only, nothing listens
PORT_INSPECTOR=$((PORT_BASE + 50))     # ironic-inspector (API, and /v1/continue for the ramdisk stand-in)
PORT_MYSQL=$((PORT_BASE + 306))
PORT_AMQP=$((PORT_BASE + 562))
PORT_RABBIT_DIST=$((PORT_BASE + 563))
PORT_EPMD=$((PORT_BASE + 369))

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
# nova-compute in the middle of a migration); compute-5 is the overcloud
# test's refused target alone (it disables it and fills its memory).
COMPUTES=(compute-0 compute-1 compute-2 compute-3 compute-4 compute-5)

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
# (Inside the release's root, if it has one.)
# CMD may start with VAR=VALUE assignments, as for env(1).
clean_env() {
  if [[ -n $ROOT ]]; then env -i "${CLEAN_ENV[@]}" "${IN_ROOT[@]}" /usr/bin/env "$@"
  else env -i "${CLEAN_ENV[@]}" "$@"; fi
}
CLEAN_ENV=(HOME="$DATA/home" PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
  LANG=C.UTF-8 LC_ALL=C.UTF-8 LABCDK_TESTBED="$STATE" PYTHONPATH="$STATE/python")

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
  ( exec env -i "${CLEAN_ENV[@]}" setsid "${IN_ROOT[@]}" "$@" ) </dev/null >>"$LOG/$name.log" 2>&1 &
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

mysql_cli() { "${IN_ROOT[@]}" mariadb --no-defaults --socket="$MYSQL_SOCK" -uroot "$@"; }

osc() { # openstack CLI against the bed, clean env
  clean_env OS_CLIENT_CONFIG_FILE="$STATE/clouds.yaml" OS_CLOUD="${OS_CLOUD:-overcloud}" \
    "${OPENSTACK:-/usr/bin/openstack}" "$@"
}
