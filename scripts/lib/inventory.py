#!/usr/bin/env python3
"""What a running lab has, read-only: one JSON inventory on stdout (`labcdk import`).

    UNDERCLOUD_CLOUD=undercloud OVERCLOUD_CLOUD=overcloud \\
    INVENTORY_NODES='["compute2"]' INVENTORY_INSTANCES='["lab_test-nodes"]' python3 inventory.py

Run by `labcdk import` (cli/import.ts), which turns it into a lab file and a
node file. It changes nothing: only GET requests, each bounded
(INVENTORY_API_TIMEOUT_SECONDS), the whole run too (INVENTORY_TIMEOUT_SECONDS),
through observation.Cloud as `labcdk verify` reads the clouds. BMC passwords
never leave this module: every driver_info key naming a password is dropped
as the node is read (Ironic masks them anyway), before anything else sees it.

Inputs (environment only):
  UNDERCLOUD_CLOUD, OVERCLOUD_CLOUD   clouds.yaml entries (default undercloud, overcloud)
  INVENTORY_NODES        JSON list of Ironic node names; empty or unset: every node
  INVENTORY_INSTANCES    JSON list of Nova server names; empty or unset: every server of the project
  INVENTORY_API_TIMEOUT_SECONDS   per request (default 10)
  INVENTORY_TIMEOUT_SECONDS       the whole run (default 120)
  OS_CLIENT_CONFIG_FILE  as for every OpenStack client

Output (stdout): {"version": 1, "clouds": {...}, "nodes": [...], "missingNodes": [...],
  "deployImages": {id: name}, "computeHosts": [...], "networks": [...], "subnets": [...],
  "routers": [...], "securityGroups": [...], "flavors": [...], "images": {id: name},
  "servers": [...], "missingServers": [...]}; shapes in the functions below.

Exit: 0 read; 2 a cloud could not be reached or answered an error, or out of time
(message on stderr naming the cloud); 1 bad input.
"""
import json
import os
import sys
import time
import urllib.parse

# No __pycache__ next to the scripts (they are a cdktf asset).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env_input import EnvInput  # noqa: E402
from observation import CannotObserve, Cloud, capabilities, deadline  # noqa: E402

INPUT = EnvInput("inventory")
die = INPUT.die
# Fields of a node (API 1.46: conductor_group; interfaces from 1.31). driver_info is read, and its passwords dropped at once.
NODE_FIELDS = ("uuid,name,driver,driver_info,properties,provision_state,maintenance,instance_uuid,resource_class,"
               "conductor_group,extra,boot_interface,deploy_interface,inspect_interface,management_interface,"
               "power_interface,network_interface,console_interface,raid_interface,rescue_interface,storage_interface,"
               "vendor_interface,bios_interface")
NODE_MICROVERSION = "1.46"
PROPERTY_KEYS = ("cpus", "memory_mb", "local_gb", "cpu_arch", "root_device")
# Nova's flavor of a server by name (original_name) from 2.47.
SERVER_MICROVERSION = "2.47"


def without_secrets(driver_info):
    """driver_info without any key that holds a password or other secret (ipmi_password, redfish_password, ...)."""
    secret = ("password", "secret", "token", "key")
    return {k: v for k, v in (driver_info or {}).items() if not any(word in k.lower() for word in secret)}


def node_entry(node, ports):
    """A node as the inventory shows it: no password, capabilities parsed, its ports."""
    properties = node.get("properties") or {}
    interfaces = {k: v for k, v in node.items() if k.endswith("_interface") and v}
    return {
        "uuid": node.get("uuid"),
        "name": node.get("name"),
        "driver": node.get("driver"),
        "driverInfo": without_secrets(node.get("driver_info")),
        "provisionState": node.get("provision_state"),
        "maintenance": bool(node.get("maintenance")),
        "instanceUuid": node.get("instance_uuid"),
        "resourceClass": node.get("resource_class"),
        "conductorGroup": node.get("conductor_group") or None,
        "extra": node.get("extra") or {},
        "interfaces": interfaces,
        "properties": {k: properties[k] for k in PROPERTY_KEYS if properties.get(k) not in (None, "")},
        "capabilities": capabilities(properties.get("capabilities")),
        "ports": sorted(({"address": p.get("address"), "physicalNetwork": p.get("physical_network"),
                          "localLinkConnection": p.get("local_link_connection") or None} for p in ports),
                        key=lambda p: p["address"] or ""),
    }


