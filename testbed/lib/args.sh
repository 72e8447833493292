# Command-line options common to the testbed commands (sourced first, with
# the command's arguments): --help (calls the command's `usage`) and
# --release R (sets TESTBED_RELEASE before lib/common.sh reads it). Other
# arguments are left in ARGS for the command to judge.
# shellcheck shell=bash
# shellcheck disable=SC2034  # TESTBED_RELEASE and ARGS: read by the sourcing command
ARGS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --release) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; TESTBED_RELEASE=$2; shift 2 ;;
    --release=*) TESTBED_RELEASE=${1#--release=}; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
