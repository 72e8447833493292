"""The test bed's stand-in for the inspection ramdisk (ironic-python-agent).

Nothing here boots. When ironic-inspector waits for a node's ramdisk (an
introspection in state `waiting`: started through Ironic's `inspector`
inspect interface, or directly with `openstack baremetal introspection
start`), this process posts that node's hardware inventory to inspector's
/v1/continue after a delay, as the ramdisk of a booted machine would.

The hardware: testbed/hardware.json (`default`, overridden per node name),
then $STATE/ramdisk/<node name>.json if a test wrote one, read anew for each
introspection:
  {"behaviour": "silent"}                  never call back (the node hangs in inspect wait)
  {"behaviour": "error", "error": "..."}   report a ramdisk error, as IPA does when it fails
  {"delay_seconds": 5, "memory_mb": ...}   anything of hardware.json's, for this node
The NICs are the node's Ironic ports, the first (or `pxe_mac`) the one it
PXE-booted from.

usage: ramdisk.py CLOUDS_YAML HARDWARE_JSON CONTROL_DIR DELAY_SECONDS
Sends only to loopback addresses: it refuses any other endpoint.
"""
import ipaddress
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import openstack

GIB = 1024 ** 3
POLL_SECONDS = 1
# How long a report is retried while inspector answers that it does not
# expect it yet (IPA retries its lookup the same way).
RETRY_SECONDS = 30


def log(message):
    print("%s ramdisk: %s" % (time.strftime("%H:%M:%S", time.gmtime()), message), flush=True)


def loopback_url(url):
    """The URL, if its host is a loopback address; the stand-in sends nowhere else."""
    host = urllib.parse.urlsplit(url).hostname
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit("ramdisk: refusing to send to %s: not a loopback address" % url)
    return url


def hardware_of(name, hardware, control_dir):
    """The node's description: the default, the node's entry, then the test's control file."""
    description = dict(hardware["default"])
    description.update(hardware.get("nodes", {}).get(name, {}))
    control = os.path.join(control_dir, "%s.json" % name)
    if name and os.path.exists(control):
        with open(control) as f:
            description.update(json.load(f))
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
    """The document the ramdisk posts to /v1/continue."""
    inv, disks, pxe_mac = inventory(description, macs)
    # IPA's root disk: the smallest disk of at least 4 GiB (no hints known to the ramdisk here).
    candidates = sorted((d for d in disks if d["size"] >= 4 * GIB), key=lambda d: d["size"])
    data = {
        "inventory": inv,
        "root_disk": candidates[0] if candidates else None,
        "boot_interface": "01-" + pxe_mac.replace(":", "-"),
        "configuration": {"collectors": ["default"], "managers": []},
        "error": None,
    }
    if description.get("behaviour") == "error":
        data["error"] = description.get("error", "ramdisk error")
    return data


def post(url, data):
    """POST as IPA does (no token: inspector's /v1/continue is open); returns (status, body)."""
    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main(clouds_yaml, hardware_json, control_dir, delay):
    os.environ["OS_CLIENT_CONFIG_FILE"] = clouds_yaml
    with open(hardware_json) as f:
        hardware = json.load(f)
    os.makedirs(control_dir, exist_ok=True)
    conn = openstack.connect(cloud="undercloud")
    # The catalog's endpoint, versioned or not (IPA is told the URL with /v1/continue the same way).
    root = conn.baremetal_introspection.get_endpoint().rstrip("/")
    continue_url = loopback_url((root[:-3] if root.endswith("/v1") else root) + "/v1/continue")
    log("watching inspector's introspections; reports go to %s after %ss" % (continue_url, delay))
    # A node's name, asked once per node: the stand-in should cost Ironic nothing while it "boots".
    seen, done, names = {}, set(), {}
    while True:
        try:
            waiting = [i for i in conn.baremetal_introspection.introspections() if i.state == "waiting"]
            for intro in waiting:
                key = (intro.id, intro.started_at)
                if key in done:
                    continue
                if intro.id not in names:
                    names[intro.id] = conn.baremetal.get_node(intro.id, fields=["uuid", "name"]).name
                name = names[intro.id]
                description = hardware_of(name, hardware, control_dir)
                first = seen.setdefault(key, time.monotonic())
                if description.get("behaviour") == "silent":
                    log("node %s: staying silent, as told (%s)" % (name, os.path.join(control_dir, name + ".json")))
                    done.add(key)
                    continue
                if time.monotonic() - first < float(description.get("delay_seconds", delay)):
                    continue
                macs = [p.address.lower() for p in conn.baremetal.ports(node_uuid=intro.id, fields=["address"])]
                if not macs:
                    log("node %s: no ports, so no NIC to report from; staying silent" % name)
                    done.add(key)
                    continue
                status, body = post(continue_url, report(description, macs))
                if status < 300:
                    log("node %s: inventory posted (%s)" % (name, "ramdisk error %r" % description["error"]
                                                            if description.get("behaviour") == "error" else "%d CPU, %d MiB, %d disk(s)" % (
                                                                description["cpus"], description["memory_mb"], len(description["disks"]))))
                    done.add(key)
                elif time.monotonic() - first > RETRY_SECONDS:
                    log("node %s: inspector refused the report (%s: %s); giving up" % (name, status, body[:300].strip()))
                    done.add(key)
                else:
                    log("node %s: inspector refused the report (%s: %s); retrying" % (name, status, body[:300].strip()))
        except openstack.exceptions.SDKException as error:
            log("cannot list introspections (%s); retrying" % error)
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
