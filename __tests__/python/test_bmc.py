"""Unit tests of testbed/lib/bmc.py, the records and machines of the test bed's
simulated BMCs: the address plan (loopback only), what `testbed/bmc add`
prints (the password only when it made one), the machine's power and boot
device and what counts as a boot, the endpoint lookup the ramdisk stand-in
uses, and the ramdisk's boot gate (ramdisk.boot_of). The BMC servers
themselves (pyghmi, sushy-tools) are exercised against ipmitool and Ironic in
__tests__/integration/bmc.test.ts.

Runs on its own too: python3 -m unittest discover -s __tests__/python -p test_bmc.py"""
import json
import os
import stat
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "testbed", "lib"))

import bmc  # noqa: E402  (after the path above)
from ramdisk import boot_of  # noqa: E402


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class BmcTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.records = bmc.Records(os.path.join(self.dir.name, "bmc"), "127.0.10", 15800)


class RecordsTest(BmcTestCase):
    def test_given_an_ipmi_bmc_with_a_password_when_added_then_its_fields_reach_port_623_of_its_own_address_without_the_password(self):
        record, fields = self.records.add("compute2", "ipmi", "s3cret-given")
        self.assertEqual(fields, {"pm_type": "ipmi", "pm_addr": "127.0.10.1", "pm_port": 623, "pm_user": "admin"})
        self.assertEqual(record["password"], "s3cret-given")
        mode = stat.S_IMODE(os.stat(self.records.path("compute2", "json")).st_mode)
        self.assertEqual(mode, 0o600)

    def test_given_no_password_when_a_redfish_bmc_is_added_then_a_new_one_is_printed_with_its_endpoint_and_system(self):
        self.records.add("a", "ipmi", "x")
        record, fields = self.records.add("r", "redfish")
        self.assertEqual(fields["pm_addr"], "http://127.0.0.1:15802")
        self.assertEqual(fields["pm_system_id"], "/redfish/v1/Systems/%s" % record["system_id"])
        self.assertEqual(fields["pm_password"], record["password"])
        self.assertGreaterEqual(len(record["password"]), 12)
        self.assertNotEqual(self.records.add("r2", "redfish")[0]["password"], record["password"])

    def test_given_a_removed_bmc_when_another_is_added_then_it_takes_the_free_slot(self):
        self.records.add("a", "ipmi", "x")
        self.records.add("b", "ipmi", "x")
        self.records.remove("a")
        self.assertEqual(self.records.add("c", "ipmi", "x")[1]["pm_addr"], "127.0.10.1")
        self.assertEqual(self.records.names(), ["b", "c"])

    def test_refusals_name_what_is_wrong(self):
        self.records.add("a", "ipmi", "x")
        for args, words in [(("a", "ipmi"), "exists already"), (("b", "ilo"), "unknown driver"),
                            (("../x", "ipmi"), "is not a BMC name"), (("", "ipmi"), "is not a BMC name")]:
            with self.assertRaisesRegex(bmc.BmcError, words):
                self.records.add(*args)
        with self.assertRaisesRegex(bmc.BmcError, "no simulated BMC named nope"):
            self.records.read("nope")
        with self.assertRaisesRegex(bmc.BmcError, "at most 20 bytes"):
            self.records.add("long", "ipmi", "x" * 21)
        with self.assertRaisesRegex(bmc.BmcError, "unknown mode"):
            self.records.set_mode("a", "slow")

    def test_given_an_address_plan_outside_loopback_then_nothing_is_recorded(self):
        records = bmc.Records(os.path.join(self.dir.name, "other"), "10.0.0", 15800)
        with self.assertRaisesRegex(bmc.BmcError, "not a loopback address"):
            records.add("a", "ipmi", "x")
        self.assertEqual(records.names(), [])

    def test_given_a_full_bed_then_the_hundredth_bmc_is_refused(self):
        for i in range(bmc.MAX_BMCS):
            self.records.add("n%d" % i, "ipmi", "x")
        with self.assertRaisesRegex(bmc.BmcError, "slots of this bed are taken"):
            self.records.add("last", "redfish")

    def test_the_endpoint_lookup_finds_each_bmc_by_what_a_node_driver_info_names(self):
        ipmi = self.records.add("i", "ipmi", "x")[0]
        redfish = self.records.add("r", "redfish", "x")[0]
        self.assertEqual(self.records.by_endpoint("ipmi", "127.0.10.1"), "i")
        self.assertEqual(self.records.by_endpoint("ipmi", "127.0.10.1", "623"), "i")
        self.assertIsNone(self.records.by_endpoint("ipmi", "127.0.10.1", 624))
        self.assertEqual(self.records.by_endpoint("redfish", "127.0.0.1", redfish["port"], redfish["system_id"]), "r")
        self.assertIsNone(self.records.by_endpoint("redfish", "127.0.0.1", redfish["port"], "other-system"))
        self.assertIsNone(self.records.by_endpoint("redfish", ipmi["address"], redfish["port"]))

    def test_the_list_never_shows_a_password(self):
        self.records.add("i", "ipmi", "unique-pw-7731")
        self.records.add("r", "redfish", "unique-pw-7732")
        text = bmc.table(self.records)
        self.assertNotIn("unique-pw", text)
        self.assertIn("127.0.10.1:623", text)


