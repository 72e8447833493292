#!/usr/bin/env bash
# Enrolls one bare-metal node in Ironic and brings it to `available`:
# create (or update) → ports → deploy images → manage → inspect → provide.
set -euo pipefail
SCRIPT_NAME="enroll-node"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"
. "$here/lib/node-secrets.sh"

usage() {
  cat <<'USAGE'
Usage: enroll-node.sh [--help]

Run by the labcdk undercloud stack (local-exec) for one node. Idempotent: a
node that exists (by name, or by one of its MACs) is updated, never
duplicated; a node already inspected and available is left as it is.

Environment (set by the stack):
  OS_CLOUD                         undercloud entry of clouds.yaml
  NODE_NAME, NODE_DRIVER           node name, Ironic hardware type
  NODE_BMC_ADDRESS/PORT/USERNAME/SYSTEM_ID   BMC access (password: see below)
  NODE_MACS                        comma-separated MAC addresses (one port each)
  NODE_CPUS, NODE_MEMORY_MB, NODE_LOCAL_GB, NODE_CPU_ARCH   properties (may be empty)
  NODE_RESOURCE_CLASS, NODE_INTERFACES (k=v,...)            optional
  DEPLOY_KERNEL_ID, DEPLOY_RAMDISK_ID   Glance images for driver_info
  INTROSPECTION_TIMEOUT_SECONDS, INTROSPECTION_POLL_SECONDS
  NODE_FILE                        node file, relative to the project folder
BMC password, at apply time: LABCDK_BMC_PASSWORD_<NODE>, or
LABCDK_BMC_PASSWORD_FILE (JSON name → password), or the node file's pm_password.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

require_env OS_CLOUD NODE_NAME NODE_DRIVER NODE_BMC_ADDRESS NODE_BMC_PORT NODE_BMC_USERNAME NODE_BMC_SYSTEM_ID \
  NODE_MACS NODE_CPUS NODE_MEMORY_MB NODE_LOCAL_GB NODE_CPU_ARCH NODE_RESOURCE_CLASS NODE_INTERFACES \
  DEPLOY_KERNEL_ID DEPLOY_RAMDISK_ID INTROSPECTION_TIMEOUT_SECONDS INTROSPECTION_POLL_SECONDS NODE_FILE
export OS_CLOUD

node_field() { openstack baremetal node show "$1" -f json | json_get "$2"; }

# --- find or create -------------------------------------------------------
uuid=""
if json=$(openstack baremetal node show "$NODE_NAME" -f json 2>/dev/null); then
  uuid=$(printf '%s' "$json" | json_get uuid)
  log "node $NODE_NAME exists ($uuid)"
else
  IFS=',' read -r -a macs <<<"$NODE_MACS"
  for mac in "${macs[@]}"; do
    [ -n "$mac" ] || continue
    found=$(openstack baremetal port list --address "$mac" --long -f value -c "Node UUID")
    if [ -n "$found" ]; then
      uuid="$found"
      log "node with MAC $mac exists ($uuid): renaming it to $NODE_NAME"
      openstack baremetal node set "$uuid" --name "$NODE_NAME"
      break
    fi
  done
fi
if [ -z "$uuid" ]; then
  uuid=$(openstack baremetal node create --name "$NODE_NAME" --driver "$NODE_DRIVER" -f value -c uuid)
  log "created node $NODE_NAME ($uuid), driver $NODE_DRIVER"
fi

# --- settings (no secret on any command line) -----------------------------
prefix=""
case "$NODE_DRIVER" in
  ipmi) prefix=ipmi ;;
  redfish) prefix=redfish ;;
  idrac) prefix=drac ;;
  ilo) prefix=ilo ;;
  irmc) prefix=irmc ;;
  fake-hardware|manual-management) prefix="" ;;
  *) die "node $NODE_NAME: driver \"$NODE_DRIVER\" is not supported" ;;
esac
settings=(--driver "$NODE_DRIVER" --driver-info "deploy_kernel=$DEPLOY_KERNEL_ID" --driver-info "deploy_ramdisk=$DEPLOY_RAMDISK_ID")
if [ -n "$prefix" ]; then
  [ -n "$NODE_BMC_ADDRESS" ] && settings+=(--driver-info "${prefix}_address=$NODE_BMC_ADDRESS")
  [ -n "$NODE_BMC_USERNAME" ] && settings+=(--driver-info "${prefix}_username=$NODE_BMC_USERNAME")
  [ -n "$NODE_BMC_PORT" ] && settings+=(--driver-info "${prefix}_port=$NODE_BMC_PORT")
  [ -n "$NODE_BMC_SYSTEM_ID" ] && settings+=(--driver-info "redfish_system_id=$NODE_BMC_SYSTEM_ID")
