"""Unit tests of scripts/lib/overcloud_nodes.py: the Ironic node list as the
overcloud steps read it (the shrink guard, the progress counts, the stuck-node
report, which hostnames are still deployed). The steps run against the test
bed's Ironic in __tests__/integration/scale-in.test.ts."""
import contextlib
import io
import json
import unittest
from unittest import mock

import overcloud_nodes
from node_hints import HINTS
from overcloud_nodes import absent, deployed, node_view, shrinking, state_counts, stuck_report


def node(name, state, profile=None, hostname=None, last_error=None):
    return {"name": name, "state": state, "profile": profile, "hostname": hostname, "last_error": last_error}


NODES = [
    node("controller", "active", "control", "overcloud-controller-0"),
    node("compute1", "active", "compute", "overcloud-novacompute-0"),
    node("compute2", "active", "compute", None),
    node("ceph", "deploy failed", "ceph-storage", None, "Timeout reached while waiting for callback"),
    node("spare", "available"),
]


class NodeView(unittest.TestCase):
    def test_given_a_cli_row_with_capabilities_text_when_viewed_then_profile_and_hostname_are_read(self):
        # GIVEN a row of `openstack baremetal node list -f json` for a deployed node
        row = {"Name": "compute1", "Provisioning State": "active", "Last Error": None,
               "Properties": {"capabilities": "boot_option:local,profile:compute", "cpus": "4"},
               "Instance Info": {"display_name": "overcloud-novacompute-0", "image_source": "x"}}
        # WHEN viewed THEN only the five fields the steps read
        self.assertEqual(node_view(row), node("compute1", "active", "compute", "overcloud-novacompute-0"))

    def test_given_a_bare_row_when_viewed_then_absent_fields_are_none(self):
        # GIVEN a node just enrolled: no properties, no instance info
        row = {"Name": "new", "Provisioning State": "enroll", "Properties": None, "Instance Info": None}
        self.assertEqual(node_view(row), node("new", "enroll"))

    def test_given_capabilities_as_an_object_when_viewed_then_the_profile_is_read_too(self):
        row = {"Name": "n", "Provisioning State": "available", "Properties": {"capabilities": {"profile": "ceph-storage"}}}
        self.assertEqual(node_view(row)["profile"], "ceph-storage")


class Shrinking(unittest.TestCase):
    def test_given_more_active_nodes_of_a_profile_than_its_count_when_checked_then_one_line_naming_them(self):
        # GIVEN two active compute nodes, the lab asks for one
        lines = shrinking(NODES, {"compute": 1, "control": 1, "ceph-storage": 1})
        # THEN one line, hostnames (or the node name when there is none) sorted
        self.assertEqual(lines, ["profile:compute has 2 active node(s) (compute2, overcloud-novacompute-0) but the lab asks for 1"])

    def test_given_counts_that_cover_the_active_nodes_when_checked_then_nothing(self):
        self.assertEqual(shrinking(NODES, {"compute": 2, "control": 1, "ceph-storage": 0}), [])

    def test_given_a_profile_no_node_has_when_checked_then_nothing(self):
        self.assertEqual(shrinking(NODES, {"block-storage": 0}), [])


class States(unittest.TestCase):
    def test_given_nodes_when_counted_then_per_state_sorted_by_state(self):
        self.assertEqual(state_counts(NODES), "3 active, 1 available, 1 deploy failed")

    def test_given_no_node_when_counted_then_empty(self):
        self.assertEqual(state_counts([]), "")


