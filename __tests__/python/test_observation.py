"""Unit tests of scripts/lib/observation.py: what the observers ask Ironic for (never driver_info,
whose BMC credentials they must not fetch), the reading of the answers, and the node-name mapping
shared with the TypeScript side."""
import json
import time
import os
import sys
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "lib"))

from observation import Cloud, capabilities, deadline, observe_node, observe_nodes, power_failure, variable_suffix  # noqa: E402  (after the path above)
from observe_step import enrolment_word  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "fixtures")
SECRET = "bmc-secret-password"


def ironic_node(name, **fields):
    """A node as Ironic holds it, BMC credentials included."""
    node = {"uuid": "uuid-" + name, "name": name, "provision_state": "available", "power_state": "power off",
            "maintenance": False, "maintenance_reason": None, "instance_uuid": None,
            "properties": {"cpus": "2", "memory_mb": "6144", "local_gb": "40", "cpu_arch": "x86_64",
                           "capabilities": "profile:compute,boot_option:local"},
            "driver_info": {"ipmi_address": "10.0.0.9", "ipmi_username": "admin", "ipmi_password": SECRET}}
    node.update(fields)
    return node


class FakeIronic:
    """A Cloud stand-in answering GET /nodes and /nodes/<name> as Ironic does: only the fields
    asked for (?fields=...), every field when none are named; a list in pages of `page` nodes."""

    def __init__(self, nodes, page=1000):
        self.nodes, self.page, self.requests = nodes, page, []

    def get(self, service, url, microversion=None, missing_ok=False):
        self.requests.append(url)
        parsed = urllib.parse.urlparse(url)
        query = urllib.parse.parse_qs(parsed.query)
        fields = query["fields"][0].split(",") if "fields" in query else None

        def shown(node):
            return {k: v for k, v in node.items() if fields is None or k in fields}

        if parsed.path.startswith("/nodes/"):
            name = urllib.parse.unquote(parsed.path[len("/nodes/"):])
            found = [n for n in self.nodes if n["name"] == name]
            return shown(found[0]) if found else None
        start = int(query.get("marker", ["0"])[0])
        chunk = self.nodes[start:start + self.page]
        following = start + self.page
        page = {"nodes": [shown(n) for n in chunk]}
        if following < len(self.nodes):
            page["next"] = "http://ironic/v1/nodes?%s" % urllib.parse.urlencode(dict({"marker": following}, **({"fields": ",".join(fields)} if fields else {})))
        return page


class NeverFetchesDriverInfo(unittest.TestCase):
    def test_given_a_node_with_bmc_credentials_when_observed_alone_then_driver_info_is_never_asked_for(self):
        # GIVEN an Ironic whose node holds a BMC password
        ironic = FakeIronic([ironic_node("compute2")])
        # WHEN the node is observed
        observed = observe_node(ironic, "compute2")
        # THEN the request named its fields, driver_info not among them, and nothing of it was read
        self.assertEqual(len(ironic.requests), 1)
        fields = urllib.parse.parse_qs(urllib.parse.urlparse(ironic.requests[0]).query)["fields"][0].split(",")
        self.assertNotIn("driver_info", fields)
        self.assertNotIn(SECRET, json.dumps(observed))
        self.assertEqual((observed["uuid"], observed["provisionState"], observed["capabilities"]),
                         ("uuid-compute2", "available", {"profile": "compute", "boot_option": "local"}))

    def test_given_a_fleet_over_pages_when_observed_then_every_page_names_its_fields_without_driver_info(self):
        # GIVEN five nodes, two to a page, among them nodes the lab does not name
        ironic = FakeIronic([ironic_node("n%d" % i) for i in range(5)], page=2)
        # WHEN the lab's nodes are observed
        observed = observe_nodes(ironic, ["n0", "n3", "absent"])
        # THEN every page was asked for, each with a field list without driver_info; only the named nodes come back
        self.assertEqual(len(ironic.requests), 3)
        for url in ironic.requests:
            fields = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["fields"][0].split(",")
            self.assertIn("name", fields)
            self.assertNotIn("driver_info", fields)
        self.assertEqual(sorted(observed), ["n0", "n3"])
        self.assertNotIn(SECRET, json.dumps(observed))

    def test_given_no_such_node_when_observed_then_none(self):
        self.assertIsNone(observe_node(FakeIronic([]), "ghost"))