fi
[ -n "$NODE_CPUS" ] && settings+=(--property "cpus=$NODE_CPUS")
[ -n "$NODE_MEMORY_MB" ] && settings+=(--property "memory_mb=$NODE_MEMORY_MB")
[ -n "$NODE_LOCAL_GB" ] && settings+=(--property "local_gb=$NODE_LOCAL_GB")
[ -n "$NODE_CPU_ARCH" ] && settings+=(--property "cpu_arch=$NODE_CPU_ARCH")
[ -n "$NODE_RESOURCE_CLASS" ] && settings+=(--resource-class "$NODE_RESOURCE_CLASS")
if [ -n "$NODE_INTERFACES" ]; then
  IFS=',' read -r -a interfaces <<<"$NODE_INTERFACES"
  for pair in "${interfaces[@]}"; do
    name="${pair%%=*}"
    settings+=("--${name//_/-}" "${pair#*=}")   # boot_interface=pxe → --boot-interface pxe
  done
fi
openstack baremetal node set "$uuid" "${settings[@]}"
log "node $NODE_NAME: driver, driver_info and properties set"

if [ -n "$prefix" ]; then
  # shellcheck disable=SC2153 # NODE_FILE is checked by require_env above
  password=$(bmc_password "$NODE_NAME" "$NODE_FILE") || die "node $NODE_NAME: no BMC password found"
  # Through the API from Python with the password in the environment: never in argv, never logged.
  BMC_FIELD="${prefix}_password" BMC_PASSWORD="$password" NODE_UUID="$uuid" python3 - <<'PY'
import os
import openstack
conn = openstack.connect(cloud=os.environ["OS_CLOUD"])
conn.baremetal.patch_node(os.environ["NODE_UUID"], [
    {"op": "add", "path": "/driver_info/" + os.environ["BMC_FIELD"], "value": os.environ["BMC_PASSWORD"]},
])
PY
  unset password
  log "node $NODE_NAME: BMC password set"
fi

# --- ports ------------------------------------------------------------------
IFS=',' read -r -a macs <<<"$NODE_MACS"
for mac in "${macs[@]}"; do
  [ -n "$mac" ] || continue
  owner=$(openstack baremetal port list --address "$mac" --long -f value -c "Node UUID")
  if [ -z "$owner" ]; then
    openstack baremetal port create "$mac" --node "$uuid" >/dev/null
    log "node $NODE_NAME: port $mac created"
  elif [ "$owner" != "$uuid" ]; then
    die "node $NODE_NAME: MAC $mac belongs to another node ($owner)"
  fi
done

# --- states: manage → inspect → provide ------------------------------------
state() { node_field "$uuid" provision_state; }
# reached STATE: for wait_until: 0 in STATE, 1 on the way, 2 in a failed state (with last_error).
reached() {
  local current
  current=$(state)
  printf '%s' "$current"
  [ "$current" = "$1" ] && return 0
  case "$current" in
    *failed|error) printf ' (last_error: %s)' "$(node_field "$uuid" last_error)"; return 2 ;;
  esac
  return 1
}

current=$(state)
inspected=$(node_field "$uuid" inspection_finished_at)
log "node $NODE_NAME: provision state \"$current\", inspected: ${inspected:-never}"

if [ "$current" = "active" ] || [ "$current" = "deploying" ] || [ "$current" = "wait call-back" ]; then
  log "node $NODE_NAME is deployed or deploying; nothing to do"
  exit 0
fi
if [ "$current" = "available" ] && [ -n "$inspected" ]; then
  log "node $NODE_NAME is inspected and available; nothing to do"
  exit 0
fi

case "$current" in
  enroll|available|"inspect failed"|"clean failed")
    openstack baremetal node manage "$uuid"
    wait_until "node $NODE_NAME to become manageable" 300 5 reached manageable
    ;;
  manageable) ;;
  inspecting|"inspect wait") ;;
  *) die "node $NODE_NAME is in state \"$current\"; cannot enroll from there (see 'openstack baremetal node show $NODE_NAME')" ;;
esac

if [ -z "$(node_field "$uuid" inspection_finished_at)" ] || [ "$current" = "inspect failed" ]; then
  if [ "$(state)" = "manageable" ]; then
    log "node $NODE_NAME: starting introspection"
    openstack baremetal node inspect "$uuid"
  fi
  wait_until "node $NODE_NAME introspection" "$INTROSPECTION_TIMEOUT_SECONDS" "$INTROSPECTION_POLL_SECONDS" reached manageable
fi

openstack baremetal node provide "$uuid"
wait_until "node $NODE_NAME to become available" 1800 10 reached available
log "node $NODE_NAME: available (properties $(node_field "$uuid" properties))"