def paged(cloud, service, url, key, microversion=None):
    """Every item of a collection, following Ironic's `next` links."""
    items = []
    while url:
        page = cloud.get(service, url, microversion=microversion)
        items.extend(page.get(key, []))
        following = page.get("next")
        url = following[following.index("/" + key):] if following else None
    return items


def read_nodes(cloud, wanted):
    nodes = paged(cloud, "baremetal", "/nodes?fields=%s" % NODE_FIELDS, "nodes", NODE_MICROVERSION)
    for node in nodes:
        # Dropped here, before anything else holds the node.
        node["driver_info"] = without_secrets(node.get("driver_info"))
    if wanted:
        nodes = [n for n in nodes if n.get("name") in wanted]
    ports = paged(cloud, "baremetal", "/ports?fields=address,node_uuid,physical_network,local_link_connection", "ports", "1.34")
    by_node = {}
    for port in ports:
        by_node.setdefault(port.get("node_uuid"), []).append(port)
    found = sorted((node_entry(n, by_node.get(n.get("uuid"), [])) for n in nodes), key=lambda n: n["name"] or "")
    missing = sorted(set(wanted) - {n["name"] for n in found})
    return found, missing


def image_names(cloud):
    images = paged_glance(cloud)
    return {i["id"]: i.get("name") for i in images}


def paged_glance(cloud):
    items, url = [], "/images?limit=200"
    while url:
        page = cloud.get("image", url)
        items.extend(page.get("images", []))
        following = page.get("next")
        url = following[following.index("/images"):] if following else None
    return items


def server_entry(server, ports, floating_ips, images):
    flavor = server.get("flavor") or {}
    image = server.get("image") or {}
    image_id = image.get("id") if isinstance(image, dict) else None
    return {
        "id": server["id"],
        "name": server.get("name"),
        "status": server.get("status"),
        "host": server.get("OS-EXT-SRV-ATTR:host"),
        "availabilityZone": server.get("OS-EXT-AZ:availability_zone"),
        "imageId": image_id,
        "image": images.get(image_id) if image_id else None,
        "flavor": flavor.get("original_name"),
        "securityGroups": sorted({g.get("name") for g in server.get("security_groups") or []}),
        "ports": [{"id": p["id"], "name": p.get("name") or "", "networkId": p.get("network_id"),
                   "fixedIps": p.get("fixed_ips") or [], "securityGroupIds": sorted(p.get("security_groups") or []),
                   "floatingIps": [{"id": f["id"], "address": f.get("floating_ip_address"), "networkId": f.get("floating_network_id")}
                                   for f in floating_ips if f.get("port_id") == p["id"]]}
                  for p in ports],
    }


def read_servers(cloud, wanted, images):
    servers = cloud.get("compute", "/servers/detail", microversion=SERVER_MICROVERSION)["servers"]
    if wanted:
        servers = [s for s in servers if s.get("name") in wanted]
    result = []
    for server in sorted(servers, key=lambda s: (s.get("name") or "", s.get("created") or "")):
        ports = cloud.get("network", "/ports?device_id=%s" % urllib.parse.quote(server["id"], safe=""))["ports"]
        floating = []
        for port in ports:
            floating.extend(cloud.get("network", "/floatingips?port_id=%s" % urllib.parse.quote(port["id"], safe=""))["floatingips"])
        result.append(server_entry(server, ports, floating, images))
    missing = sorted(set(wanted) - {s["name"] for s in result})
    return result, missing


