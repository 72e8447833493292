"""Unit tests of scripts/lib/ironic_enroll.py: how an inspection failure is reported, the introspection
settings (refused when missing: their defaults are the lab schema's), the stuck-node hint."""
import json
import os
import sys
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))

import ironic_enroll  # noqa: E402  (after the path above)
from ironic_enroll import SETTINGS, BadSetting, Failure, next_step, node_patch, one_line, setting  # noqa: E402
from ironic_node import bmc_words  # noqa: E402
from node_hints import HINTS  # noqa: E402

# Ironic 29's agent inspection records a ramdisk's error with its hooks' report, over two lines.
EPOXY_ERROR = ("Failed to finish inspection: Failed to inspect hardware. Reason: failed to run inspection hooks: "
               "The following failures happened while running preprocess hooks for node 3d58b7ab:\n"
               "Error in preprocess hook ramdisk-error: Failed to inspect hardware. Reason: Ramdisk reported error: no disks found")


class InspectingTrack:
    """A node labcdk asked to inspect, as next_step reads it."""

    def __init__(self, retries=0, error=None):
        self.action, self.since = "inspect", time.monotonic()
        self.introspection_retries, self.introspection_error = retries, error
        self.bmc = None


IPMI_SPEC = {"name": "compute2", "driver": "ipmi", "password_fields": ["ipmi_password"],
             "driver_info": {"ipmi_address": "127.0.10.1", "ipmi_port": 623, "ipmi_username": "admin", "deploy_kernel": "k"}}
REDFISH_SPEC = {"name": "r1", "driver": "redfish", "password_fields": ["redfish_password"],
                "driver_info": {"redfish_address": "http://127.0.0.1:15801", "redfish_system_id": "/redfish/v1/Systems/1",
                                "redfish_username": "root"}}


class ManageFailed(unittest.TestCase):
    """GIVEN a node whose manage went back to enroll (Ironic could not get its power state)
    WHEN next_step reads it THEN one line names the BMC, where its password came from and what
    to check, with Ironic's words, and never the password."""

    def track(self, spec, source="LABCDK_BMC_PASSWORD_COMPUTE2"):
        track = ironic_enroll.Track(spec, "uuid-1", None, bmc_words(spec, source))
        track.action = "manage"
        return track

    def test_an_ipmi_node_names_address_port_user_and_the_password_source(self):
        node = {"provision_state": "enroll", "target_provision_state": None,
                "last_error": "Failed to get power state for node uuid-1.\nError: IPMI call failed: power status."}
        with self.assertRaises(ironic_enroll.Failure) as caught:
            next_step(self.track(IPMI_SPEC), node)
        message = str(caught.exception)
        self.assertRegex(message, r"^manage failed after \d+s: Ironic could not get the power state from the BMC at "
                                  r"127\.0\.10\.1:623 \(ipmi, user admin; password from LABCDK_BMC_PASSWORD_COMPUTE2\): "
                                  r"check that the BMC answers at that address from the director, and the user and password; "
                                  r"Ironic says: Failed to get power state for node uuid-1\. Error: IPMI call failed: power status\.$")
        self.assertNotIn("\n", message)

    def test_a_redfish_node_names_its_system(self):
        self.assertEqual(bmc_words(REDFISH_SPEC, "the node file's pm_password (/lab/nodes.json)"),
                         "the BMC at http://127.0.0.1:15801 system /redfish/v1/Systems/1 (redfish, user root; "
                         "password from the node file's pm_password (/lab/nodes.json))")

    def test_a_node_without_a_bmc_says_only_what_ironic_said(self):
        spec = {"name": "f", "driver": "fake-hardware", "password_fields": [], "driver_info": {}}
        self.assertIsNone(bmc_words(spec, "x"))
        track = ironic_enroll.Track(spec, "uuid-1", None, None)
        track.action = "manage"
        with self.assertRaisesRegex(ironic_enroll.Failure, r"^manage failed after \d+s: boom$"):
            next_step(track, {"provision_state": "enroll", "target_provision_state": None, "last_error": "boom"})

    def test_a_manage_stuck_in_verifying_past_its_bound_names_the_bmc_in_the_hint(self):
        track = self.track(IPMI_SPEC)
        track.since -= ironic_enroll.MANAGE_TIMEOUT + 1
        with self.assertRaises(ironic_enroll.Failure) as caught:
            next_step(track, {"provision_state": "verifying", "target_provision_state": "manageable", "last_error": None})
        self.assertIn("in verifying (last_error: None); Ironic is still waiting for the node's BMC to answer", str(caught.exception))
        self.assertIn("reset it if it hangs (the BMC at 127.0.10.1:623 (ipmi", str(caught.exception))


