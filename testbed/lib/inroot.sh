#!/usr/bin/env bash
# Run a command inside a release's Debian root (chroot), in a mount namespace
# of its own: /proc, /dev, /sys and the given folders are mounted there only
# for the command's processes, and vanish with the last of them. The host's
# mount table never sees them (so nothing is left to unmount, and an `rm -rf`
# of a root or state folder can never reach /dev through a bind mount).
# The network is the host's: services inside share its loopback.
set -euo pipefail

usage() {
  cat <<USAGE
usage: testbed/lib/inroot.sh [--help] ROOT [--bind DIR]... CMD [ARG...]

Runs CMD (a path inside ROOT) chrooted into ROOT, in a private mount
namespace with ROOT/proc, ROOT/dev (the host's /dev), ROOT/sys and each
DIR bind-mounted at the same path inside ROOT. The environment is passed
on as it is; the process id stays the same (every step execs).
Needs root (unshare, mount, chroot).
USAGE
}
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -ge 2 ]] || { usage >&2; exit 2; }

if [[ ${1:-} != --in-namespace ]]; then
  # First pass: enter a new mount namespace (no fork: unshare execs) and
  # come back here to mount.
  exec unshare --mount --propagation private -- "$0" --in-namespace "$@"
fi
shift
root=$1; shift
[[ -x $root/usr/bin/env ]] || { echo "inroot: $root is not a Debian root" >&2; exit 1; }
binds=()
while [[ ${1:-} == --bind ]]; do binds+=("$2"); shift 2; done
[[ $# -ge 1 ]] || { echo "inroot: no command" >&2; exit 2; }

mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
for d in "${binds[@]}"; do
  mkdir -p "$root$d"
  mount --bind "$d" "$root$d"
done
exec chroot "$root" "$@"
