# The simulated BMCs of a bed (sourced after lib/common.sh and lib/services.sh).
# Each BMC is a service of its own, `bmc-<NAME>` (pid in $RUN, log in $LOG),
# serving one machine whose record, state and command log are in $BMC_DIR
# (lib/bmc.py says what each file holds).
# shellcheck shell=bash
# shellcheck disable=SC2034  # settings read by the commands that source this

BMC_DIR=$STATE/bmc
# IPMI BMCs: each its own loopback address, the standard port 623 (a node file
# needs no pm_port): zed 127.0.10.N, epoxy 127.0.11.N. Redfish BMCs: 127.0.0.1,
# port PORT_BASE + 800 + N (zed 15801..., epoxy 16801...). N: 1 to 99.
BMC_IPMI_NET=127.0.$((10 + (PORT_BASE - 15000) / 1000))
BMC_REDFISH_PORT_BASE=$((PORT_BASE + 800))
# pyghmi and sushy-tools (PyPI wheels, hash-pinned), on the BMC processes' PYTHONPATH only.
BMC_PYTHON=$STATE/bmc-python
BMC_WHEELS=(
  "pyghmi 1.6.19 pyghmi-1.6.19-py3-none-any.whl 4d35ab89bf0217705a2deaea3335454ac56e43f369eeae663e78cb0b0082a1df"
  "sushy-tools 2.2.0 sushy_tools-2.2.0-py3-none-any.whl a9efb547beee24b3a81a8db0af1c99ffa3818b82013a6165188734abffe95f65"
)

# bmc_py ARGS...: the record manager (lib/bmc.py: the standard library only, so the host's python3).
bmc_py() {
  BMC_DIR=$BMC_DIR BMC_IPMI_NET=$BMC_IPMI_NET BMC_REDFISH_PORT_BASE=$BMC_REDFISH_PORT_BASE \
    /usr/bin/python3 "$TESTBED_SRC/lib/bmc.py" "$@"
}

bmc_names() { if [[ -d $BMC_DIR ]]; then bmc_py names; fi; }

# install_bmc_libraries: the pinned wheels into $BMC_PYTHON (downloaded once into the
# labcdk cache, sha256 checked; unpacked again when a digest differs from the one recorded).
install_bmc_libraries() {
  local line name version file sha downloads
  (
    SCRIPT_NAME=testbed
    # shellcheck source=../../tools/lib/pypi.sh
    . "$TESTBED_SRC/../tools/lib/pypi.sh"
    downloads=$(pypi_cache bmc-simulators)
    for line in "${BMC_WHEELS[@]}"; do
      read -r name version file sha <<<"$line"
      [[ -f $BMC_PYTHON/.$name.sha256 && $(cat "$BMC_PYTHON/.$name.sha256") == "$sha" ]] && continue
      pypi_download "$name" "$version" "$file" "$sha" "$downloads" --only-binary=:all:
      mkdir -p "$BMC_PYTHON"
      /usr/bin/python3 -m zipfile -e "$downloads/$file" "$BMC_PYTHON"
      echo "$sha" >"$BMC_PYTHON/.$name.sha256"
    done
  )
}

# start_bmc NAME: its server process (unless its mode is `unreachable`), ready when it listens;
# returns 1 (the process stopped, its log's end shown) when it does not listen within 30 s.
start_bmc() {
  local name=$1 driver
  [[ $(bmc_py mode "$name") == unreachable ]] && return 0
  read -r driver _ <<<"$(bmc_py record "$name")"
  is_running "bmc-$name" || echo "--- started" >>"$LOG/bmc-$name.log"
  start_bg "bmc-$name" /usr/bin/env PYTHONPATH="$BMC_PYTHON:$TESTBED_SRC/lib" PYTHONDONTWRITEBYTECODE=1 \
    "$PY" "$TESTBED_SRC/lib/bmc_$driver.py" "$BMC_DIR" "$name"
  # Polled every 0.2 s (it listens within a second), at most 30 s.
  local tries=0
  until bmc_ready "$name" || ((++tries >= 150)); do sleep 0.2; done
  bmc_ready "$name" || {
    tail -n 20 "$LOG/bmc-$name.log" >&2
    say "ERROR: the simulated BMC $name did not start (log: $LOG/bmc-$name.log)" >&2
    stop_bmcs "$name"; return 1; }
}

# bmc_ready NAME: its process runs and has said it listens since it last started.
bmc_ready() {
  is_running "bmc-$1" && awk '/^--- started/ { w = 0 } / listening on / { w = 1 } END { exit !w }' "$LOG/bmc-$1.log"
}

# stop_bmcs NAME...: their processes (records and state are kept).
stop_bmcs() {
  local names=("$@")
  [[ ${#names[@]} -gt 0 ]] && stop_services "${names[@]/#/bmc-}"
  return 0
}