class IpmiPasswordLength(unittest.TestCase):
    def test_given_an_ipmi_password_over_20_bytes_then_the_run_stops_before_any_request_naming_node_and_source_not_the_password(self):
        secret = "p" * 21
        with mock.patch.dict(os.environ, {"LABCDK_BMC_PASSWORD_COMPUTE2": secret}), \
                mock.patch("ironic_enroll.die", side_effect=SystemExit) as die:
            with self.assertRaises(SystemExit):
                ironic_enroll.with_password(IPMI_SPEC)
        message = die.call_args[0][0]
        self.assertIn("node compute2: its BMC password (from LABCDK_BMC_PASSWORD_COMPUTE2) is 21 bytes; IPMI 2.0 takes at most 20", message)
        self.assertNotIn(secret, message)

    def test_given_20_bytes_or_another_driver_then_the_password_is_filled_in(self):
        with mock.patch.dict(os.environ, {"LABCDK_BMC_PASSWORD_COMPUTE2": "p" * 20, "LABCDK_BMC_PASSWORD_R1": "q" * 40}):
            info, words = ironic_enroll.with_password(IPMI_SPEC)
            self.assertEqual(info["ipmi_password"], "p" * 20)
            self.assertIn("password from LABCDK_BMC_PASSWORD_COMPUTE2", words)
            self.assertEqual(ironic_enroll.with_password(REDFISH_SPEC)[0]["redfish_password"], "q" * 40)


RUNBOOK_SPEC = {"name": "compute2", "driver": "ipmi", "password_fields": ["ipmi_password"], "driver_info": {},
                "properties": {"cpus": 2}, "capabilities": {}, "extra": {}, "fields": {},
                "ports": [{"address": "52:54:00:00:fa:0d"}]}
DEFAULTS = {"resource_class": "baremetal", "physical_network": "ctlplane"}


class FitToApi(unittest.TestCase):
    """GIVEN an older Ironic API WHEN the fleet is fitted to it THEN what the API lacks is left out, one line a
    field naming where it came in and for whom, and nothing else changes."""

    def test_liberty_1_14_gets_neither_resource_class_nor_physical_network(self):
        specs, defaults, lines = ironic_enroll.fit_to_api([RUNBOOK_SPEC], DEFAULTS, (1, 14))
        self.assertEqual(specs, [RUNBOOK_SPEC])
        self.assertEqual(defaults, {})
        self.assertEqual(lines, ["the Ironic API answers up to 1.14: node resource_class (from 1.21) left out, for the default for new nodes",
                                 "the Ironic API answers up to 1.14: port physical_network (from 1.34) left out, for the default for new ports"])

    def test_newton_1_22_gets_resource_class_and_queens_1_38_everything_the_runbook_has(self):
        self.assertEqual(ironic_enroll.fit_to_api([RUNBOOK_SPEC], DEFAULTS, (1, 22))[1], {"resource_class": "baremetal"})
        self.assertEqual(ironic_enroll.fit_to_api([RUNBOOK_SPEC], DEFAULTS, (1, 38)), ([RUNBOOK_SPEC], DEFAULTS, []))

    def test_a_node_files_own_fields_are_left_out_by_the_version_each_came_in(self):
        spec = dict(RUNBOOK_SPEC, fields={"resource_class": "gold", "conductor_group": "rack2", "network_interface": "noop",
                                          "boot_interface": "ipxe", "rescue_interface": "agent"},
                    ports=[{"address": "52:54:00:00:fa:0d", "physical_network": "ctl", "local_link_connection": {"port_id": "1"}}])
        specs, _, lines = ironic_enroll.fit_to_api([spec], DEFAULTS, (1, 31))
        self.assertEqual(specs[0]["fields"], {"resource_class": "gold", "network_interface": "noop", "boot_interface": "ipxe"})
        self.assertEqual(specs[0]["ports"], [{"address": "52:54:00:00:fa:0d", "local_link_connection": {"port_id": "1"}}])
        self.assertIn("the Ironic API answers up to 1.31: node conductor_group (from 1.46) left out, for compute2", lines)
        self.assertIn("the Ironic API answers up to 1.31: port physical_network (from 1.34) left out, "
                      "for compute2's 52:54:00:00:fa:0d, the default for new ports", lines)
        self.assertEqual(spec["fields"]["conductor_group"], "rack2")  # the caller's spec is not changed