def rule_entry(rule):
    return {k: rule.get(k) for k in ("id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max",
                                     "remote_ip_prefix", "remote_group_id")}


def read_overcloud(cloud, wanted_servers):
    project = cloud.conn.current_project_id
    services = cloud.get("compute", "/os-services?binary=nova-compute")["services"]
    networks = cloud.get("network", "/networks")["networks"]
    subnets = cloud.get("network", "/subnets")["subnets"]
    routers = cloud.get("network", "/routers")["routers"]
    interfaces = cloud.get("network", "/ports?device_owner=network:router_interface")["ports"]
    groups = cloud.get("network", "/security-groups?project_id=%s" % urllib.parse.quote(project or "", safe=""))["security_groups"]
    flavors = cloud.get("compute", "/flavors/detail?is_public=None")["flavors"]
    images = image_names(cloud)
    servers, missing = read_servers(cloud, wanted_servers, images)
    return {
        "project": project,
        "computeHosts": sorted({s.get("host") for s in services if s.get("binary") == "nova-compute"}),
        "computeServices": sorted(({"host": s.get("host"), "status": s.get("status"), "state": s.get("state")}
                                   for s in services if s.get("binary") == "nova-compute"), key=lambda s: s["host"] or ""),
        "networks": [{"id": n["id"], "name": n.get("name"), "external": bool(n.get("router:external")), "subnets": n.get("subnets") or []}
                     for n in networks],
        "subnets": [{k: s.get(k) for k in ("id", "name", "network_id", "cidr", "ip_version", "enable_dhcp", "ipv6_address_mode")}
                    for s in subnets],
        "routers": [{"id": r["id"], "name": r.get("name"),
                     "externalNetworkId": (r.get("external_gateway_info") or {}).get("network_id"),
                     "subnetIds": sorted(ip.get("subnet_id") for p in interfaces if p.get("device_id") == r["id"] for ip in p.get("fixed_ips") or [])}
                    for r in routers],
        "securityGroups": [{"id": g["id"], "name": g.get("name"), "rules": [rule_entry(r) for r in g.get("security_group_rules") or []]}
                           for g in groups],
        "flavors": [{"id": f["id"], "name": f.get("name"), "vcpus": f.get("vcpus"), "ram": f.get("ram"), "disk": f.get("disk"),
                     "swap": f.get("swap") or 0} for f in flavors],
        "images": images,
        "servers": servers,
        "missingServers": missing,
    }


def main():
    INPUT.no_arguments(sys.argv, __doc__)
    nodes, servers = INPUT.names("INVENTORY_NODES"), INPUT.names("INVENTORY_INSTANCES")
    api_timeout = INPUT.seconds("INVENTORY_API_TIMEOUT_SECONDS", 10)
    seconds = INPUT.seconds("INVENTORY_TIMEOUT_SECONDS", 120)
    undercloud = Cloud("undercloud", INPUT.text("UNDERCLOUD_CLOUD", "undercloud"), api_timeout)
    overcloud = Cloud("overcloud", INPUT.text("OVERCLOUD_CLOUD", "overcloud"), api_timeout)
    with deadline(seconds, "INVENTORY_TIMEOUT_SECONDS", (undercloud, overcloud), die):
        try:
            undercloud.connect()
            found, missing = read_nodes(undercloud, nodes)
            deploy_images = image_names(undercloud) if undercloud.has("image") else {}
            overcloud.connect()
            inventory = {"version": 1, "readAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                         "clouds": {"undercloud": undercloud.name, "overcloud": overcloud.name},
                         "nodes": found, "missingNodes": missing, "deployImages": deploy_images}
            inventory.update(read_overcloud(overcloud, servers))
        except CannotObserve as error:
            die(str(error), 2)
    json.dump(inventory, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
