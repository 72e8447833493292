"""Introspects and provides registered nodes with TripleO's own code, for the differential test.

    python3 tripleo_introspect.py [--wait-for-bridge-mappings] NAME...
        (OS_CLOUD, OS_CLIENT_CONFIG_FILE from the environment; LABCDK_TRIPLEO_ANSIBLE:
         the unpacked tripleo-ansible release, default: where tools/fetch-tripleo-ansible.sh puts it)

Runs what a director runs for `openstack overcloud node import` (its last
part: nodes still in `enroll` are asked to `manage`, as python-tripleoclient
16.5.0's register_or_update does) followed by `openstack overcloud node
introspect --all-manageable --provide`: python-tripleoclient hands the nodes to
tripleo-ansible's playbooks, and those to two Ansible modules, whose functions
run here:

- cli-baremetal-introspect.yaml → os_tripleo_baremetal_node_introspection's
  `introspect()`, with the client's defaults the playbook passes on:
  concurrency min(20, nodes), max_retries 1, node_timeout 1200 s,
  retry_timeout 120 s, and fetch_data true (the playbook sets no `quiet`);
- cli-overcloud-node-provide.yaml → os_baremetal_provide_node's
  `parallel_nodes_providing()`, timeout 1200 s, failfast true; the playbook
  sets wait_for_bridge_mappings true, which waits for networking-baremetal's
  ironic-neutron-agent: the test bed runs none, so it is false unless
  --wait-for-bridge-mappings is given.

The modules are loaded as files from the tripleo-ansible wheel. At load time
they import Ansible (AnsibleModule) and the openstack.cloud collection's
argument helpers, which only their main() uses and which are not installed
here: those names are stand-ins that raise if called. Everything that talks to
Ironic and ironic-inspector is the modules' own code, on a real openstacksdk
Connection (the one openstack.cloud's helper would have made from the same
clouds.yaml entry).

Prints one JSON object: {"nodes": {name: uuid}, "introspected": [uuid], "introspection":
{uuid: result}, "provide": {uuid: result}, "provide_message": text}. Exit 1 when a node did not
become manageable, failed its introspection or was not provided.
"""
import argparse
import glob
import importlib.util
import json
import os
import sys
import time
import types

import openstack

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tripleo-argv"))
from pins import pypi_cache  # noqa: E402

MODULES = ("data", "share", "ansible", "plugins", "modules")
# The playbooks' values (python-tripleoclient 16.5.0's defaults for `overcloud node introspect`).
CONCURRENCY, MAX_RETRIES, NODE_TIMEOUT, RETRY_TIMEOUT = 20, 1, 1200, 120
PROVIDE_TIMEOUT = 1200
# How long `manage` may take before this tool gives up (the import's own call does not wait).
MANAGE_TIMEOUT = 300


class UsageError(Exception):
    pass


def modules_dir(root):
    """plugins/modules of the unpacked tripleo-ansible wheel under ROOT (the release folder or the cache root)."""
    for candidate in [root] + sorted(glob.glob(os.path.join(root, "tripleo-ansible-*"))):
        for data in sorted(glob.glob(os.path.join(candidate, "tripleo_ansible-*.data"))):
            path = os.path.join(data, *MODULES)
            if os.path.isfile(os.path.join(path, "os_tripleo_baremetal_node_introspection.py")):
                return path
    raise UsageError("no tripleo-ansible in %s: run tools/fetch-tripleo-ansible.sh" % root)


def _not_here(name):
    def refuse(*_args, **_kwargs):
        raise RuntimeError("%s is a stand-in here: only the modules' main() calls it" % name)
    return refuse


