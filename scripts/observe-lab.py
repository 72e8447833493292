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
import signal
import sys
import time
import urllib.parse

ENV = os.environ
SCRIPT = "observe-lab"


class CannotObserve(Exception):
    pass


def die(message, code):
    print("%s [%s] error: %s" % (time.strftime("%H:%M:%S", time.gmtime()), SCRIPT, message), file=sys.stderr, flush=True)
    sys.exit(code)


def names(variable):
    text = ENV.get(variable, "").strip()
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError as error:
        die("%s is not JSON: %s" % (variable, error), 1)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        die("%s must be a JSON list of names (got %s)" % (variable, text[:200]), 1)
    return value


def seconds(variable, default):
    text = ENV.get(variable, "")
    try:
        return float(text) if text else default
    except ValueError:
        die("%s must be a number of seconds (got %r)" % (variable, text), 1)


class Cloud:
    """One clouds.yaml entry; every request is a bounded GET, failures name the cloud."""

    def __init__(self, role, name, timeout):
        self.role, self.name, self.timeout, self.conn = role, name, timeout, None
        self.step = "connecting"

    def connect(self):
        import openstack  # noqa: late import: --help works without openstacksdk

        try:
            self.conn = openstack.connect(cloud=self.name, api_timeout=self.timeout)
            self.conn.authorize()
        except Exception as error:  # config, DNS, refused, 401, timeouts: all "cannot observe"
            raise CannotObserve("%s cloud %r cannot be reached (clouds.yaml: %s): %s"
                                % (self.role, self.name, ENV.get("OS_CLIENT_CONFIG_FILE", "default locations"), one_line(error)))
        return self

    def has(self, service_type):
        try:
            return self.conn.has_service(service_type)
        except Exception as error:
            raise CannotObserve("%s cloud %r: reading the service catalog failed: %s" % (self.role, self.name, one_line(error)))

    def get(self, service, url, microversion=None, missing_ok=False):
        """JSON of GET url on the service proxy; None for a 404 when missing_ok."""
        self.step = "GET %s %s" % (service, url)
        proxy = getattr(self.conn, service)
        try:
            response = proxy.get(url, microversion=microversion, raise_exc=False)
        except Exception as error:
            raise CannotObserve("%s cloud %r: %s failed: %s" % (self.role, self.name, self.step, one_line(error)))
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise CannotObserve("%s cloud %r: %s answered HTTP %d: %s"
                                % (self.role, self.name, self.step, response.status_code, one_line(response.text)[:300]))
        return response.json()


def one_line(value):
    return " ".join(str(value).split())


def capabilities(text):
    if isinstance(text, dict):
        return {str(k): str(v) for k, v in text.items()}
    result = {}
    for pair in str(text or "").split(","):
        key, _, value = pair.strip().partition(":")
        if key:
            result[key] = value
    return result


NODE_FIELDS = "uuid,name,provision_state,power_state,maintenance,maintenance_reason,instance_uuid,properties"


def observe_node(cloud, name):
    # Fields listed explicitly (API 1.8): driver_info is never fetched. Names in the URL need 1.5.
    node = cloud.get("baremetal", "/nodes/%s?fields=%s" % (urllib.parse.quote(name, safe=""), NODE_FIELDS), microversion="1.8", missing_ok=True)
    if node is None:
        return None
    properties = node.get("properties") or {}
    return {
        "uuid": node.get("uuid"),
        "provisionState": node.get("provision_state"),
        "powerState": node.get("power_state"),
        "maintenance": bool(node.get("maintenance")),
        "maintenanceReason": node.get("maintenance_reason"),
        "instanceUuid": node.get("instance_uuid"),
        "properties": {key: properties.get(key) for key in ("cpus", "memory_mb", "local_gb", "cpu_arch")},
        "capabilities": capabilities(properties.get("capabilities")),
    }


def observe_compute_hosts(cloud, hosts):
    services = cloud.get("compute", "/os-services?binary=nova-compute")["services"]
    hypervisors = cloud.get("compute", "/os-hypervisors/detail")["hypervisors"]
    result = {}
    for host in hosts:
        service = next((s for s in services if s.get("host") == host and s.get("binary") == "nova-compute"), None)
        hypervisor = next((h for h in hypervisors
                           if h.get("hypervisor_hostname") == host or (h.get("service") or {}).get("host") == host), None)
        result[host] = {
            "service": service and {"status": service.get("status"), "state": service.get("state"), "disabledReason": service.get("disabled_reason")},
            "hypervisor": hypervisor and {"hostname": hypervisor.get("hypervisor_hostname"), "state": hypervisor.get("state"), "status": hypervisor.get("status")},
        }
    return result


