#!/usr/bin/env bash
# Installs Debian's PostgreSQL server binaries for the pg state-backend test,
# without starting the system's cluster (the test starts its own on 127.0.0.1).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/install-postgres.sh [--help]

Does nothing when /usr/lib/postgresql/*/bin/initdb exists. Otherwise (as
root) installs `postgresql` with a policy-rc.d in place so that no service
starts, then restores the previous policy-rc.d.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "install-postgres: server binaries present ($(compgen -G "/usr/lib/postgresql/*/bin/initdb" | head -n 1))"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "install-postgres: run as root, or: sudo apt-get install postgresql" >&2; exit 1; }

policy=/usr/sbin/policy-rc.d
backup=""
if [ -e "$policy" ]; then backup=$(mktemp); cp -p "$policy" "$backup"; fi
restore() { if [ -n "$backup" ]; then cp -p "$backup" "$policy"; rm -f "$backup"; else rm -f "$policy"; fi; }
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod 755 "$policy"
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
echo "install-postgres: installed; no service was started"
