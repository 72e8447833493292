"""The undercloud's Ironic nodes as the overcloud steps see them.

    openstack baremetal node list --fields name properties instance_info provision_state last_error -f json \\
      | python3 overcloud_nodes.py from-cli          one {"name", "state", "profile", "hostname", "last_error"} per node

then, reading that list on stdin:

    python3 overcloud_nodes.py shrinking            roles that would lose active nodes (PROFILE_COUNTS_JSON: profile -> count)
    python3 overcloud_nodes.py states               "2 active, 1 available": the nodes per provision state
    python3 overcloud_nodes.py stuck                one line per node still on its way, with what to look at
    python3 overcloud_nodes.py deployed HOSTNAMES   those of HOSTNAMES (comma-separated) on an active node

and, with no input:

    python3 overcloud_nodes.py absent HOSTNAMES PRESENT   those of HOSTNAMES not in PRESENT (both comma-separated)

Run by scripts/lib/overcloud.sh and the overcloud steps (overcloud-deploy.sh,
overcloud-node-delete.sh document the environment). Standard library only;
the node list carries no BMC field (driver_info is never listed).
"""
import argparse
import collections
import json
import os
import sys

from node_hints import hint
from observation import capabilities

ENV = os.environ

# Provision states a node rests in; any other is on its way somewhere.
SETTLED = {"active", "available", "manageable", "enroll"}
def node_view(row):
    """One row of `openstack baremetal node list -f json` as {name, state, profile, hostname, last_error}.
    hostname is instance_info.display_name: the overcloud server name of a deployed node."""
    return {
        "name": row.get("Name"),
        "state": row.get("Provisioning State"),
        "profile": capabilities((row.get("Properties") or {}).get("capabilities")).get("profile"),
        "hostname": (row.get("Instance Info") or {}).get("display_name"),
        "last_error": row.get("Last Error"),
    }


def shrinking(nodes, profile_counts):
    """One line per profile with more active nodes than the lab's count for it (a deploy would let Heat pick victims)."""
    lines = []
    for profile, count in sorted(profile_counts.items()):
        active = sorted(n["hostname"] or n["name"] for n in nodes if n["state"] == "active" and n["profile"] == profile)
        if len(active) > count:
            lines.append("profile:%s has %d active node(s) (%s) but the lab asks for %d" % (profile, len(active), ", ".join(active), count))
    return lines


def state_counts(nodes):
    """How many nodes are in each provision state, as "1 active, 2 available" (sorted by state)."""
    counts = collections.Counter(n["state"] for n in nodes)
    return ", ".join("%d %s" % (v, k) for k, v in sorted(counts.items()))


def stuck_report(nodes):
    """One line per node not in a settled state: name, hostname, state, last error and a hint for the states deploys hang in."""
    lines = []
    for n in nodes:
        if n["state"] in SETTLED:
            continue
        line = "node %s (%s): %s" % (n["name"], n["hostname"] or "no instance", n["state"])
        if n.get("last_error"):
            line += "; last error: %s" % n["last_error"]
        if hint(n["state"]):
            line += " -- " + hint(n["state"])
        lines.append(line)
    return lines


def deployed(nodes, hostnames):
    """The hostnames (in their order) that an active node is deployed as."""
    active = {n["hostname"] for n in nodes if n["state"] == "active" and n["hostname"]}
    return [h for h in hostnames if h in active]


def absent(hostnames, present):
    """The hostnames (in their order) not among `present` (the deployed ones): those already deleted."""
    present = set(present)
    return [h for h in hostnames if h not in present]


def print_lines(lines):
    for line in lines:
        print(line)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="overcloud_nodes.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("from-cli", help="the CLI's node rows (stdin) as the node list")
    sub.add_parser("shrinking", help="profiles with more active nodes than PROFILE_COUNTS_JSON allows")
    sub.add_parser("states", help="nodes per provision state")
    sub.add_parser("stuck", help="nodes on their way, with hints")
    sub.add_parser("deployed", help="HOSTNAMES on an active node").add_argument("hostnames")
    absent_args = sub.add_parser("absent", help="HOSTNAMES not in PRESENT")
    absent_args.add_argument("hostnames")
    absent_args.add_argument("present")
    args = parser.parse_args(argv)
    try:
        if args.action == "absent":
            print(",".join(absent(args.hostnames.split(","), args.present.split(","))))
            return
        rows = json.load(sys.stdin)
        if args.action == "from-cli":
            print(json.dumps([node_view(row) for row in rows]))
        elif args.action == "shrinking":
            print_lines(shrinking(rows, json.loads(ENV["PROFILE_COUNTS_JSON"])))
        elif args.action == "states":
            print(state_counts(rows))
        elif args.action == "stuck":
            print_lines(stuck_report(rows))
        else:
            print(",".join(deployed(rows, args.hostnames.split(","))))
    except (KeyError, TypeError, AttributeError, ValueError) as error:  # a missing variable, JSON of the wrong shape
        sys.exit("overcloud_nodes.py %s: cannot read the node list or its inputs (%s: %s)" % (args.action, type(error).__name__, error))


if __name__ == "__main__":
    main()
