"""The test bed's stand-in for the inspection ramdisk (ironic-python-agent).

Nothing here boots. It serves two ways of inspecting, each if the cloud has it:
- ironic-inspector (Zed; Epoxy's `inspector` inspect interface): when
  inspector waits for a node's ramdisk (an introspection in state `waiting`:
  started through Ironic's `inspector` inspect interface, or directly with
  `openstack baremetal introspection start`), this process posts that node's
  hardware inventory to inspector's /v1/continue after a delay, as the
  ramdisk of a booted machine would;
- Ironic's own inspection (the `agent` inspect interface, Ironic API 1.84 and
  later: Epoxy): when a node with that interface is in `inspect wait`, this
  process posts its inventory to Ironic's /v1/continue_inspection, as IPA
  does (API version 1.84, no token; Ironic finds the node by its MACs).

The hardware: testbed/hardware.json (`default`, overridden per node name),
then $STATE/ramdisk/<node name>.json if a test wrote one, read anew for each
introspection:
  {"behaviour": "silent"}                  never call back (the node hangs in inspect wait)
  {"behaviour": "error", "error": "..."}   report a ramdisk error, as IPA does when it fails
  {"delay_seconds": 5, "memory_mb": ...}   anything of hardware.json's, for this node
The NICs are the node's Ironic ports, the first (or `pxe_mac`) the one it
PXE-booted from.

A node whose BMC is one of the bed's simulated BMCs (testbed/bmc; its
driver_info's ipmi_address/ipmi_port or redfish_address/redfish_system_id
name it) runs the ramdisk only when its machine boots from PXE: the BMC
says it is powered on, and the boot was from PXE. Each boot reports once;
the delay counts from when the boot was first seen. A node of a BMC
driver whose BMC is not simulated here never boots. Other nodes
(fake-hardware, manual-management) boot when their inspection waits.

usage: ramdisk.py CLOUDS_YAML HARDWARE_JSON CONTROL_DIR DELAY_SECONDS [BMC_DIR]
(BMC_DIR: default CONTROL_DIR/../bmc)
Sends only to loopback addresses: it refuses any other endpoint.
"""
import ipaddress
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import bmc

GIB = 1024 ** 3
POLL_SECONDS = 1
# How long a report is retried while inspector answers that it does not
# expect it yet (IPA retries its lookup the same way).
RETRY_SECONDS = 30
# What the report says when a control file asks for an error without giving one.
DEFAULT_ERROR = "ramdisk error"
# Ironic's API version of /v1/continue_inspection with its node lookup
# (ironic/api/controllers/v1/ramdisk.py: ContinueInspectionController).
CONTINUE_INSPECTION_VERSION = (1, 84)
# Listing the nodes in `inspect wait` with their inspect interface (API 1.31) and fields (1.8).
LIST_VERSION = "1.46"
AGENT_FIELDS = "uuid,name,inspect_interface,provision_updated_at,driver,driver_info"
# The hardware types whose power and boot device a simulated BMC holds, and how driver_info names it.
BMC_DRIVERS = ("ipmi", "redfish")


def log(message):
    print("%s ramdisk: %s" % (time.strftime("%H:%M:%S", time.gmtime()), message), flush=True)


def loopback_url(url):
    """The URL, if its host is a loopback address; the stand-in sends nowhere else."""
    host = urllib.parse.urlsplit(url).hostname
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name (it could resolve anywhere), or no host at all
        loopback = False
    if not loopback:
        raise SystemExit("ramdisk: refusing to send to %s: not a loopback address" % url)
    return url


def hardware_of(name, hardware, control_dir):
    """The node's description: the default, the node's entry, then the test's control file."""
    description = dict(hardware["default"])
    description.update(hardware.get("nodes", {}).get(name, {}))
    if name:
        try:
            with open(os.path.join(control_dir, "%s.json" % name)) as f:
                description.update(json.load(f))
        except FileNotFoundError:  # none, or removed by the test since
            pass
    return description


