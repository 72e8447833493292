"""Read-only observation of the clouds a lab uses, shared by observe-lab.py
(`labcdk verify`) and observe-step.py (the plan-time observations of the
stacks' labcdk_observation resources).

Every request is a bounded GET; failures raise CannotObserve naming the cloud.
Ironic nodes are read with an explicit field list, so driver_info (BMC
addresses, users, passwords) is never fetched, let alone printed.
"""
import contextlib
import os
import re
import signal
import urllib.parse

ENV = os.environ


class CannotObserve(Exception):
    pass


class Cloud:
    """One clouds.yaml entry; every request is a bounded GET, failures name the cloud."""

    def __init__(self, role, name, timeout):
        self.role, self.name, self.timeout, self.conn = role, name, timeout, None
        self.step, self.started = "connecting", False

    def connect(self):
        import openstack  # noqa: late import: --help works without openstacksdk

        self.started = True

        clouds_yaml = ENV.get("OS_CLIENT_CONFIG_FILE", "default locations")
        try:
            self.conn = openstack.connect(cloud=self.name, api_timeout=self.timeout)
        except Exception as error:  # no such entry, a clouds.yaml that does not parse, an entry without auth
            raise CannotObserve("%s cloud %r is not configured (clouds.yaml: %s): %s"
                                % (self.role, self.name, clouds_yaml, one_line(error)))
        try:
            self.conn.authorize()
        except Exception as error:  # DNS, refused, 401, timeouts
            raise CannotObserve("%s cloud %r cannot be reached (clouds.yaml: %s): %s"
                                % (self.role, self.name, clouds_yaml, one_line(error)))
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


@contextlib.contextmanager
def deadline(seconds, variable, clouds, die):
    """Runs the block under one deadline for all its requests (SIGALRM, `seconds` from `variable`).
    Out of time, die(message, 2) names the cloud being read (the last of `clouds` that began to
    connect) and the request it was at."""
    def out_of_time(*_):
        cloud = ([c for c in clouds if c.started] or list(clouds[:1]))[-1]
        die("gave up after %gs (%s) on the %s cloud %r, at: %s" % (seconds, variable, cloud.role, cloud.name, cloud.step), 2)

    signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def one_line(value):
    return " ".join(str(value).split())


def variable_suffix(name):
    """A node name in environment-variable names (LABCDK_BMC_PASSWORD_<NAME>, NODE_CAPABILITIES_<NAME>): upper-cased,
    every character other than A-Z and 0-9 as "_" (as nodeVariableSuffix in lab/ironic-fields.ts; both are tested
    against __tests__/fixtures/node-variable-names.json)."""
    return re.sub("[^A-Z0-9]", "_", name.upper())


def capabilities(text):
    """Ironic's `key:value,...` (or a dict) as a dict, key and value trimmed. Lenient, for what a
    node holds: a pair without a value reads as an empty one, an empty key is skipped (the lab's
    own capabilities were checked by parseCapabilities in lab/instackenv.ts; both parsers are
    tested against __tests__/fixtures/capabilities.json)."""
    if isinstance(text, dict):
        return {str(k): str(v) for k, v in text.items()}
    result = {}
    for pair in str(text or "").split(","):
        key, _, value = pair.partition(":")
        if key.strip():
            result[key.strip()] = value.strip()
    return result


NODE_FIELDS = "uuid,name,provision_state,power_state,maintenance,maintenance_reason,instance_uuid,properties"


def observe_node(cloud, name):
    # Fields listed explicitly (API 1.8): driver_info is never fetched. Names in the URL need 1.5.
    node = cloud.get("baremetal", "/nodes/%s?fields=%s" % (urllib.parse.quote(name, safe=""), NODE_FIELDS), microversion="1.8", missing_ok=True)
    return None if node is None else node_summary(node)


def observe_nodes(cloud, names):
    """The named nodes that exist, by name: one list request (per page of the API's limit), not one per node."""
    wanted, found = set(names), {}
    url = "/nodes?fields=name,%s" % NODE_FIELDS
    while url:
        page = cloud.get("baremetal", url, microversion="1.8")
        for node in page.get("nodes", []):
            if node.get("name") in wanted:
                found[node["name"]] = node_summary(node)
        following = page.get("next")
        url = following[following.index("/nodes"):] if following else None
    return found


# What Ironic's power sync writes when it gives up on a node's BMC (since Kilo; `fault` "power failure"
# from API 1.42): the node is then in maintenance until the BMC answers its next check.
POWER_SYNC_REASON = "During sync_power_state"


def power_failure(maintenance, fault, reason):
    """Whether Ironic put the node in maintenance because its power sync could not talk to the BMC
    (a password rotated on the BMC, a BMC gone): `fault` when the API gives it, else the reason's words."""
    return bool(maintenance) and (fault == "power failure" or (fault is None and (reason or "").startswith(POWER_SYNC_REASON)))


def node_summary(node):
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


def observe_server(cloud, server_id):
    """Host and status of one server by id, or None when Nova has no such server."""
    server = cloud.get("compute", "/servers/%s" % urllib.parse.quote(server_id, safe=""), missing_ok=True)
    if server is None:
        return None
    server = server["server"]
    return {"host": server.get("OS-EXT-SRV-ATTR:host"), "status": server.get("status")}
