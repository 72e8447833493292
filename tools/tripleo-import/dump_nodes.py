"""Prints Ironic's nodes and their ports, as the differential test compares them.

    python3 dump_nodes.py NAME...      (OS_CLOUD, OS_CLIENT_CONFIG_FILE from the environment)

One JSON object {name: {<every field of the node>, "ports": [<every field of each port>]}}
for the named nodes (absent ones are left out), read at one fixed microversion
so that both registrations are seen alike. GET requests only.
"""
import json
import sys

import openstack

MICROVERSION = "1.78"  # Zed's Ironic answers up to 1.81; every field the node file can set is there by 1.46


def main():
    names = set(sys.argv[1:])
    conn = openstack.connect()
    nodes = conn.baremetal.get("/nodes/detail", microversion=MICROVERSION, raise_exc=True).json()["nodes"]
    ports = conn.baremetal.get("/ports/detail", microversion=MICROVERSION, raise_exc=True).json()["ports"]
    found = {}
    for node in nodes:
        if node["name"] in names:
            node["ports"] = sorted((p for p in ports if p["node_uuid"] == node["uuid"]), key=lambda p: p["address"])
            found[node["name"]] = node
    print(json.dumps(found, sort_keys=True))


if __name__ == "__main__":
    main()
