#!/usr/bin/python3
"""Check a baremetal_deployment.yaml (the input of `openstack overcloud node
provision` / `node delete --baremetal-deployment`) with tripleo-ansible's own
schema and expand(), from the release unpacked by tools/fetch-tripleo-ansible.sh.

Usage: check_baremetal_deployment.py [--stack NAME] [--tripleo-ansible DIR] FILE

Exit 0: the file is valid; prints one JSON object:
  {"tripleo_ansible": version, "stack": NAME,
   "instances": [...],        the nodes to be provisioned (expand_provisioned=True)
   "removed": [...],          the `provisioned: false` nodes (expand_provisioned=False)
   "environment": {...},      the parameter_defaults expand() makes
                              (<Role>Count, <Role>HostnameFormat, HostnameMap,
                              <Role>RemovalPolicies)
   "role_net_map": {role: [network...]}, "hostname_role_map": {hostname: role}}
Exit 1: tripleo-ansible rejects it (a YAML error, the JSON schema, or one of
expand()'s own checks: more instances than count, a hostname used twice, ...),
the message on stderr. Exit 2: usage error, FILE unreadable, the cache missing,
or /usr/bin/python3 without jsonschema/yaml.

expand() is called as the tripleo_baremetal_expand_roles Ansible module calls
it (tripleo-ansible's plugins/modules/tripleo_baremetal_expand_roles.py): the
stack name, the module's default image {href: overcloud-full} and, for the
nodes to provision, its default network [{network: ctlplane, vif: true}].

The module is executed from the unpacked wheel
(tripleo_ansible-<v>.data/data/share/ansible/plugins/module_utils/baremetal_deploy.py):
the schema, expand() and its validation are the release's. It imports
metalsmith at load time, which is not installed here; only
`metalsmith.sources.detect()` is called (by validate_instances, on each
instance's image), so `metalsmith` is an empty stand-in module and
`sources.detect` a stand-in with metalsmith's offline consistency rules
(kernel and ramdisk both or neither; no kernel/ramdisk/checksum with a Glance
image), returning a description of the source instead of a metalsmith object.
jsonschema is the real one (Debian's python3-jsonschema).
"""

import argparse
import copy
import glob
import importlib.util
import json
import os
import sys
import types

from pins import pypi_cache

MODULE_PATH = ("data", "share", "ansible", "plugins", "module_utils", "baremetal_deploy.py")
DEFAULT_IMAGE = {"href": "overcloud-full"}
DEFAULT_NETWORK = [{"network": "ctlplane", "vif": True}]


class UsageError(Exception):
    """Exit 2."""


class Rejected(Exception):
    """Exit 1."""


def default_root():
    """Same default as tools/fetch-tripleo-ansible.sh."""
    return pypi_cache("tripleo-ansible")


def find_release(directory):
    """(version, module file) of the unpacked wheel: DIR itself, or the one
    tripleo-ansible-<v>/ under DIR (the cache root)."""
    candidates = [directory] + sorted(glob.glob(os.path.join(directory, "tripleo-ansible-*")))
    for candidate in candidates:
        for data in sorted(glob.glob(os.path.join(candidate, "tripleo_ansible-*.data"))):
            module = os.path.join(data, *MODULE_PATH)
            if os.path.isfile(module):
                version = os.path.basename(data)[len("tripleo_ansible-"):-len(".data")]
                return version, module
    raise UsageError(
        "no tripleo-ansible in %s: run tools/fetch-tripleo-ansible.sh" % directory)


def _link_type(link):
    if not link:
        return None
    if link.startswith("file://"):
        return "file"
    if link.startswith(("http://", "https://")):
        return "http"
    return "glance"


def _detect(image=None, kernel=None, ramdisk=None, checksum=None):
    """Stand-in for metalsmith.sources.detect: its offline consistency rules."""
    if (kernel or ramdisk) and not (kernel and ramdisk):
        raise ValueError("Both kernel and ramdisk or none of them must be provided")
    if kernel and _link_type(kernel) != _link_type(ramdisk):
        raise ValueError("Kernel and ramdisk must be of the same type")
    kind = _link_type(image)
    if kind == "glance" and (kernel or ramdisk or checksum):
        raise ValueError("kernel, image and checksum cannot be provided for Glance images")
    return {"type": kind, "image": image}


def load_module(path):
    """The release's baremetal_deploy module, metalsmith stood in for."""
    try:
        import jsonschema  # noqa: F401  (the module's own import; fail early with a clear message)
    except ImportError:
        raise UsageError("/usr/bin/python3 has no jsonschema (apt-get install python3-jsonschema)")
    metalsmith = types.ModuleType("metalsmith")
    metalsmith.__path__ = []
    sources = types.ModuleType("metalsmith.sources")
    sources.detect = _detect
    metalsmith.sources = sources
    sys.modules.setdefault("metalsmith", metalsmith)
    sys.modules.setdefault("metalsmith.sources", sources)
    spec = importlib.util.spec_from_file_location("tripleo_baremetal_deploy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_roles(path):
    try:
        import yaml
    except ImportError:
        raise UsageError("/usr/bin/python3 has no yaml (apt-get install python3-yaml)")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise UsageError("cannot read %s: %s" % (path, error))
    try:
        roles = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise Rejected("%s: not YAML: %s" % (path, error))
    return roles


def check(module, roles, stack):
    """expand() as tripleo_baremetal_expand_roles does, for both states."""
    import jsonschema
    try:
        present, env, role_net_map, hostname_role_map = module.expand(
            copy.deepcopy(roles), stack, expand_provisioned=True,
            default_image=copy.deepcopy(DEFAULT_IMAGE),
            default_network=copy.deepcopy(DEFAULT_NETWORK))
        removed, _, _, _ = module.expand(
            copy.deepcopy(roles), stack, expand_provisioned=False,
            default_image=copy.deepcopy(DEFAULT_IMAGE))
    except jsonschema.ValidationError as error:
        raise Rejected("schema: %s (at %s)" % (error.message, "/".join(str(p) for p in error.absolute_path) or "top"))
    except (ValueError, TypeError, KeyError, AttributeError, module.BaremetalDeployException) as error:
        raise Rejected("%s: %s" % (type(error).__name__, error))
    return {
        "instances": present,
        "removed": removed,
        "environment": env,
        "role_net_map": {role: sorted(nets) for role, nets in role_net_map.items()},
        "hostname_role_map": hostname_role_map,
    }


def main(argv):
    cli = argparse.ArgumentParser(
        prog="check_baremetal_deployment.py",
        description="Validate a baremetal_deployment.yaml with tripleo-ansible's schema and expand().")
    cli.add_argument("--stack", default="overcloud", help="stack name given to expand() (default overcloud)")
    cli.add_argument("--tripleo-ansible", dest="root", default=None,
                     help="unpacked tripleo-ansible (default: the cache of tools/fetch-tripleo-ansible.sh)")
    cli.add_argument("file")
    try:
        options = cli.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    try:
        version, path = find_release(options.root or default_root())
        module = load_module(path)
        roles = read_roles(options.file)
        result = check(module, roles, options.stack)
    except UsageError as error:
        print("check_baremetal_deployment: %s" % error, file=sys.stderr)
        return 2
    except Rejected as error:
        print("check_baremetal_deployment: rejected by tripleo-ansible: %s" % error, file=sys.stderr)
        return 1
    output = {"tripleo_ansible": version, "stack": options.stack}
    output.update(result)
    print(json.dumps(output, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
