"""Unit tests of scripts/lib/inventory.py (`labcdk import`'s read of the clouds), against a
recording stand-in for observation.Cloud: what is read (GET only, by URL), that no password
leaves the module, and the shapes cli/import.ts reads. The run against the test bed is
__tests__/integration/import.test.ts."""
import json
import unittest

import inventory


class FakeCloud:
    """Answers GETs from a {url-prefix: document} map and records every URL asked for."""

    def __init__(self, answers, project="p1"):
        self.answers, self.urls = answers, []
        self.conn = type("Conn", (), {"current_project_id": project})()

    def get(self, service, url, microversion=None, missing_ok=False):
        self.urls.append((service, url))
        for prefix, document in self.answers.items():
            if url.startswith(prefix):
                return json.loads(json.dumps(document))
        raise AssertionError("unexpected GET %s %s" % (service, url))


NODE = {
    "uuid": "u1", "name": "compute2", "driver": "ipmi", "provision_state": "available", "maintenance": False,
    "instance_uuid": None, "resource_class": "baremetal", "conductor_group": "", "extra": {},
    "boot_interface": "ipxe", "vendor_interface": None,
    "driver_info": {"ipmi_address": "127.0.0.9", "ipmi_username": "admin", "ipmi_password": "s3cret-unique", "ipmi_port": 623,
                    "deploy_kernel": "k1", "deploy_ramdisk": "r1", "redfish_auth_token": "tok"},
    "properties": {"cpus": "2", "memory_mb": "6144", "local_gb": "39", "cpu_arch": "x86_64",
                   "capabilities": "profile:compute,boot_option:local", "vendor": "x"},
}


class Nodes(unittest.TestCase):
    def setUp(self):
        self.cloud = FakeCloud({
            "/nodes?": {"nodes": [NODE, dict(NODE, uuid="u2", name="other", driver_info={})]},
            "/ports?": {"ports": [{"address": "52:54:00:00:00:02", "node_uuid": "u1", "physical_network": "ctlplane", "local_link_connection": {}}]},
        })

    def test_given_a_node_with_a_bmc_password_when_read_then_no_password_or_token_is_in_the_inventory(self):
        found, _ = inventory.read_nodes(self.cloud, ["compute2"])
        text = json.dumps(found)
        self.assertNotIn("s3cret-unique", text)
        self.assertNotIn("password", text)
        self.assertNotIn("tok", text)
        self.assertEqual(found[0]["driverInfo"], {"ipmi_address": "127.0.0.9", "ipmi_username": "admin", "ipmi_port": 623,
                                                  "deploy_kernel": "k1", "deploy_ramdisk": "r1"})

    def test_given_names_when_read_then_only_those_nodes_with_parsed_capabilities_ports_and_the_missing_named(self):
        found, missing = inventory.read_nodes(self.cloud, ["compute2", "ghost"])
        self.assertEqual([n["name"] for n in found], ["compute2"])
        self.assertEqual(missing, ["ghost"])
        node = found[0]
        self.assertEqual(node["capabilities"], {"profile": "compute", "boot_option": "local"})
        self.assertEqual(node["properties"], {"cpus": "2", "memory_mb": "6144", "local_gb": "39", "cpu_arch": "x86_64"})
        self.assertEqual(node["ports"], [{"address": "52:54:00:00:00:02", "physicalNetwork": "ctlplane", "localLinkConnection": None}])
        self.assertEqual(node["interfaces"], {"boot_interface": "ipxe"})
        self.assertEqual(node["conductorGroup"], None)

    def test_when_read_then_only_list_urls_are_asked_for(self):
        inventory.read_nodes(self.cloud, [])
        self.assertEqual([s for s, _ in self.cloud.urls], ["baremetal", "baremetal"])
        self.assertTrue(all(u.startswith("/nodes?fields=") or u.startswith("/ports?fields=") for _, u in self.cloud.urls))


class Secrets(unittest.TestCase):
    def test_every_key_naming_a_secret_is_dropped_the_others_kept(self):
        kept = inventory.without_secrets({"ipmi_password": "a", "redfish_password": "b", "drac_password": "c", "ilo_password": "d",
                                          "irmc_password": "e", "snmp_auth_key": "f", "ipmi_address": "g", "deploy_kernel": "h"})
        self.assertEqual(kept, {"ipmi_address": "g", "deploy_kernel": "h"})

    def test_none_is_an_empty_map(self):
        self.assertEqual(inventory.without_secrets(None), {})


class Servers(unittest.TestCase):
    def test_given_a_server_with_a_port_and_floating_ip_when_read_then_host_image_flavor_port_and_floating_ip(self):
        cloud = FakeCloud({
            "/servers/detail": {"servers": [
                {"id": "s1", "name": "vm", "status": "ACTIVE", "OS-EXT-SRV-ATTR:host": "compute-0", "OS-EXT-AZ:availability_zone": "nova",
                 "image": {"id": "i1"}, "flavor": {"original_name": "m2.small"}, "security_groups": [{"name": "default"}]},
                {"id": "s2", "name": "not-asked-for"}]},
            "/ports?device_id=s1": {"ports": [{"id": "p1", "name": "", "network_id": "n1", "fixed_ips": [{"subnet_id": "sn1", "ip_address": "127.201.0.5"}],
                                               "security_groups": ["g1"]}]},
            "/floatingips?port_id=p1": {"floatingips": [{"id": "f1", "port_id": "p1", "floating_ip_address": "127.200.0.9", "floating_network_id": "n2"}]},
        })
        servers, missing = inventory.read_servers(cloud, ["vm", "gone"], {"i1": "small"})
        self.assertEqual(missing, ["gone"])
        self.assertEqual(servers, [{
            "id": "s1", "name": "vm", "status": "ACTIVE", "host": "compute-0", "availabilityZone": "nova", "imageId": "i1", "image": "small",
            "flavor": "m2.small", "securityGroups": ["default"],
            "ports": [{"id": "p1", "name": "", "networkId": "n1", "fixedIps": [{"subnet_id": "sn1", "ip_address": "127.201.0.5"}],
                       "securityGroupIds": ["g1"], "floatingIps": [{"id": "f1", "address": "127.200.0.9", "networkId": "n2"}]}],
        }])


if __name__ == "__main__":
    unittest.main()