class MachineTest(BmcTestCase):
    def setUp(self):
        super().setUp()
        self.records.add("m", "ipmi", "x")
        self.clock = Clock()
        self.machine = bmc.Machine(self.records, "m", clock=self.clock)

    def test_given_boot_device_pxe_when_powered_on_then_a_boot_from_pxe_is_published_and_every_request_logged(self):
        self.assertEqual(self.machine.power_state(), "off")
        self.machine.set_boot_device("pxe")
        self.clock.now = 1005.0
        self.machine.set_power("on")
        state = self.records.state("m")
        self.assertEqual(state, {"power": "on", "boot_device": "pxe", "boots": 1, "last_boot": {"at": 1005.0, "device": "pxe"}})
        self.assertEqual([c["command"] for c in self.records.commands("m")], ["power status", "boot device pxe", "power on"])

    def test_a_power_on_of_a_machine_already_on_is_no_boot_but_a_reset_is(self):
        self.machine.set_power("on")
        self.machine.set_boot_device("pxe")
        self.machine.set_power("on")
        self.assertEqual(self.records.state("m")["last_boot"]["device"], "disk")
        self.machine.set_power("reset")
        self.assertEqual(self.records.state("m")["boots"], 2)
        self.assertEqual(self.records.state("m")["last_boot"]["device"], "pxe")

    def test_state_survives_a_restart_of_the_bmc(self):
        self.machine.set_boot_device("pxe")
        self.machine.set_power("on")
        again = bmc.Machine(self.records, "m", clock=self.clock)
        self.assertEqual(again.power_state(), "on")
        self.assertEqual(again.boot_device(), "pxe")

    def test_observe_records_a_library_held_machine_an_off_to_on_change_being_a_boot(self):
        self.machine.observe("off", "pxe")
        self.machine.observe("on", "pxe")
        self.machine.observe("on", "pxe")
        self.assertEqual(self.records.state("m")["boots"], 1)
        self.assertEqual(self.records.commands("m"), [])

    def test_mode_is_read_at_each_request(self):
        self.assertEqual(self.machine.mode(), "ok")
        self.records.set_mode("m", "hang")
        self.assertEqual(self.machine.mode(), "hang")


class RamdiskBootGateTest(BmcTestCase):
    def node(self, driver, **info):
        return {"uuid": "u1", "name": "n1", "driver": driver, "driver_info": info}

    def test_a_node_without_a_bmc_of_its_own_boots_when_its_inspection_waits(self):
        self.assertEqual(boot_of(self.records, self.node("fake-hardware")), (True, None))
        self.assertEqual(boot_of(self.records, self.node("manual-management")), (True, None))

    def test_an_ipmi_node_runs_a_ramdisk_only_after_its_bmc_booted_it_from_pxe(self):
        self.records.add("c2", "ipmi", "x")
        node = self.node("ipmi", ipmi_address="127.0.10.1", ipmi_username="admin", ipmi_password="******")
        running, why = boot_of(self.records, node)
        self.assertFalse(running)
        self.assertIn("power off", why)
        machine = bmc.Machine(self.records, "c2")
        machine.set_power("on")  # from its disk: no ramdisk
        self.assertFalse(boot_of(self.records, node)[0])
        machine.set_boot_device("pxe")
        machine.set_power("reset")
        self.assertEqual(boot_of(self.records, node), (True, "c2#2"))
        machine.set_power("off")
        self.assertFalse(boot_of(self.records, node)[0])

    def test_a_redfish_node_is_found_by_address_port_and_system(self):
        record = self.records.add("r", "redfish", "x")[0]
        node = self.node("redfish", redfish_address="http://127.0.0.1:%d" % record["port"],
                         redfish_system_id="/redfish/v1/Systems/%s" % record["system_id"])
        bmc.Machine(self.records, "r").observe("on", "pxe")
        self.assertEqual(boot_of(self.records, node), (True, "r#1"))

    def test_a_node_whose_bmc_is_not_simulated_here_never_boots(self):
        running, why = boot_of(self.records, self.node("ipmi", ipmi_address="192.0.2.7"))
        self.assertFalse(running)
        self.assertIn("not one of the bed's simulated BMCs", why)
        self.assertFalse(boot_of(self.records, self.node("redfish", redfish_address="https://192.0.2.8"))[0])


if __name__ == "__main__":
    unittest.main()