class OneLine(unittest.TestCase):
    def test_given_a_multi_line_error_when_flattened_then_one_line_with_single_spaces(self):
        # GIVEN Ironic's two-line error WHEN flattened THEN one line, every word kept
        self.assertEqual(one_line("a:\n  b  c\n"), "a: b c")
        self.assertEqual(one_line(None), None)


class InspectionFailed(unittest.TestCase):
    def test_given_a_first_failure_when_stepped_then_retried_with_the_error_on_one_line(self):
        # GIVEN a node whose first inspection failed with a two-line error
        track = InspectingTrack()
        # WHEN the next step is decided
        action, why = next_step(track, {"provision_state": "inspect failed", "last_error": EPOXY_ERROR})
        # THEN it is inspected again, and what is logged is one line
        self.assertEqual(action, "inspect")
        self.assertNotIn("\n", why)
        self.assertIn("hooks for node 3d58b7ab: Error in preprocess hook ramdisk-error", why)
        self.assertEqual(track.introspection_error, one_line(EPOXY_ERROR))

    def test_given_the_retry_failed_when_stepped_then_the_failure_is_one_line_naming_the_ramdisk_error(self):
        # GIVEN the retry failed too
        track = InspectingTrack(retries=ironic_enroll.INTROSPECTION_RETRIES, error=one_line(EPOXY_ERROR))
        # WHEN the next step is decided THEN the node fails, on one line, with the ramdisk's words
        with self.assertRaises(Failure) as failed:
            next_step(track, {"provision_state": "inspect failed", "last_error": EPOXY_ERROR})
        self.assertRegex(str(failed.exception), r"^introspection failed after \d+s: Failed to finish inspection: .* Ramdisk reported error: no disks found$")
        self.assertNotIn("\n", str(failed.exception))


class Settings(unittest.TestCase):
    """The introspection settings have their defaults in lab/schema.ts only: the script refuses instead of guessing."""

    def test_given_a_whole_number_when_read_then_that_number(self):
        with mock.patch.dict(os.environ, {"INTROSPECTION_POLL_SECONDS": "30"}):
            self.assertEqual(setting("INTROSPECTION_POLL_SECONDS"), 30)

    def test_given_no_value_when_read_then_refused_saying_where_the_default_lives(self):
        # GIVEN none of the settings in the environment
        with mock.patch.dict(os.environ, clear=False):
            for name in SETTINGS:
                os.environ.pop(name, None)
            # WHEN each is read THEN refused, naming it, the lab schema and that it is unset
            for name in SETTINGS:
                with self.assertRaises(BadSetting) as refused:
                    setting(name)
                self.assertIn("%s must be a whole number of at least 1 (got nothing: it is unset)" % name, str(refused.exception))
                self.assertIn("lab/schema.ts", str(refused.exception))

    def test_given_a_malformed_value_when_read_then_refused_showing_it(self):
        for value in ("", "0", "-5", "ten", "2.5", "\uff11\uff12"):
            with mock.patch.dict(os.environ, {"INTROSPECTION_CONCURRENCY": value}):
                with self.assertRaises(BadSetting) as refused:
                    setting("INTROSPECTION_CONCURRENCY")
                self.assertIn("(got %s)" % json.dumps(value), str(refused.exception))


SPEC = {"name": "compute1", "driver": "ipmi", "password_fields": [], "fields": {}, "extra": {},
        "properties": {"cpus": "2", "memory_mb": "6144", "local_gb": "40", "cpu_arch": "x86_64"}}


def ironic_node(state, finished_at=None, local_gb="39"):
    """The node as Ironic lists it: the file's fields, but the disk size introspection found."""
    return {"name": "compute1", "driver": "ipmi", "driver_info": {}, "instance_uuid": None,
            "provision_state": state, "inspection_finished_at": finished_at,
            "properties": dict(SPEC["properties"], local_gb=local_gb)}


