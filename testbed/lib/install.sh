#!/usr/bin/env bash
# Install the Debian 12 (Zed) OpenStack python packages, MariaDB, RabbitMQ and
# uWSGI without starting any service. Sourced by `up`; safe to run repeatedly.
set -euo pipefail

TESTBED_PACKAGES=(
  python3-keystone python3-glance python3-placement python3-nova
  python3-neutron python3-ironic python3-openstackclient python3-ironicclient
  python3-osc-placement python3-pymysql rabbitmq-server mariadb-server
  uwsgi-core uwsgi-plugin-python3 curl
  # ironic-inspector 11.1.0 (Zed). Its client comes from PyPI
  # (tools/fetch-inspector-client.sh): Debian's package of it is empty.
  python3-ironic-inspector
  # Ironic's BMC hardware types: ipmi (ipmitool), redfish and idrac-redfish
  # (sushy), idrac-wsman (dracclient), ilo (proliantutils), irmc (scciclient)
  ipmitool python3-sushy python3-dracclient python3-proliantutils python3-scciclient
)

packages_missing() {
  local p missing=()
  for p in "${TESTBED_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

install_packages() {
  local missing; missing=$(packages_missing)
  if [[ -z "$missing" ]]; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "testbed: missing packages ($missing) and not root; install them with:" >&2
    echo "  sudo apt-get install --no-install-recommends ${TESTBED_PACKAGES[*]}" >&2
    return 1
  fi
  echo "testbed: installing packages: $missing"
  local t0=$SECONDS prc=/usr/sbin/policy-rc.d backup=""
  # Keep package scripts from starting system services during the install.
  if [[ -e $prc ]]; then backup=$(mktemp); cp -p "$prc" "$backup"; fi
  printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod 755 "$prc"
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      "${TESTBED_PACKAGES[@]}"
  } >>"${TESTBED_INSTALL_LOG:-/dev/stdout}" 2>&1 || rc=$?
  if [[ -n $backup ]]; then cp -p "$backup" "$prc"; rm -f "$backup"; else rm -f "$prc"; fi
  if [[ $rc -ne 0 ]]; then
    echo "testbed: apt-get failed (rc=$rc), see ${TESTBED_INSTALL_LOG:-output above}" >&2
    return $rc
  fi
  echo "testbed: packages installed in $((SECONDS - t0)) s"
}