class Stuck(unittest.TestCase):
    def test_given_nodes_on_their_way_when_reported_then_one_line_each_with_error_and_hint(self):
        nodes = NODES + [node("compute3", "wait call-back", "compute", "overcloud-novacompute-1"), node("odd", "rescuing")]
        lines = stuck_report(nodes)
        self.assertEqual(len(lines), 3)
        self.assertEqual(lines[0], "node ceph (no instance): deploy failed; last error: Timeout reached while waiting for callback"
                                   " -- see last_error; openstack baremetal node undeploy returns it to available")
        self.assertRegex(lines[1], r"^node compute3 \(overcloud-novacompute-1\): wait call-back -- the deploy ramdisk never called back: .*zero-byte ifcfg-eth\* files")
        self.assertEqual(lines[2], "node odd (no instance): rescuing")

    def test_given_a_node_in_inspect_wait_when_reported_then_the_hint_the_enrolment_gives_too(self):
        # GIVEN a node waiting for its inspection ramdisk WHEN reported THEN with the one table's hint (node_hints.py)
        self.assertEqual(stuck_report([node("n", "inspect wait")]), ["node n (no instance): inspect wait -- " + HINTS["inspect wait"]])

    def test_given_only_settled_nodes_when_reported_then_nothing(self):
        self.assertEqual(stuck_report([node("a", s) for s in ("active", "available", "manageable", "enroll")]), [])


class Deployed(unittest.TestCase):
    def test_given_hostnames_when_looked_up_then_those_on_an_active_node_in_their_order(self):
        nodes = NODES + [node("gone", "available", "compute", "overcloud-novacompute-1")]
        hostnames = ["overcloud-novacompute-1", "overcloud-novacompute-0", "overcloud-controller-0"]
        self.assertEqual(deployed(nodes, hostnames), ["overcloud-novacompute-0", "overcloud-controller-0"])

    def test_given_an_empty_hostname_when_looked_up_then_it_matches_no_node_without_a_hostname(self):
        # GIVEN an active node with an empty display name, WHEN HOSTNAMES is empty (split: [""]), THEN nothing is deployed
        self.assertEqual(deployed(NODES + [node("blank", "active", "compute", "")], [""]), [])

    def test_given_hostnames_and_the_present_ones_when_compared_then_the_absent_ones_in_their_order(self):
        self.assertEqual(absent(["c-2", "c-1", "c-0"], ["c-1"]), ["c-2", "c-0"])
        self.assertEqual(absent(["c-1"], ["c-1"]), [])


class Main(unittest.TestCase):
    def run_main(self, argv, stdin="", env=None):
        out = io.StringIO()
        with mock.patch("sys.stdin", io.StringIO(stdin)), mock.patch.dict(overcloud_nodes.ENV, env or {}), contextlib.redirect_stdout(out):
            overcloud_nodes.main(argv)
        return out.getvalue()

    def test_given_cli_rows_when_main_converts_them_then_the_node_list_as_json(self):
        rows = [{"Name": "spare", "Provisioning State": "available", "Properties": {"capabilities": "profile:compute"}, "Instance Info": {}, "Last Error": None}]
        self.assertEqual(json.loads(self.run_main(["from-cli"], json.dumps(rows))), [node("spare", "available", "compute")])

    def test_given_the_node_list_when_main_guards_a_shrink_then_it_reads_profile_counts_json(self):
        out = self.run_main(["shrinking"], json.dumps(NODES), {"PROFILE_COUNTS_JSON": '{"compute": 1}'})
        self.assertEqual(out, "profile:compute has 2 active node(s) (compute2, overcloud-novacompute-0) but the lab asks for 1\n")

    def test_given_the_node_list_when_main_lists_deployed_hostnames_then_comma_separated(self):
        self.assertEqual(self.run_main(["deployed", "overcloud-novacompute-0,overcloud-novacompute-9"], json.dumps(NODES)), "overcloud-novacompute-0\n")
        self.assertEqual(self.run_main(["absent", "a,b,c", "b"]), "a,c\n")

    def test_given_input_that_is_not_a_node_list_when_main_reads_it_then_it_exits_with_a_message(self):
        with self.assertRaises(SystemExit) as stopped:
            self.run_main(["states"], '{"not": "a list"}')
        self.assertIn("overcloud_nodes.py states: cannot read the node list", stopped.exception.code)


if __name__ == "__main__":
    unittest.main()
