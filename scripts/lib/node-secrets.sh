# BMC password of a node, read at apply time. Never printed, never on a command line.
# shellcheck shell=bash

# bmc_password NODE_NAME NODE_FILE: prints the password on stdout, for capture into a variable.
# Sources, first found wins:
#   LABCDK_BMC_PASSWORD_<NAME>  (NAME upper-cased, non-alphanumerics as "_")
#   LABCDK_BMC_PASSWORD_FILE    a JSON file {"<node name>": "<password>"}
#   the node file's pm_password (NODE_FILE, relative to the project folder)
bmc_password() {
  local name="$1" node_file="$2" variable
  variable="LABCDK_BMC_PASSWORD_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9\n' '_')"
  if [ -n "${!variable:-}" ]; then
    printf '%s' "${!variable}"
    return 0
  fi
  local file="${LABCDK_BMC_PASSWORD_FILE:-}"
  local key="name_lookup"
  if [ -z "$file" ]; then
    file="$(project_dir)/$node_file"
    key="node_file"
  fi
  [ -r "$file" ] || { echo "cannot read $file for the BMC password of node \"$name\" (set $variable or LABCDK_BMC_PASSWORD_FILE)" >&2; return 1; }
  NODE="$name" KIND="$key" python3 -c '
import json, os, sys
data = json.load(open(sys.argv[1]))
name = os.environ["NODE"]
if os.environ["KIND"] == "node_file":
    found = [n.get("pm_password", "") for n in data.get("nodes", []) if n.get("name") == name]
    value = found[0] if found else ""
else:
    value = data.get(name, "")
sys.stdout.write(value)
' "$file"
}
