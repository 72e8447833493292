# Rendered overcloud commands: the working folder, its generated files, and
# running the commands in order. Used by overcloud-deploy.sh and
# overcloud-node-delete.sh.
# The logic is in Python modules beside this file (overcloud_work.py,
# overcloud_nodes.py), each with unit tests in __tests__/python.
# shellcheck shell=bash

# overcloud_python MODULE ARGS...: runs scripts/lib/MODULE (standard library
# only) with python3, writing no __pycache__ (scripts/ is a hashed cdktf asset).
overcloud_python() {
  local module="$1"
  shift
  PYTHONDONTWRITEBYTECODE=1 python3 "$(dirname "${BASH_SOURCE[0]}")/$module" "$@"
}

# work_dir_ready: expands "~/" in WORK_DIR, creates it, writes FILES_JSON
# ({name: content}) into it and prints the folder. A file is rewritten only
# when its content differs.
work_dir_ready() {
  local dir="$WORK_DIR"
  # shellcheck disable=SC2088 # a literal "~/" prefix, expanded here
  case "$dir" in "~/"*) dir="$HOME/${dir#\~/}" ;; esac
  mkdir -p "$dir"
  overcloud_python overcloud_work.py write-files "$dir" >&2
  printf '%s\n' "$dir"
}

# command_count: how many commands COMMANDS_JSON holds.
command_count() {
  overcloud_python overcloud_work.py count
}

# command_argv INDEX: the `openstack` arguments of command INDEX, NUL-separated
# (read them with `mapfile -d ""`).
command_argv() {
  overcloud_python overcloud_work.py argv "$1"
}

# run_bounded SECONDS PROGRESS_SECONDS PROGRESS_FUNCTION COMMAND...: runs
# COMMAND, calling PROGRESS_FUNCTION every PROGRESS_SECONDS for a progress
# line; stops it after SECONDS. Returns COMMAND's status (124: timed out).
run_bounded() {
  local limit="$1" every="$2" progress_fn="$3" pid status=0
  shift 3
  timeout --kill-after=60 "$limit" "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep "$every" &
    wait $! || true
    kill -0 "$pid" 2>/dev/null || break
    "$progress_fn" || true
  done
  wait "$pid" || status=$?
  return "$status"
}

# ironic_nodes_json: the undercloud's Ironic nodes as a JSON list of
# {"name", "state", "profile", "hostname", "last_error"} (hostname:
# instance_info.display_name, the overcloud server name of a deployed node).
# One bounded `openstack` call (openstack_cli, lib/common.sh).
ironic_nodes_json() {
  openstack_cli baremetal node list --fields name properties instance_info provision_state last_error -f json \
    | overcloud_python overcloud_nodes.py from-cli
}

# stuck_nodes_report: reads ironic_nodes_json output on stdin; prints one line
# per node still on its way (not active, available, manageable or enroll),
# with its last error and what to look at for the states deploys hang in.
# Empty when no node is on its way.
stuck_nodes_report() {
  overcloud_python overcloud_nodes.py stuck
}
