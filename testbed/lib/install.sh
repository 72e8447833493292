#!/usr/bin/env bash
# Install the release's OpenStack python packages, MariaDB, RabbitMQ and
# uWSGI without starting any service: on the host for zed (Debian 12), into
# the release's Debian root for epoxy (Debian 13, built here with debootstrap
# on first use). Sourced by `up` after lib/common.sh; safe to run repeatedly.
set -euo pipefail

TESTBED_PACKAGES=(
  python3-keystone python3-glance python3-placement python3-nova
  python3-neutron python3-ironic python3-openstackclient python3-ironicclient
  python3-osc-placement python3-pymysql rabbitmq-server mariadb-server
  uwsgi-core uwsgi-plugin-python3 curl
  # ironic-inspector (zed: 11.1.0, epoxy: 12.4.0). Its client comes from PyPI
  # (tools/fetch-inspector-client.sh): Debian 12's package of it is empty.
  python3-ironic-inspector
  # Ironic's BMC hardware types: ipmi (ipmitool), redfish and idrac-redfish
  # (sushy), ilo (proliantutils), irmc (scciclient)
  ipmitool python3-sushy python3-proliantutils python3-scciclient
  # The simulated BMCs (testbed/bmc): what pyghmi and sushy-tools (PyPI
  # wheels, lib/bmc.sh) import
  python3-cryptography python3-dateutil python3-flask python3-bcrypt
  python3-webob python3-tenacity python3-requests python3-pbr
)
# idrac-wsman (dracclient): Zed only; Ironic removed the interface (29.x has
# idrac-redfish alone).
[[ $TESTBED_RELEASE == zed ]] && TESTBED_PACKAGES+=(python3-dracclient)