def observe_heat_stack(cloud, name):
    if not cloud.has("orchestration"):
        return {"available": False, "reason": "no orchestration (Heat) service in the catalog of the undercloud cloud %r" % cloud.name}
    stacks = cloud.get("orchestration", "/stacks?name=%s" % urllib.parse.quote(name, safe=""))["stacks"]
    stack = next((s for s in stacks if s.get("stack_name") == name), None)
    return {"available": True, "name": name, "status": stack and stack.get("stack_status")}


def observe_instance(overcloud, name):
    # Nova's name filter is a regular expression: ask for the name, keep exact matches.
    servers = overcloud.get("compute", "/servers/detail?name=%s" % urllib.parse.quote(name, safe=""))["servers"]
    servers = sorted((s for s in servers if s.get("name") == name), key=lambda s: s.get("created") or "")
    if not servers:
        return None
    server = servers[-1]
    floating = []
    ports = overcloud.get("network", "/ports?device_id=%s&fields=id" % server["id"])["ports"]
    for port in ports:
        for ip in overcloud.get("network", "/floatingips?port_id=%s" % port["id"])["floatingips"]:
            floating.append(ip.get("floating_ip_address"))
    migrations = overcloud.get("compute", "/os-migrations?instance_uuid=%s" % server["id"], microversion="2.59")["migrations"]
    migrations = sorted(migrations, key=lambda m: m.get("created_at") or "")
    return {
        "id": server["id"],
        "count": len(servers),
        "status": server.get("status"),
        "host": server.get("OS-EXT-SRV-ATTR:host"),
        "floatingIps": sorted(floating),
        "migrations": [{"source": m.get("source_compute"), "dest": m.get("dest_compute"), "status": m.get("status"),
                        "type": m.get("migration_type"), "createdAt": m.get("created_at")} for m in migrations],
    }


def main():
    if len(sys.argv) > 1:
        if sys.argv[1] in ("-h", "--help"):
            print(__doc__)
            return
        die("no arguments; inputs come from the environment (see --help)", 1)

    nodes, hosts, instances = names("OBSERVE_NODES"), names("OBSERVE_COMPUTE_HOSTS"), names("OBSERVE_INSTANCES")
    stack = ENV.get("OBSERVE_HEAT_STACK", "").strip()
    api_timeout = seconds("OBSERVE_API_TIMEOUT_SECONDS", 10)
    deadline = seconds("OBSERVE_TIMEOUT_SECONDS", 60)
    undercloud = Cloud("undercloud", ENV.get("UNDERCLOUD_CLOUD") or "undercloud", api_timeout)
    overcloud = Cloud("overcloud", ENV.get("OVERCLOUD_CLOUD") or "overcloud", api_timeout)
    current = [undercloud]

    def out_of_time(*_):
        cloud = current[0]
        die("gave up after %ds (OBSERVE_TIMEOUT_SECONDS) on the %s cloud %r, at: %s" % (deadline, cloud.role, cloud.name, cloud.step), 2)

    signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, deadline)

    observed = {
        "version": 1,
        "observedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "clouds": {"undercloud": undercloud.name, "overcloud": overcloud.name},
        "nodes": {},
        "computeHosts": {},
        "heatStack": None,
        "instances": {},
    }
    try:
        if nodes or stack:
            undercloud.connect()
            for name in nodes:
                observed["nodes"][name] = observe_node(undercloud, name)
            if stack:
                observed["heatStack"] = observe_heat_stack(undercloud, stack)
        if hosts or instances:
            current[0] = overcloud
            overcloud.connect()
            if hosts:
                observed["computeHosts"] = observe_compute_hosts(overcloud, hosts)
            for name in instances:
                observed["instances"][name] = observe_instance(overcloud, name)
    except CannotObserve as error:
        die(str(error), 2)
    signal.setitimer(signal.ITIMER_REAL, 0)
    json.dump(observed, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
