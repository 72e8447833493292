# Render testbed/templates into $ETC (sourced by `up`).
# shellcheck shell=bash

# render TEMPLATE OUT [VAR=VALUE...]: replace @VAR@ tokens, expand "#include F"
# (F may name @RELEASE@/...: templates/<release>/ holds what differs by release).
render() {
  local tpl=$TESTBED_SRC/templates/$1 out=$2; shift 2
  local -a sedargs=() kv
  local v
  for v in HOST STATE DATA ETC RUN LOG MYSQL_SOCK DB_URL AMQP_URL ADMIN_PASS \
           SERVICE_PASS PORT_KEYSTONE PORT_GLANCE PORT_PLACEMENT PORT_NOVA \
           PORT_NEUTRON PORT_IRONIC PORT_IRONIC_RPC PORT_IRONIC_HTTP PORT_INSPECTOR PORT_MYSQL \
           PORT_AMQP PORT_RABBIT_DIST; do
    sedargs+=(-e "s|@$v@|${!v}|g")
  done
  sedargs+=(-e "s|@RELEASE@|$TESTBED_RELEASE|g")
  for kv in "$@"; do sedargs+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  mkdir -p "$(dirname "$out")"
  awk -v dir="$TESTBED_SRC/templates" -v release="$TESTBED_RELEASE" '
    function emit(f,   l) { gsub("@RELEASE@", release, f)
      while ((getline l < (dir "/" f)) > 0) {
        if (l ~ /^#include /) { split(l, a, " "); emit(a[2]) } else print l }
      close(dir "/" f) }
    /^#include / { emit($2); next } { print }' "$tpl" | sed "${sedargs[@]}" >"$out.tmp"
  if grep -q '@[A-Z_]*@' "$out.tmp"; then
    die "unrendered token in $out: $(grep -o '@[A-Z_]*@' "$out.tmp" | sort -u | tr '\n' ' ')"
  fi
  mv "$out.tmp" "$out"
}

render_all() {
  # shellcheck disable=SC2034  # read through ${!v} in render
  DB_URL="mysql+pymysql://$DB_USER:$DB_PASS@$HOST:$PORT_MYSQL"
  # shellcheck disable=SC2034
  AMQP_URL="rabbit://guest:guest@$HOST:$PORT_AMQP/"
  render my.cnf "$ETC/mariadb/my.cnf"
  render rabbitmq.conf "$ETC/rabbitmq/rabbitmq.conf"
  render rabbitmq-enabled_plugins "$ETC/rabbitmq/enabled_plugins"
  : >"$ETC/rabbitmq/rabbitmq-env.conf"
  render keystone.conf "$ETC/keystone/keystone.conf" SERVICE_USER=keystone
  render glance-api.conf "$ETC/glance/glance-api.conf" SERVICE_USER=glance
  render glance-api-paste.ini "$ETC/glance/glance-api-paste.ini"
  render placement.conf "$ETC/placement/placement.conf" SERVICE_USER=placement
  render neutron.conf "$ETC/neutron/neutron.conf" SERVICE_USER=neutron
  render ml2_conf.ini "$ETC/neutron/ml2_conf.ini"
  render neutron-api-paste.ini "$ETC/neutron/api-paste.ini"
  render nova.conf "$ETC/nova/nova.conf" SERVICE_USER=nova
  render nova-controller.conf "$ETC/nova/nova-controller.conf"
  render nova-api-paste.ini "$ETC/nova/api-paste.ini"
  # compute-2 (the scale-in test's host) overcommits memory 2.0x: it can hold
  # more than compute-1 (1.5x) can take, so a drain to compute-1 can be
  # refused for lack of room without filling compute-1, which other tests use.
  local h ratio
  for h in "${COMPUTES[@]}"; do
    ratio="# ram_allocation_ratio: Nova's default"
    [[ $h == compute-2 ]] && ratio="ram_allocation_ratio = 2.0"
    render nova-compute.conf "$ETC/nova/nova-$h.conf" COMPUTE_HOST="$h" RAM_ALLOCATION_RATIO="$ratio"
  done
  # One template, two conductors: `ironic` (API + conductor, default group)
  # and `ironic-rack2` (conductor only, its own group and loopback address).
  render ironic.conf "$ETC/ironic/ironic.conf" SERVICE_USER=ironic \
    CONDUCTOR_HOST="$IRONIC_HOST" CONDUCTOR_GROUP=""
  render ironic.conf "$ETC/ironic/ironic-rack2.conf" SERVICE_USER=ironic \
    CONDUCTOR_HOST="$IRONIC_RACK2_HOST" CONDUCTOR_GROUP="$IRONIC_RACK2_GROUP"
  render ironic-inspector.conf "$ETC/ironic-inspector/inspector.conf" SERVICE_USER=ironic-inspector
  render clouds.yaml "$STATE/clouds.yaml"
}
