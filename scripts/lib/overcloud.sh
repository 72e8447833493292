# Rendered overcloud commands: the working folder, its generated files, and
# running the commands in order. Used by overcloud-deploy.sh and
# overcloud-node-delete.sh.
# shellcheck shell=bash

# work_dir_ready: expands "~/" in WORK_DIR, creates it, writes FILES_JSON
# ({name: content}) into it and prints the folder. A file is rewritten only
# when its content differs.
work_dir_ready() {
  local dir="$WORK_DIR"
  # shellcheck disable=SC2088 # a literal "~/" prefix, expanded here
  case "$dir" in "~/"*) dir="$HOME/${dir#\~/}" ;; esac
  mkdir -p "$dir"
  WORK="$dir" python3 -c '
import json, os, sys
files = json.loads(os.environ["FILES_JSON"])
assert isinstance(files, dict), "FILES_JSON must be a JSON object of file name to content"
for name, content in files.items():
    if os.path.isabs(name) or "/" in name or name.startswith("."):
        sys.exit("FILES_JSON: %r is not a plain file name" % name)
    path = os.path.join(os.environ["WORK"], name)
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == content:
                continue
    except FileNotFoundError:
        pass
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(path + ".tmp", path)
' >&2
  printf '%s\n' "$dir"
}

# command_count: how many commands COMMANDS_JSON holds.
command_count() {
  python3 -c '
import json, os
commands = json.loads(os.environ["COMMANDS_JSON"])
assert isinstance(commands, list) and all(isinstance(c, list) and all(isinstance(a, str) for a in c) for c in commands), \
    "COMMANDS_JSON must be a JSON list of lists of strings"
print(len(commands))
'
}

# command_argv INDEX: the `openstack` arguments of command INDEX, NUL-separated
# (read them with `mapfile -d ""`).
command_argv() {
  python3 -c '
import json, os, sys
sys.stdout.write("".join(a + "\0" for a in json.loads(os.environ["COMMANDS_JSON"])[int(sys.argv[1])]))
' "$1"
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
ironic_nodes_json() {
  openstack baremetal node list --fields name properties instance_info provision_state last_error -f json | python3 -c '
import json, sys
nodes = []
for row in json.load(sys.stdin):
    caps = (row.get("Properties") or {}).get("capabilities") or ""
    if isinstance(caps, str):
        caps = dict(item.split(":", 1) for item in caps.split(",") if ":" in item)
    nodes.append({
        "name": row.get("Name"),
        "state": row.get("Provisioning State"),
        "profile": caps.get("profile"),
        "hostname": (row.get("Instance Info") or {}).get("display_name"),
        "last_error": row.get("Last Error"),
    })
print(json.dumps(nodes))
'
}

# stuck_nodes_report: reads ironic_nodes_json output on stdin; prints one line
# per node still on its way (not active, available, manageable or enroll),
# with its last error and what to look at for the states deploys hang in.
# Empty when no node is on its way.
stuck_nodes_report() {
  python3 -c '
import json, sys
settled = {"active", "available", "manageable", "enroll"}
hints = {
    "wait call-back": "the deploy ramdisk never called back: check the node console; the runbook names cloud-init racing the network (zero-byte ifcfg-eth* files): delete them and reboot the node",
    "deploying": "Ironic is writing the image: check the conductor log",
    "clean wait": "cleaning waits for the ramdisk: check the node console and the cleaning network",
    "deploy failed": "see last_error; openstack baremetal node undeploy returns it to available",
}
for n in json.load(sys.stdin):
    if n["state"] in settled:
        continue
    line = "node %s (%s): %s" % (n["name"], n["hostname"] or "no instance", n["state"])
    if n.get("last_error"):
        line += "; last error: %s" % n["last_error"]
    if n["state"] in hints:
        line += " -- " + hints[n["state"]]
    print(line)
'
}