def inventory(description, macs):
    """An IPA inventory (ironic-python-agent's hardware.list_hardware_info) for the description."""
    pxe_mac = description.get("pxe_mac", macs[0]).lower()
    interfaces = [{
        "name": "eth%d" % index,
        "mac_address": mac,
        "ipv4_address": description["pxe_ipv4"] if mac == pxe_mac else None,
        "ipv6_address": None,
        "has_carrier": True,
        "lldp": None,
        "vendor": "0x1af4",
        "product": "0x0001",
        "client_id": None,
        "biosdevname": None,
        "speed_mbps": 1000,
    } for index, mac in enumerate(macs)]
    disks = [{
        "name": disk["name"],
        "model": disk.get("model", ""),
        "vendor": disk.get("vendor", ""),
        "size": int(disk["size_gib"] * GIB),
        "rotational": disk.get("rotational", True),
        "serial": disk.get("serial"),
        "wwn": disk.get("wwn"),
        "wwn_with_extension": disk.get("wwn"),
        "wwn_vendor_extension": None,
        "hctl": disk.get("hctl"),
        "by_path": disk.get("by_path"),
    } for disk in description["disks"]]
    return {
        "interfaces": interfaces,
        "cpu": {"model_name": description["cpu_model"], "frequency": "2400.000", "count": description["cpus"],
                "architecture": description["cpu_arch"], "flags": description["cpu_flags"], "socket_count": 1},
        "disks": disks,
        "memory": {"total": description["memory_mb"] * 1024 * 1024, "physical_mb": description["memory_mb"]},
        "bmc_address": description["bmc_address"],
        "bmc_v6address": "::/0",
        "system_vendor": description["system_vendor"],
        "boot": {"current_boot_mode": description["boot_mode"], "pxe_interface": "01-" + pxe_mac.replace(":", "-")},
        "hostname": "localhost.localdomain",
    }, disks, pxe_mac


def report(description, macs):
    """The document the ramdisk posts to /v1/continue (or /v1/continue_inspection:
    the inventory, and the rest as plugin data)."""
    inv, disks, pxe_mac = inventory(description, macs)
    # IPA's root disk: the smallest disk of at least 4 GiB, the first by name
    # among equals (utils.guess_root_disk; no hints known to the ramdisk here).
    candidates = sorted((d for d in disks if d["size"] >= 4 * GIB), key=lambda d: (d["size"], d["name"]))
    data = {
        "inventory": inv,
        "root_disk": candidates[0] if candidates else None,
        "boot_interface": "01-" + pxe_mac.replace(":", "-"),
        "configuration": {"collectors": ["default"], "managers": []},
        "error": None,
    }
    if description.get("behaviour") == "error":
        data["error"] = description.get("error", DEFAULT_ERROR)
    return data


def post(url, data, headers=None):
    """POST as IPA does (no token: inspector's /v1/continue and Ironic's
    /v1/continue_inspection are open); returns (status, body), or (None, why)
    when nothing answered (the caller retries as for a refusal)."""
    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST",
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, OSError) as error:  # refused, reset, timed out
        return None, str(getattr(error, "reason", error))


class Ramdisk:
    """One ramdisk per node and inspection: when it first saw the node wait, whether it is done."""

    def __init__(self, hardware, control_dir, delay):
        self.hardware, self.control_dir, self.delay = hardware, control_dir, delay
        self.seen, self.done = {}, set()

    def forget_all_but(self, keys):
        """Forgets every inspection but KEYS (those still waiting): one that ended is never listed
        again (a new one has a new key), so a long-running stand-in holds only what waits now."""
        keys = set(keys)
        self.seen = {key: first for key, first in self.seen.items() if key in keys}
        self.done &= keys

    def serve(self, key, name, macs_of, send):
        """Report for the node of inspection KEY (once, after its delay): MACS_OF()
        lists its NICs, SEND(data) posts and returns (status, body)."""
        if key in self.done:
            return
        first = self.seen.setdefault(key, time.monotonic())
        try:
            description = hardware_of(name, self.hardware, self.control_dir)
        except ValueError as error:  # a control file read while the test was writing it, or not JSON
            log("node %s: its control file is not JSON yet (%s); reading it again" % (name, error))
            return
        if description.get("behaviour") == "silent":
            log("node %s: staying silent, as told (%s)" % (name, os.path.join(self.control_dir, name + ".json")))
            self.done.add(key)
            return
        if time.monotonic() - first < float(description.get("delay_seconds", self.delay)):
            return
        macs = macs_of()
        if not macs:
            log("node %s: no ports, so no NIC to report from; staying silent" % name)
            self.done.add(key)
            return
        status, body = send(report(description, macs))
        why = "was refused (%s: %s)" % (status, body[:300].strip()) if status is not None else "could not be sent (%s)" % body
        if status is not None and status < 300:
            log("node %s: inventory posted (%s)" % (name, "ramdisk error %r" % description.get("error", DEFAULT_ERROR)
                                                    if description.get("behaviour") == "error" else "%d CPU, %d MiB, %d disk(s)" % (
                                                        description["cpus"], description["memory_mb"], len(description["disks"]))))
            self.done.add(key)
        elif time.monotonic() - first > RETRY_SECONDS:
            log("node %s: the report %s; giving up" % (name, why))
            self.done.add(key)
        else:
            log("node %s: the report %s; retrying" % (name, why))


