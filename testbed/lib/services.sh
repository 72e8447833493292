# How each testbed process is started and checked (sourced).
# shellcheck shell=bash

rabbit_env() { # environment of the rabbitmq server and its CLI tools
  RABBIT_ENV=(RABBITMQ_CONFIG_FILE="$ETC/rabbitmq/rabbitmq.conf"
    RABBITMQ_CONF_ENV_FILE="$ETC/rabbitmq/rabbitmq-env.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$DATA/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$LOG/rabbitmq"
    RABBITMQ_PID_FILE="$RUN/rabbitmq.beam.pid" RABBITMQ_NODENAME=labcdk@localhost
    RABBITMQ_NODE_IP_ADDRESS="$HOST" RABBITMQ_NODE_PORT="$PORT_AMQP"
    RABBITMQ_DIST_PORT="$PORT_RABBIT_DIST" ERL_EPMD_ADDRESS="$HOST"
    ERL_EPMD_PORT="$PORT_EPMD")
}

start_uwsgi() { # start_uwsgi NAME PORT WSGI_FILE ENV=VALUE [PROCESSES]
  start_bg "$1" /usr/bin/uwsgi-core --plugin python3 --http-socket "$HOST:$2" \
    --wsgi-file "$BIN/$3" --env "$4" --master --die-on-term --lazy-apps \
    --processes "${5:-2}" --threads 1 --buffer-size 65535 --add-header "Connection: close" \
    --need-app --disable-logging
}

NOVA_CTL_CONF=(--config-file "$ETC/nova/nova.conf" --config-file "$ETC/nova/nova-controller.conf")

start_service() {
  local name=$1
  case $name in
    mariadb) start_bg mariadb /usr/sbin/mariadbd --defaults-file="$ETC/mariadb/my.cnf" --user="$(id -un)" ;;
    epmd) start_bg epmd /usr/bin/epmd -address "$HOST" -port "$PORT_EPMD" ;;
    rabbitmq) rabbit_env; start_bg rabbitmq env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server ;;
    # One process: Keystone's in-process cache (keystone.conf) is then never stale.
    keystone) start_uwsgi keystone "$PORT_KEYSTONE" keystone-wsgi-public.wsgi "OS_KEYSTONE_CONFIG_DIR=$ETC/keystone" 1 ;;
    placement) start_uwsgi placement "$PORT_PLACEMENT" placement-api.wsgi "OS_PLACEMENT_CONFIG_DIR=$ETC/placement" ;;
    glance) start_bg glance "$BIN/glance-api" --config-file "$ETC/glance/glance-api.conf" ;;
    neutron) start_bg neutron "$BIN/neutron-server" --config-file "$ETC/neutron/neutron.conf" \
               --config-file "$ETC/neutron/ml2_conf.ini" ;;
    nova-api) start_bg nova-api "$BIN/nova-api-os-compute" "${NOVA_CTL_CONF[@]}" ;;
    nova-conductor|nova-scheduler) start_bg "$name" "$BIN/$name" "${NOVA_CTL_CONF[@]}" ;;
    nova-compute-[0-9]) start_bg "$name" "$BIN/nova-compute" --config-file "$ETC/nova/nova.conf" \
               --config-file "$ETC/nova/$name.conf" ;;
    ironic) start_bg ironic "$BIN/ironic" --config-file "$ETC/ironic/ironic.conf" ;;
    ironic-rack2) start_bg ironic-rack2 "$BIN/ironic-conductor" --config-file "$ETC/ironic/ironic-rack2.conf" ;;
    ironic-inspector) start_bg ironic-inspector "$BIN/ironic-inspector" --config-file "$ETC/ironic-inspector/inspector.conf" ;;
    ramdisk) is_running ramdisk || echo "--- started" >>"$LOG/ramdisk.log"
             start_bg ramdisk "$PY" "$TESTBED_SRC/lib/ramdisk.py" "$STATE/clouds.yaml" \
               "$TESTBED_SRC/hardware.json" "$RAMDISK_CONTROL" "$RAMDISK_DELAY_SECONDS" "$STATE/bmc" ;;
    *) die "unknown service $name" ;;
  esac
}

tcp_open() { (exec 3<>"/dev/tcp/${2:-$HOST}/$1") 2>/dev/null; } # PORT [ADDRESS]

# conductor_ready NAME HOST: its JSON-RPC port answers and it has registered
# (or heartbeated) since it was started (MariaDB runs in UTC, like Ironic's
# timestamps). Zed registers a conductor as HOST, Epoxy's JSON-RPC as
# HOST:PORT.
conductor_ready() {
  is_running "$1" && tcp_open "$PORT_IRONIC_RPC" "$2" &&
    mysql_cli -N -e "SELECT 1 FROM ironic.conductors WHERE hostname IN ('$2', '$2:$PORT_IRONIC_RPC') AND online = 1
      AND UNIX_TIMESTAMP(COALESCE(updated_at, created_at)) >= $(cat "$RUN/$1.started") - 1" | grep -q 1
}

# service_ready NAME: the service answers (API, socket or port).
service_ready() {
  case $1 in
    mariadb) mysql_cli -e 'select 1' ;;
    epmd) tcp_open "$PORT_EPMD" ;;
    rabbitmq) tcp_open "$PORT_AMQP" ;;
    nova-conductor|nova-scheduler|nova-compute-*) is_running "$1" ;;
    # the stand-in has listed inspector's introspections since its last start
    ramdisk) is_running ramdisk && awk '/^--- started/ { w = 0 } /watching / { w = 1 } END { exit !w }' "$LOG/ramdisk.log" ;;
    ironic) http_ok "$(api_url ironic)" && conductor_ready ironic "$IRONIC_HOST" ;;
    ironic-rack2) conductor_ready ironic-rack2 "$IRONIC_RACK2_HOST" ;;
    *) http_ok "$(api_url "$1")" ;;
  esac
}

# stop_services NAME...: TERM their process groups together, wait up to
# 20 s for all of them, then KILL what is left.
stop_services() {
  local name f i pids=() alive
  for name in "$@"; do
    f=$(pidfile "$name")
    [[ -s $f ]] || continue
    if is_running "$name"; then
      say "stopping $name (pid $(cat "$f"))"
      pids+=("$(cat "$f")")
      kill -TERM -- "-$(cat "$f")" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < 40; i++)); do
    alive=()
    for f in "${pids[@]}"; do kill -0 -- "-$f" 2>/dev/null && alive+=("$f"); done
    [[ ${#alive[@]} -eq 0 ]] && break
    sleep 0.5
  done
  for f in "${alive[@]}"; do
    say "  process group $f did not stop in 20s, killing"
    kill -KILL -- "-$f" 2>/dev/null || true
  done
  for name in "$@"; do rm -f "$(pidfile "$name")" "$RUN/$name.started"; done
}

# Pids of any process started by the testbed: the marker in its environment
# (a process that rewrites its title loses it), or one of our launchers or
# configs in its command line.
marked_pids() {
  { marked_by_env; pgrep -f -- "$STATE/(bin|etc)/" || true; } | { grep -vx "$$" || true; } | sort -un
}
marked_by_env() {
  local d
  for d in /proc/[0-9]*; do
    [[ ${d#/proc/} == "$$" ]] && continue
    if { tr '\0' '\n' <"$d/environ"; } 2>/dev/null | grep -qxF "LABCDK_TESTBED=$STATE"; then
      echo "${d#/proc/}"
    fi
  done
}