DEBIAN_MIRROR=${LABCDK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBOOTSTRAP_TIMEOUT=${LABCDK_DEBOOTSTRAP_TIMEOUT:-900}
APT_TIMEOUT=${LABCDK_APT_TIMEOUT:-1200}

# pkg CMD...: run a packaging command where the release's packages live
# (the host, or the root with a minimal environment).
pkg() {
  if [[ -n $ROOT ]]; then
    "$TESTBED_SRC/lib/inroot.sh" "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
      LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
  else
    DEBIAN_FRONTEND=noninteractive "$@"
  fi
}

packages_missing() {
  local p missing=()
  for p in "${TESTBED_PACKAGES[@]}"; do
    # shellcheck disable=SC2016  # ${Status} is dpkg-query's, not the shell's
    pkg dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

# build_root: debootstrap the release's Debian into $ROOT (once; kept across
# `reset`). Built in $ROOT.tmp and renamed when complete, so an interrupted
# build is started again. debootstrap mounts /proc and /sys in the target
# while it works: it runs in a mount namespace of its own, so nothing it
# mounts outlives it or shows on the host.
build_root() {
  [[ -x $ROOT/usr/bin/env && -e $ROOT/.labcdk-root ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "building the $DEBIAN_SUITE root ($ROOT) needs root (debootstrap, chroot)"
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap on the host"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >>"$TESTBED_INSTALL_LOG" 2>&1 ||
      die "apt-get install debootstrap failed, see $TESTBED_INSTALL_LOG"
  fi
  [[ -e /usr/share/debootstrap/scripts/$DEBIAN_SUITE ]] ||
    die "this debootstrap does not know $DEBIAN_SUITE (update the debootstrap package)"
  if grep -qF " $ROOT.tmp" /proc/mounts; then die "$ROOT.tmp has mounts (see /proc/mounts); unmount them first"; fi
  rm -rf "$ROOT.tmp"
  # shellcheck disable=SC2153  # ROOTS: set in lib/common.sh
  mkdir -p "$ROOTS"
  say "building the Debian $DEBIAN_SUITE root with debootstrap (first time only, ~30 s): $ROOT"
  local t0=$SECONDS
  if ! timeout "$DEBOOTSTRAP_TIMEOUT" unshare --mount --propagation private -- \
      debootstrap --variant=minbase "$DEBIAN_SUITE" "$ROOT.tmp" "$DEBIAN_MIRROR" >>"$TESTBED_INSTALL_LOG" 2>&1; then
    tail -n 15 "$TESTBED_INSTALL_LOG" >&2
    die "debootstrap of $DEBIAN_SUITE from $DEBIAN_MIRROR failed or took over ${DEBOOTSTRAP_TIMEOUT}s, see $TESTBED_INSTALL_LOG"
  fi
  # What a root needs besides debootstrap's: name resolution of localhost
  # (RabbitMQ's node labcdk@localhost), and a policy that forbids package
  # scripts to start any service in it, ever.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT.tmp/etc/hosts"
  printf '#!/bin/sh\nexit 101\n' >"$ROOT.tmp/usr/sbin/policy-rc.d"; chmod 755 "$ROOT.tmp/usr/sbin/policy-rc.d"
  date -u +%FT%TZ >"$ROOT.tmp/.labcdk-root"
  mv "$ROOT.tmp" "$ROOT"
  say "root built in $((SECONDS - t0)) s ($(du -sh "$ROOT" | cut -f1))"
}

install_packages() {
  [[ -z $ROOT ]] || build_root
  local missing; missing=$(packages_missing)
  if [[ -z "$missing" ]]; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "testbed: missing packages ($missing) and not root; install them with:" >&2
    echo "  sudo apt-get install --no-install-recommends ${TESTBED_PACKAGES[*]}" >&2
    return 1
  fi
  echo "testbed: installing packages${ROOT:+ into $ROOT}: $missing"
  local t0=$SECONDS prc=/usr/sbin/policy-rc.d backup=""
  # Keep package scripts from starting system services during the install
  # (the root has its policy-rc.d for good).
  if [[ -z $ROOT ]]; then
    if [[ -e $prc ]]; then backup=$(mktemp); cp -p "$prc" "$backup"; fi
    printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod 755 "$prc"
  fi
  local rc=0
  {
    pkg timeout "$APT_TIMEOUT" apt-get update -q &&
    pkg timeout "$APT_TIMEOUT" apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      "${TESTBED_PACKAGES[@]}" &&
    # The root is a cache: no need to keep the .debs as well.
    if [[ -n $ROOT ]]; then pkg apt-get clean; fi
  } >>"${TESTBED_INSTALL_LOG:-/dev/stdout}" 2>&1 || rc=$?
  if [[ -z $ROOT ]]; then
    if [[ -n $backup ]]; then cp -p "$backup" "$prc"; rm -f "$backup"; else rm -f "$prc"; fi
  fi
  if [[ $rc -ne 0 ]]; then
    echo "testbed: apt-get failed (rc=$rc), see ${TESTBED_INSTALL_LOG:-output above}" >&2
    return $rc
  fi
  echo "testbed: packages installed in $((SECONDS - t0)) s"
}

# patch_packages: apply testbed/patches/<release>/*.patch to the Python
# packages of the release (each file's header says why). Idempotent: a patch
# already applied is left alone; one that applies neither way (the package
# changed) stops the bed with the patch named, rather than run a bed that is
# silently different from what the tests expect.
patch_packages() {
  local dir=$TESTBED_SRC/patches/$TESTBED_RELEASE p
  local site=${ROOT}/usr/lib/python3/dist-packages
  [[ -d $dir ]] || return 0
  for p in "$dir"/*.patch; do
    [[ -e $p ]] || continue
    if patch -d "$site" -p1 -R --dry-run --force --silent <"$p" >/dev/null 2>&1; then
      continue
    fi
    patch -d "$site" -p1 --dry-run --forward --silent <"$p" >/dev/null 2>&1 ||
      die "patch ${p#"$TESTBED_SRC"/} does not apply to $site (did the package change?): see its header"
    patch -d "$site" -p1 --forward --silent --no-backup-if-mismatch <"$p" >/dev/null ||
      die "applying ${p#"$TESTBED_SRC"/} to $site failed"
    say "patched: ${p#"$TESTBED_SRC"/}"
  done
}
