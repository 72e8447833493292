#!/usr/bin/env python3
"""Observe, read-only, what the clouds have for a lab: one JSON document on stdout.

    OBSERVE_NODES='["compute2"]' OBSERVE_COMPUTE_HOSTS='["compute-0"]' \\
    OBSERVE_INSTANCES='["lab_test-nodes"]' python3 observe-lab.py

Run by `labcdk verify` (cli/verify.ts), which compares it with the lab file;
meant to be reused as a plan-time data source (drift detection). It changes
nothing: only GET requests. Ironic nodes are read with an explicit field list,
so driver_info (BMC addresses, users, passwords) is never fetched, let alone
printed.

Inputs (environment only):
  UNDERCLOUD_CLOUD        clouds.yaml entry of the undercloud (Ironic, Heat); default undercloud
  OVERCLOUD_CLOUD         clouds.yaml entry of the overcloud (Nova, Neutron); default overcloud
  OBSERVE_NODES           JSON list of Ironic node names            (default [])
  OBSERVE_COMPUTE_HOSTS   JSON list of Nova compute host names      (default [])
  OBSERVE_INSTANCES       JSON list of Nova server names            (default [])
  OBSERVE_HEAT_STACK      Heat stack name on the undercloud; empty: not observed
  OBSERVE_API_TIMEOUT_SECONDS   per API request (default 10)
  OBSERVE_TIMEOUT_SECONDS       the whole run (default 60)
  OS_CLIENT_CONFIG_FILE   as for every OpenStack client

Output (stdout, one JSON object; absent things are null, never an error):
  {
    "version": 1,
    "observedAt": "2026-01-01T00:00:00Z",
    "clouds": {"undercloud": "undercloud", "overcloud": "overcloud"},
    "nodes": {                                   # per OBSERVE_NODES name
      "compute2": null                           # no such node
        | {"uuid": "...", "provisionState": "available", "powerState": "power off",
           "maintenance": false, "maintenanceReason": null, "instanceUuid": null,
           "properties": {"cpus": 2, "memory_mb": 6144, "local_gb": 40, "cpu_arch": "x86_64"},
           "capabilities": {"profile": "compute", "boot_option": "local"}}
    },
    "computeHosts": {                            # per OBSERVE_COMPUTE_HOSTS name
      "compute-0": {"service": null | {"status": "enabled", "state": "up", "disabledReason": null},
                    "hypervisor": null | {"hostname": "compute-0", "state": "up", "status": "enabled"}}
    },
    "heatStack": null                            # OBSERVE_HEAT_STACK empty
      | {"available": false, "reason": "..."}    # no Heat in the undercloud's catalog
      | {"available": true, "name": "overcloud", "status": null | "UPDATE_COMPLETE"},
    "instances": {                               # per OBSERVE_INSTANCES name
      "lab_test-nodes": null
        | {"id": "...", "count": 1, "status": "ACTIVE", "host": "compute-1",
           "floatingIps": ["172.25.250.51"],
           "migrations": [{"source": "compute-0", "dest": "compute-1", "status": "confirmed",
                           "type": "migration", "createdAt": "..."}]}   # oldest first
    }
  }
  "count" > 1: several servers have the name; the newest is described.
  properties values are as Ironic stores them (numbers or strings); capabilities
  are parsed from the "key:value,..." string.

Exit: 0 observed (whatever was found); 2 a cloud could not be reached or
answered with an error (message on stderr naming the cloud), or the run took
longer than OBSERVE_TIMEOUT_SECONDS; 1 bad input.
"""
import json
import os
import sys
import time

# No __pycache__ next to the scripts: they are a cdktf asset, hashed into the synthesized stack.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from env_input import EnvInput  # noqa: E402
from observation import CannotObserve, Cloud, deadline, observe_compute_hosts, observe_heat_stack, observe_instance, observe_node  # noqa: E402

INPUT = EnvInput("observe-lab")
die = INPUT.die


def main():
    INPUT.no_arguments(sys.argv, __doc__)

    nodes, hosts, instances = INPUT.names("OBSERVE_NODES"), INPUT.names("OBSERVE_COMPUTE_HOSTS"), INPUT.names("OBSERVE_INSTANCES")
    stack = INPUT.text("OBSERVE_HEAT_STACK")
    api_timeout = INPUT.seconds("OBSERVE_API_TIMEOUT_SECONDS", 10)
    seconds = INPUT.seconds("OBSERVE_TIMEOUT_SECONDS", 60)
    undercloud = Cloud("undercloud", INPUT.text("UNDERCLOUD_CLOUD", "undercloud"), api_timeout)
    overcloud = Cloud("overcloud", INPUT.text("OVERCLOUD_CLOUD", "overcloud"), api_timeout)

    observed = {
        "version": 1,
        "observedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "clouds": {"undercloud": undercloud.name, "overcloud": overcloud.name},
        "nodes": {},
        "computeHosts": {},
        "heatStack": None,
        "instances": {},
    }
    with deadline(seconds, "OBSERVE_TIMEOUT_SECONDS", (undercloud, overcloud), die):
        try:
            if nodes or stack:
                undercloud.connect()
                for name in nodes:
                    observed["nodes"][name] = observe_node(undercloud, name)
                if stack:
                    observed["heatStack"] = observe_heat_stack(undercloud, stack)
            if hosts or instances:
                overcloud.connect()
                if hosts:
                    observed["computeHosts"] = observe_compute_hosts(overcloud, hosts)
                for name in instances:
                    observed["instances"][name] = observe_instance(overcloud, name)
        except CannotObserve as error:
            die(str(error), 2)
    json.dump(observed, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