def bmc_of(records, driver, driver_info):
    """The name of the simulated BMC that a node's driver_info reaches, or None."""
    info = driver_info or {}
    if driver == "ipmi":
        return records.by_endpoint("ipmi", info.get("ipmi_address"), info.get("ipmi_port"))
    if driver == "redfish":
        url = urllib.parse.urlsplit(info.get("redfish_address") or "")
        if not url.hostname:  # a bare host: Redfish's default https port
            url = urllib.parse.urlsplit("https://" + (info.get("redfish_address") or ""))
        port = url.port or (443 if url.scheme == "https" else 80)
        system = (info.get("redfish_system_id") or "").rstrip("/").rsplit("/", 1)[-1] or None
        return records.by_endpoint("redfish", url.hostname, port, system)
    return None


def boot_of(records, node):
    """Whether NODE's machine runs a ramdisk now: (True, None) for a node without a BMC of its
    own here (it boots when its inspection waits); (True, boot number) when its simulated BMC
    says it is on and last booted from PXE; (False, why) otherwise."""
    if node.get("driver") not in BMC_DRIVERS:
        return True, None
    name = bmc_of(records, node["driver"], node.get("driver_info"))
    if name is None:
        return False, "its BMC (%s driver_info) is not one of the bed's simulated BMCs" % node["driver"]
    state = records.state(name)
    boot = state.get("last_boot") or {}
    if state.get("power") != "on" or boot.get("device") != "pxe":
        return False, "its BMC %s says power %s, last boot from %s" % (name, state.get("power"), boot.get("device"))
    return True, "%s#%d" % (name, state.get("boots", 0))


def api_root(endpoint):
    """An API's root URL from its catalog endpoint, versioned or not."""
    root = endpoint.rstrip("/")
    return root[:-3] if root.endswith("/v1") else root


def ironic_max_version(conn):
    """Ironic's newest API version, as (major, minor)."""
    with urllib.request.urlopen(loopback_url(api_root(conn.baremetal.get_endpoint()) + "/"), timeout=30) as response:
        version = json.load(response)["default_version"]["version"]
    return tuple(int(x) for x in version.split("."))


def agent_inspections(nodes):
    """The inspections Ironic runs itself, from a GET /v1/nodes?provision_state=inspect wait
    listing: (key, uuid, name) for each node of the agent interface. An inspection is
    a node's stay in `inspect wait`, known by the time it began (provision_updated_at),
    so a retry that brings the node back between two polls is a new one."""
    return [(("agent", n["uuid"], n["provision_updated_at"]), n["uuid"], n.get("name") or n["uuid"])
            for n in nodes if n.get("inspect_interface") == "agent"]