class VariableSuffix(unittest.TestCase):
    def test_given_the_shared_table_when_each_name_is_mapped_then_it_reads_as_the_table_says(self):
        # GIVEN the table the TypeScript side (nodeVariableSuffix) is tested against too
        with open(os.path.join(FIXTURES, "node-variable-names.json"), encoding="utf8") as handle:
            table = json.load(handle)["names"]
        self.assertGreater(len(table), 3)
        # WHEN each name is mapped THEN the same suffixes
        self.assertEqual({name: variable_suffix(name) for name in table}, table)


class Capabilities(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(FIXTURES, "capabilities.json"), encoding="utf8") as handle:
            self.table = json.load(handle)

    def test_given_the_shared_well_formed_strings_when_parsed_then_as_the_lab_loader_reads_them(self):
        # GIVEN the strings the TypeScript loader (parseCapabilities) is tested against too
        cases = self.table["wellFormed"]
        self.assertGreater(len(cases), 3)
        # WHEN parsed THEN the same key/value pairs, spaces around keys and values trimmed
        for case in cases:
            self.assertEqual((case["text"], capabilities(case["text"])), (case["text"], case["capabilities"]))

    def test_given_malformed_strings_a_node_may_hold_when_parsed_then_read_leniently_as_the_table_says(self):
        for case in self.table["malformed"]:
            self.assertEqual((case["text"], capabilities(case["text"])), (case["text"], case["scripts"]))

    def test_given_a_dict_when_parsed_then_its_values_as_text(self):
        self.assertEqual(capabilities({"profile": "compute", "cpus": 2}), {"profile": "compute", "cpus": "2"})


if __name__ == "__main__":
    unittest.main()


# Ironic's words when its power sync gives up on a BMC (conductor/manager.py, Zed).
SYNC_REASON = ("During sync_power_state, max retries exceeded for node 1f0e, node state None does not match expected "
               "state 'power off'. Updating DB state to 'None' Switching node to maintenance mode. Error: IPMI call failed: power status.")


class PowerFailure(unittest.TestCase):
    """GIVEN a node Ironic put in maintenance because its BMC stopped answering its power checks (a password
    rotated on the BMC) THEN the plan-time observation calls it drift, so that the enrolment sends the node
    file's password; an operator's maintenance is not drift."""

    def test_by_fault_or_by_ironics_words(self):
        self.assertTrue(power_failure(True, "power failure", "anything"))
        self.assertTrue(power_failure(True, None, SYNC_REASON))
        self.assertFalse(power_failure(True, "clean failure", SYNC_REASON))
        self.assertFalse(power_failure(True, None, "runbook step 4: introspection"))
        self.assertFalse(power_failure(False, "power failure", SYNC_REASON))

    def test_the_enrolment_word(self):
        node = {"provisionState": "available", "maintenance": True, "maintenanceReason": SYNC_REASON}
        self.assertEqual(enrolment_word(node), "maintenance=power failure")
        self.assertEqual(enrolment_word(dict(node, maintenanceReason="set by hand")), "registered")
        self.assertEqual(enrolment_word(dict(node, maintenance=False)), "registered")
        self.assertEqual(enrolment_word(dict(node, provisionState="manageable")), "provision_state=manageable")


class Died(Exception):
    pass


def dying(messages):
    def die(message, code):
        messages.append((message, code))
        raise Died()
    return die


class Deadline(unittest.TestCase):
    def test_given_a_read_of_the_second_cloud_when_out_of_time_then_dies_naming_that_cloud_and_request(self):
        messages = []
        under, over = Cloud("undercloud", "uc", 5), Cloud("overcloud", "oc", 5)
        under.started = over.started = True  # what connect() records first
        over.step = "GET compute /os-hypervisors"
        with self.assertRaises(Died):
            with deadline(0.05, "OBSERVE_TIMEOUT_SECONDS", (under, over), dying(messages)):
                time.sleep(2)
        self.assertEqual(messages, [("gave up after 0.05s (OBSERVE_TIMEOUT_SECONDS) on the overcloud cloud 'oc', "
                                     "at: GET compute /os-hypervisors", 2)])

    def test_given_no_cloud_started_when_out_of_time_then_the_first_is_named_connecting(self):
        messages = []
        with self.assertRaises(Died):
            with deadline(0.05, "INVENTORY_TIMEOUT_SECONDS", (Cloud("undercloud", "uc", 5), Cloud("overcloud", "oc", 5)), dying(messages)):
                time.sleep(2)
        self.assertIn("on the undercloud cloud 'uc', at: connecting", messages[0][0])

    def test_given_a_block_in_time_when_it_ends_then_the_alarm_is_off(self):
        messages = []
        with deadline(0.2, "X", (Cloud("undercloud", "uc", 5),), dying(messages)):
            pass
        time.sleep(0.4)
        self.assertEqual(messages, [])