def stand_in_ansible():
    """The import-time names the modules take from Ansible and the openstack.cloud collection."""
    names = {
        "ansible": {},
        "ansible.module_utils": {},
        "ansible.module_utils.basic": {"AnsibleModule": _not_here("AnsibleModule")},
        "ansible_collections": {},
        "ansible_collections.openstack": {},
        "ansible_collections.openstack.cloud": {},
        "ansible_collections.openstack.cloud.plugins": {},
        "ansible_collections.openstack.cloud.plugins.module_utils": {},
        "ansible_collections.openstack.cloud.plugins.module_utils.openstack": {
            name: _not_here(name)
            for name in ("openstack_full_argument_spec", "openstack_module_kwargs", "openstack_cloud_from_module")
        },
    }
    for name, attributes in names.items():
        module = types.ModuleType(name)
        module.__path__ = []
        module.__dict__.update(attributes)
        sys.modules.setdefault(name, module)


def load(directory, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(directory, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def manage_enrolled(conn, uuids):
    """What the import does last: a node in `enroll` is asked to `manage`. Waits (bounded) until none is verifying."""
    for uuid in uuids:
        if conn.baremetal.get_node(uuid).provision_state == "enroll":
            conn.baremetal.set_node_provision_state(uuid, "manage")
    deadline = time.monotonic() + MANAGE_TIMEOUT
    for uuid in uuids:
        # A BMC that does not answer ends the node back in enroll, with last_error: not waited for.
        while conn.baremetal.get_node(uuid).target_provision_state:
            if time.monotonic() > deadline:
                raise RuntimeError("node %s still verifying after %ds" % (uuid, MANAGE_TIMEOUT))
            time.sleep(1)


def manageable(conn, uuids):
    """`--all-manageable`: of these nodes, those manageable and not in maintenance (as python-tripleoclient picks them)."""
    nodes = (conn.baremetal.get_node(uuid) for uuid in uuids)
    return [node.id for node in nodes if node.provision_state == "manageable" and not node.is_maintenance]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+", metavar="NAME")
    parser.add_argument("--wait-for-bridge-mappings", action="store_true")
    args = parser.parse_args()
    try:
        directory = modules_dir(os.environ.get("LABCDK_TRIPLEO_ANSIBLE") or pypi_cache("tripleo-ansible"))
    except UsageError as error:
        sys.exit("tripleo_introspect: %s" % error)
    stand_in_ansible()
    introspection = load(directory, "os_tripleo_baremetal_node_introspection")
    provide = load(directory, "os_baremetal_provide_node")

    conn = openstack.connect()
    uuids = {name: conn.baremetal.find_node(name, ignore_missing=False).id for name in args.names}
    manage_enrolled(conn, list(uuids.values()))
    to_introspect = manageable(conn, uuids.values())
    introspected = introspection.introspect(
        conn,
        node_uuids=to_introspect,
        node_timeout=NODE_TIMEOUT,
        retry_timeout=RETRY_TIMEOUT,
        max_retries=MAX_RETRIES,
        concurrency=min(CONCURRENCY, len(to_introspect)),
        fetch_data=True,
    )
    # --provide with --all-manageable: the nodes manageable now (those whose introspection succeeded).
    to_provide = manageable(conn, to_introspect)
    provided, message = {}, "nothing manageable to provide"
    if to_provide:
        # The Ansible module's parameters as the playbook sets them (Ansible hands them over as module.params).
        params = {
            "node_uuid": to_provide,
            "node_name": [],
            "timeout": PROVIDE_TIMEOUT,
            "failfast": True,
            "wait_for_bridge_mappings": args.wait_for_bridge_mappings,
        }
        provided, message = provide.parallel_nodes_providing(conn, types.SimpleNamespace(params=params))
    # introspect() keys every result by the last UUID it was given (its loop variable): kept as it reports it.
    print(json.dumps({
        "nodes": uuids,
        "introspected": to_introspect,
        "introspection": {uuid: {"failed": r["failed"], "error": r["error"]} for uuid, r in introspected.items()},
        "provide": {uuid: {"failed": r["failed"], "msg": r["msg"]} for uuid, r in provided.items()},
        "provide_message": message,
    }, sort_keys=True))
    failed = len(to_introspect) < len(uuids) or len(to_provide) < len(to_introspect) or any(r["failed"] for r in provided.values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
