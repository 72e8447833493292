# First-run initialisation of the state dir (sourced by `up`). Each step
# leaves a stamp in $STATE/init so an interrupted first `up` resumes.
# shellcheck shell=bash

INIT=$STATE/init
done_step() { [[ -e $INIT/$1.done ]]; }
mark_step() { mkdir -p "$INIT"; touch "$INIT/$1.done"; }

# run_step NAME CMD...: run once, output to $LOG/init-NAME.log.
run_step() {
  local name=$1; shift
  done_step "$name" && return 0
  if ! "$@" >>"$LOG/init-$name.log" 2>&1; then
    say "init step $name failed; last lines of $LOG/init-$name.log:"
    tail -n 20 "$LOG/init-$name.log" >&2
    return 1
  fi
  mark_step "$name"
}

init_mariadb_datadir() {
  rm -rf "$DATA/mysql"; mkdir -p "$DATA/mysql"
  "${IN_ROOT[@]}" /usr/bin/mariadb-install-db --no-defaults --datadir="$DATA/mysql" --user="$(id -un)" \
    --auth-root-authentication-method=socket --skip-test-db
}

create_databases() {
  local sql="" db
  for db in keystone placement neutron nova_api nova_cell0 nova_cell1 ironic; do
    sql+="CREATE DATABASE IF NOT EXISTS $db;"
  done
  sql+="CREATE USER IF NOT EXISTS '$DB_USER'@'$HOST' IDENTIFIED BY '$DB_PASS';"
  sql+="GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'$HOST'; FLUSH PRIVILEGES;"
  mysql_cli -e "$sql"
}

keystone_setup() {
  local m=("$BIN/keystone-manage" --config-file "$ETC/keystone/keystone.conf")
  mkdir -p "$DATA/keystone"
  clean_env "${m[@]}" db_sync
  clean_env "${m[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  clean_env "${m[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  local url="http://$HOST:$PORT_KEYSTONE/v3"
  clean_env "${m[@]}" bootstrap --bootstrap-password "$ADMIN_PASS" \
    --bootstrap-admin-url "$url" --bootstrap-internal-url "$url" \
    --bootstrap-public-url "$url" --bootstrap-region-id RegionOne
}

nova_setup() {
  local m=("$BIN/nova-manage" "${NOVA_CTL_CONF[@]}")
  clean_env "${m[@]}" api_db sync
  clean_env "${m[@]}" cell_v2 map_cell0 \
    --database_connection "mysql+pymysql://$DB_USER:$DB_PASS@$HOST:$PORT_MYSQL/nova_cell0"
  clean_env "${m[@]}" cell_v2 list_cells | grep -qw cell1 ||
    clean_env "${m[@]}" cell_v2 create_cell --name cell1
  clean_env "${m[@]}" db sync
}

# Ironic's database is in MariaDB (an older state dir had it in SQLite and
# lacks it: created here, not by the one-time `databases` step).
ironic_setup() {
  mysql_cli -e "CREATE DATABASE IF NOT EXISTS ironic"
  clean_env "$BIN/ironic-dbsync" --config-file "$ETC/ironic/ironic.conf" create_schema
}

# ironic-inspector keeps its own SQLite file (one process writes it).
inspector_setup() {
  mkdir -p "$DATA/inspector"
  clean_env "$BIN/ironic-inspector-dbsync" --config-file "$ETC/ironic-inspector/inspector.conf" upgrade
}

# Schema steps that need only MariaDB run in parallel; each runs once.
init_schemas() {
  local -A pids=() ; local name rc=0
  done_step glance-db || { run_step glance-db clean_env "$BIN/glance-manage" --config-file "$ETC/glance/glance-api.conf" db_sync & pids[glance]=$!; }
  done_step placement-db || { run_step placement-db clean_env "$BIN/placement-manage" --config-file "$ETC/placement/placement.conf" db sync & pids[placement]=$!; }
  done_step neutron-db || { run_step neutron-db clean_env "$BIN/neutron-db-manage" --config-file "$ETC/neutron/neutron.conf" --config-file "$ETC/neutron/ml2_conf.ini" upgrade heads & pids[neutron]=$!; }
  done_step nova-db || { run_step nova-db nova_setup & pids[nova]=$!; }
  done_step ironic-mysql || { run_step ironic-mysql ironic_setup & pids[ironic]=$!; }
  done_step inspector-db || { run_step inspector-db inspector_setup & pids[inspector]=$!; }
  for name in "${!pids[@]}"; do
    wait "${pids[$name]}" || { say "schema setup for $name failed"; rc=1; }
  done
  return $rc
}