class NodePatch(unittest.TestCase):
    """A re-apply brings a node's fields to the file, but keeps what introspection found."""

    def test_given_an_inspected_node_when_patched_then_what_introspection_found_is_kept(self):
        ops, held = node_patch(SPEC, {}, ironic_node("available", finished_at="2026-12-02T10:00:00"))
        self.assertEqual((ops, held), ([], []))

    def test_given_a_node_being_inspected_when_patched_then_what_introspection_wrote_is_kept(self):
        # GIVEN a node an interrupted apply left in inspection: ironic-inspector has already written
        # local_gb 39, Ironic has not yet recorded the inspection as finished (seen in CI on Zed)
        for state in ("inspect wait", "inspecting"):
            # WHEN the re-apply compares it with the file THEN it does not write the file's 40 back
            ops, _ = node_patch(SPEC, {}, ironic_node(state))
            self.assertEqual(ops, [], state)

    def test_given_a_node_never_inspected_when_patched_then_the_file_s_properties_are_written(self):
        # GIVEN a manageable node no introspection has touched, whose disk differs from the file
        for state in ("manageable", "enroll", "inspect failed"):
            # WHEN patched THEN the file's value is what it gets
            ops, _ = node_patch(SPEC, {}, ironic_node(state))
            self.assertEqual(ops, [{"op": "add", "path": "/properties/local_gb", "value": "40"}], state)


class StuckHint(unittest.TestCase):
    def test_given_a_node_past_its_bound_in_inspect_wait_when_stepped_then_aborted_with_the_shared_hint(self):
        # GIVEN a node waiting for its inspection ramdisk longer than INTROSPECTION_TIMEOUT_SECONDS
        track = InspectingTrack()
        track.since -= 30
        with mock.patch.dict(os.environ, {"INTROSPECTION_TIMEOUT_SECONDS": "20"}):
            # WHEN the next step is decided
            action, why = next_step(track, {"provision_state": "inspect wait", "target_provision_state": "manageable", "last_error": None})
        # THEN the inspection is aborted, with node_hints' words for the state
        self.assertEqual(action, "abort")
        self.assertRegex(why, r"^gave up after \d+s in inspect wait \(last_error: None\); ")
        self.assertTrue(why.endswith("; " + HINTS["inspect wait"]))


if __name__ == "__main__":
    unittest.main()


class AbortOfALockedNode(unittest.TestCase):
    """GIVEN a node whose inspection must be aborted WHEN Ironic refuses the abort because the node
    is locked (its power sync, or ironic-inspector, holds it) THEN the abort is tried again, a bounded
    number of times; any other refusal, or a lock that outlasts the tries, is reported at once."""

    LOCKED = ("Server Error for url: http://127.0.0.1:15385/v1/nodes/u/states/provision, Failed to abort introspection "
              "for node u: Client Error for url: http://127.0.0.1:15050/v1/introspection/u/abort, Node is locked, please, retry later")

    def run_abort(self, refusals):
        conn = mock.Mock()
        conn.baremetal.set_node_provision_state.side_effect = [openstack_error(text) for text in refusals] + [None]
        track = mock.Mock(uuid="u")
        track.name = "insp-5"
        sleeps = []
        with self.assertRaises(Failure) as caught:
            ironic_enroll.abort(conn, track, "gave up after 21s in inspect wait", sleep=sleeps.append)
        return str(caught.exception), conn.baremetal.set_node_provision_state.call_count, sleeps

    def test_locked_twice_then_aborted(self):
        message, calls, sleeps = self.run_abort([self.LOCKED, self.LOCKED])
        self.assertEqual((calls, sleeps), (3, [2, 2]))
        self.assertIn("introspection aborted", message)

    def test_locked_for_longer_than_the_tries_is_reported(self):
        message, calls, _ = self.run_abort([self.LOCKED] * ironic_enroll.ABORT_TRIES)
        self.assertEqual(calls, ironic_enroll.ABORT_TRIES)
        self.assertRegex(message, r"abort refused \(.*Node is locked.*\): see 'openstack baremetal node show insp-5'$")

    def test_another_refusal_is_reported_at_once(self):
        message, calls, sleeps = self.run_abort(["Client Error: the node is in state available"])
        self.assertEqual((calls, sleeps), (1, []))
        self.assertIn("abort refused", message)


def openstack_error(text):
    import openstack
    return openstack.exceptions.SDKException(text)
