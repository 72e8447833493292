"""Registers a node file with TripleO's own import, for the differential test.

    python3 tripleo_register.py NODE_FILE      (OS_CLOUD, OS_CLIENT_CONFIG_FILE from the environment)

Runs what `openstack overcloud node import` runs on the director:
tripleo-common's `validate_nodes`, then `register_all_nodes` (utils/nodes.py,
from the wheel tools/fetch-tripleo-common.sh fetches; PYTHONPATH must hold
it), with an ironicclient on the cloud's Keystone session. Prints the
registered nodes' names and UUIDs as JSON.

The file goes in as the operator wrote it, with two changes that
validate_nodes would otherwise refuse, in the form TripleO's import itself
takes them: a legacy `mac` list becomes `ports` (tripleo-common 18 refuses
`mac`; releases of the runbook's era created one port per MAC from it), and a
`profile` field becomes the capability `profile:<value>` (validate_nodes
calls it an unknown field although register_ironic_node reads it).
"""
import json
import sys

import openstack
from ironicclient import client as ironic_client
from tripleo_common.utils import nodes as tripleo_nodes

# The newest the server offers: every field of the node file needs at least 1.46 (conductor_group).
IRONIC_API_VERSION = "latest"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tripleo_register.py NODE_FILE")
    with open(sys.argv[1]) as handle:
        nodes = json.load(handle)["nodes"]
    for node in nodes:
        if "mac" in node:
            node["ports"] = [{"address": mac} for mac in node.pop("mac")] + node.get("ports", [])
        if "profile" in node:
            capabilities = tripleo_nodes.capabilities_to_dict(node.get("capabilities"))
            capabilities.setdefault("profile", node.pop("profile"))
            node["capabilities"] = tripleo_nodes.dict_to_capabilities(capabilities)
    tripleo_nodes.validate_nodes(nodes)
    session = openstack.connect().session
    client = ironic_client.get_client(1, session=session, os_ironic_api_version=IRONIC_API_VERSION, timeout=60)
    registered = tripleo_nodes.register_all_nodes(nodes, client)
    print(json.dumps({node.name: node.uuid for node in registered}))


if __name__ == "__main__":
    main()