def main(clouds_yaml, hardware_json, control_dir, delay, bmc_dir):
    import openstack  # here, not at the top: the unit tests of the rest need no openstacksdk
    from keystoneauth1 import exceptions as keystoneauth_errors  # openstacksdk's transport

    os.environ["OS_CLIENT_CONFIG_FILE"] = clouds_yaml
    with open(hardware_json) as f:
        hardware = json.load(f)
    os.makedirs(control_dir, exist_ok=True)
    conn = openstack.connect(cloud="undercloud")
    ramdisk = Ramdisk(hardware, control_dir, delay)
    records = bmc.Records(bmc_dir, "", 0)
    not_booted = {}  # node uuid → why its machine runs no ramdisk (logged when it changes)

    def booted(key, node):
        """KEY for this boot of NODE's machine, or None while it runs no ramdisk."""
        running, boot = boot_of(records, node)
        if not running:
            if not_booted.get(node["uuid"]) != boot:
                log("node %s: waits for a ramdisk, but its machine has not booted one: %s" % (node.get("name") or node["uuid"], boot))
                not_booted[node["uuid"]] = boot
            return None
        not_booted.pop(node["uuid"], None)
        return key + (boot,)
    ports_of = lambda uuid: lambda: [p.address.lower() for p in conn.baremetal.ports(node_uuid=uuid, fields=["address"])]

    # ironic-inspector, if the catalog has it.
    continue_url = None
    if conn.endpoint_for("baremetal-introspection"):
        # The catalog's endpoint, versioned or not (IPA is told the URL with /v1/continue the same way).
        continue_url = loopback_url(api_root(conn.baremetal_introspection.get_endpoint()) + "/v1/continue")
        log("watching inspector's introspections; reports go to %s after %ss" % (continue_url, delay))
    # Ironic's own inspection, if its API has it.
    inspection_url = None
    if ironic_max_version(conn) >= CONTINUE_INSPECTION_VERSION:
        inspection_url = loopback_url(api_root(conn.baremetal.get_endpoint()) + "/v1/continue_inspection")
        log("watching Ironic's nodes in inspect wait (inspect interface agent); reports go to %s after %ss"
            % (inspection_url, delay))
        ironic_headers = {"X-OpenStack-Ironic-API-Version": "%d.%d" % CONTINUE_INSPECTION_VERSION}
    if not continue_url and not inspection_url:
        raise SystemExit("ramdisk: neither ironic-inspector nor Ironic's /v1/continue_inspection: nothing to serve")

    # A waiting node's name, asked once while it waits: the stand-in should cost Ironic nothing while it "boots".
    names = {}
    while True:
        try:
            waiting = []  # the keys of this round's waiting inspections whose machine runs a ramdisk
            listed = set()  # the UUIDs of every node waiting this round
            if continue_url:
                for intro in conn.baremetal_introspection.introspections():
                    if intro.state != "waiting":
                        continue
                    listed.add(intro.id)
                    if intro.id not in names:
                        node = conn.baremetal.get_node(intro.id, fields=["uuid", "name", "driver", "driver_info"])
                        names[intro.id] = {"uuid": node.id, "name": node.name, "driver": node.driver,
                                           "driver_info": node.driver_info}
                    key = booted(("inspector", intro.id, intro.started_at), names[intro.id])
                    if key is None:
                        continue
                    waiting.append(key)
                    # by UUID if it has no name, as for Ironic's own inspection below
                    ramdisk.serve(key, names[intro.id]["name"] or intro.id, ports_of(intro.id),
                                  lambda data: post(continue_url, data))
            if inspection_url:
                # Raw GET: openstacksdk's Node has no provision_updated_at.
                listing = conn.baremetal.get("/nodes?provision_state=inspect%20wait&fields=" + AGENT_FIELDS,
                                             microversion=LIST_VERSION)
                if listing.status_code != 200:
                    raise openstack.exceptions.SDKException("GET /v1/nodes: HTTP %s" % listing.status_code)
                nodes = {n["uuid"]: n for n in listing.json()["nodes"]}
                for key, uuid, name in agent_inspections(nodes.values()):
                    listed.add(uuid)
                    key = booted(key, nodes[uuid])
                    if key is None:
                        continue
                    waiting.append(key)
                    ramdisk.serve(key, name, ports_of(uuid), lambda data: post(inspection_url, data, ironic_headers))
            # Only after a whole round was listed: what no longer waits is forgotten.
            ramdisk.forget_all_but(waiting)
            names = {uuid: node for uuid, node in names.items() if uuid in listed}
            for uuid in set(not_booted) - listed:
                del not_booted[uuid]
        # A listing that fails, also below openstacksdk (Keystone or Ironic not answering for a
        # moment), is tried again at the next poll: the stand-in must outlive a restart of either.
        except (openstack.exceptions.SDKException, keystoneauth_errors.ClientException) as error:
            log("cannot list what waits for a ramdisk (%s); retrying" % error)
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6) or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]),
         sys.argv[5] if len(sys.argv) == 6 else os.path.join(os.path.dirname(sys.argv[3].rstrip("/")), "bmc"))
