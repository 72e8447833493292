"""Unit tests of testbed/lib/ramdisk.py, the test bed's stand-in for the
inspection ramdisk: the inventory it builds (checked against what
ironic-inspector 11.1.0's and Ironic's agent inspection read from it), the
per-node hardware and control files, the behaviours (silent, error, delay,
refused reports) and the loopback-only rule. Its runs against the real
services are __tests__/integration/introspection.test.ts's.

ramdisk.py lives with the test bed, not in scripts/lib: this file puts
testbed/lib on the path itself, so that it also runs on its own
(python3 -m unittest discover -s __tests__/python -p test_ramdisk.py)."""
import contextlib
import http.server
import io
import json
import os
import re
import sys
import tempfile
import threading
import unittest
from unittest import mock

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "testbed", "lib"))

import ramdisk  # noqa: E402  (after the path above)
from ramdisk import GIB, RETRY_SECONDS, Ramdisk, agent_inspections, api_root, hardware_of, inventory, loopback_url, post, report  # noqa: E402

with open(os.path.join(ROOT, "testbed", "hardware.json")) as f:
    HARDWARE = json.load(f)

MACS = ["52:54:00:aa:bb:01", "52:54:00:aa:bb:02"]
MAC_RE = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")


def pxe_mac_of(boot_interface):
    """The MAC of a pxelinux-style BOOTIF (01-aa-bb-...), as inspector and Ironic parse it."""
    return boot_interface.split("-", 1)[1].replace("-", ":").lower()


def quietly(function, *args):
    """FUNCTION(*ARGS) with its log lines captured: (result, the lines)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = function(*args)
    return result, out.getvalue()


class Inventory(unittest.TestCase):
    """inventory() and report(): the document IPA posts, built from a description and the node's ports."""

    def setUp(self):
        with tempfile.TemporaryDirectory() as empty:
            self.classroom = hardware_of("classroom-0", HARDWARE, empty)

    def test_given_two_ports_when_built_then_the_first_is_the_pxe_nic_and_the_only_one_with_an_address(self):
        # GIVEN the classroom node's hardware and two ports
        # WHEN its inventory is built
        inv, _, pxe_mac = inventory(self.classroom, MACS)
        # THEN eth0 carries the first MAC and the DHCP address, eth1 the second and none
        self.assertEqual(pxe_mac, MACS[0])
        self.assertEqual([(i["name"], i["mac_address"], i["ipv4_address"]) for i in inv["interfaces"]],
                         [("eth0", MACS[0], "192.168.24.100"), ("eth1", MACS[1], None)])
        # AND the boot section and the report's boot_interface name it in pxelinux form (BOOTIF)
        self.assertEqual(inv["boot"]["pxe_interface"], "01-52-54-00-aa-bb-01")
        self.assertEqual(report(self.classroom, MACS)["boot_interface"], "01-52-54-00-aa-bb-01")

    def test_given_a_pxe_mac_in_upper_case_when_built_then_that_nic_is_the_pxe_one(self):
        # GIVEN a description naming the second NIC, in upper case, as the PXE NIC
        description = dict(self.classroom, pxe_mac="52:54:00:AA:BB:02")
        # WHEN built
        inv, _, pxe_mac = inventory(description, MACS)
        # THEN the second NIC has the address and the boot interface is its (lower-case) MAC
        self.assertEqual(pxe_mac, "52:54:00:aa:bb:02")
        self.assertEqual([i["ipv4_address"] for i in inv["interfaces"]], [None, "192.168.24.100"])
        self.assertEqual(pxe_mac_of(inv["boot"]["pxe_interface"]), "52:54:00:aa:bb:02")

    def test_given_the_classroom_node_when_built_then_cpu_memory_bmc_boot_and_vendor_are_ipa_s(self):
        # GIVEN hardware.json's default (the classroom node)
        # WHEN built
        inv, _, _ = inventory(self.classroom, MACS[:1])
        # THEN the CPU section has IPA's keys and the file's values
        self.assertEqual(inv["cpu"]["count"], 2)
        self.assertEqual(inv["cpu"]["architecture"], "x86_64")
        self.assertEqual(inv["cpu"]["model_name"], "Intel Xeon Processor (Skylake, IBRS)")
        self.assertIn("aes", inv["cpu"]["flags"])  # inspector's and Ironic's cpu capabilities read the flags
        # AND memory: total in bytes, physical_mb in MiB (the one both inspectors write as memory_mb)
        self.assertEqual(inv["memory"], {"total": 6442450944, "physical_mb": 6144})
        # AND the BMC addresses are what IPA reports without a BMC (inspector reads both as "none")
        self.assertEqual((inv["bmc_address"], inv["bmc_v6address"]), ("0.0.0.0", "::/0"))
        self.assertEqual(inv["boot"]["current_boot_mode"], "bios")
        self.assertEqual(inv["system_vendor"]["manufacturer"], "QEMU")

    def test_given_disks_in_gib_when_built_then_sizes_are_bytes_and_the_file_s_identity_is_kept(self):
        # GIVEN ti-ceph's two disks (100 and 1000 GiB, a WWN on the first)
        with tempfile.TemporaryDirectory() as empty:
            description = hardware_of("ti-ceph", HARDWARE, empty)
        # WHEN built
        _, disks, _ = inventory(description, MACS)
        # THEN the sizes are integers in bytes, the rest as the file says
        self.assertEqual([(d["name"], d["size"]) for d in disks], [("/dev/sda", 107374182400), ("/dev/sdb", 1073741824000)])
        self.assertTrue(all(type(d["size"]) is int for d in disks))
        self.assertEqual((disks[0]["serial"], disks[0]["wwn"], disks[0]["rotational"]), ("S3YJNX0K123456", "0x5000c500a1b2c3d4", False))
        self.assertEqual((disks[1]["wwn"], disks[1]["rotational"], disks[1]["hctl"]), (None, True, "1:0:0:0"))

    def test_given_a_fractional_size_when_built_then_whole_bytes(self):
        # GIVEN a disk of 0.5 GiB
        description = dict(self.classroom, disks=[{"name": "/dev/vda", "size_gib": 0.5}])
        # WHEN built
        _, disks, _ = inventory(description, MACS)
        # THEN 512 MiB in bytes, and the optional keys default to IPA's empty values
        self.assertEqual(disks[0]["size"], 536870912)
        self.assertEqual((disks[0]["model"], disks[0]["vendor"], disks[0]["serial"], disks[0]["rotational"]), ("", "", None, True))

    def test_given_the_arm_node_when_built_then_uefi_and_aarch64(self):
        # GIVEN ti-arm (aarch64, UEFI, one NVMe disk)
        with tempfile.TemporaryDirectory() as empty:
            description = hardware_of("ti-arm", HARDWARE, empty)
        # WHEN built
        data = report(description, MACS[:1])
        # THEN its boot mode, architecture, CPUs and root disk are its own
        self.assertEqual(data["inventory"]["boot"]["current_boot_mode"], "uefi")
        self.assertEqual((data["inventory"]["cpu"]["architecture"], data["inventory"]["cpu"]["count"]), ("aarch64", 64))
        self.assertEqual(data["inventory"]["memory"]["physical_mb"], 131072)
        self.assertEqual(data["root_disk"]["name"], "/dev/nvme0n1")


class RootDisk(unittest.TestCase):
    """The report's root_disk: IPA's choice without root device hints (utils.guess_root_disk)."""

    def description(self, *disks):
        return dict(HARDWARE["default"], disks=[{"name": name, "size_gib": size} for name, size in disks])

    def test_given_the_classroom_node_when_reported_then_its_40_gib_disk_and_inspector_s_local_gb_39(self):
        # GIVEN the classroom node (one 40 GiB disk)
        # WHEN reported
        data = report(HARDWARE["default"], MACS[:1])
        # THEN the root disk is that disk, whole, in bytes
        self.assertEqual((data["root_disk"]["name"], data["root_disk"]["size"]), ("/dev/sda", 40 * GIB))
        self.assertEqual(data["root_disk"], data["inventory"]["disks"][0])
        # AND the local_gb the inspectors derive from it (size // GiB, less 1 of partitioning spacing) is 39
        self.assertEqual(data["root_disk"]["size"] // GIB - 1, 39)

    def test_given_several_disks_when_reported_then_the_smallest_of_at_least_4_gib(self):
        # GIVEN a 2 GiB disk, a 100 GiB and a 10 GiB disk
        # WHEN reported
        data = report(self.description(("/dev/sda", 2), ("/dev/sdb", 100), ("/dev/sdc", 10)), MACS[:1])
        # THEN the 10 GiB disk (the 2 GiB one is too small)
        self.assertEqual(data["root_disk"]["name"], "/dev/sdc")

    def test_given_a_disk_of_exactly_4_gib_when_reported_then_it_qualifies(self):
        self.assertEqual(report(self.description(("/dev/sdb", 8), ("/dev/sda", 4)), MACS[:1])["root_disk"]["name"], "/dev/sda")

    def test_given_only_small_disks_or_none_when_reported_then_no_root_disk(self):
        # GIVEN disks all under 4 GiB, or no disk
        # WHEN reported
        # THEN no root disk (the inspectors then write local_gb 0: a diskless node)
        self.assertIsNone(report(self.description(("/dev/sda", 3.9)), MACS[:1])["root_disk"])
        self.assertIsNone(report(self.description(), MACS[:1])["root_disk"])

    def test_given_disks_of_equal_size_when_reported_then_the_first_by_name_as_ipa_picks(self):
        # GIVEN two 100 GiB disks listed sdc before sdb (a control file may list them in any order)
        # WHEN reported
        data = report(self.description(("/dev/sdc", 100), ("/dev/sdb", 100)), MACS[:1])
        # THEN sdb: IPA orders by size, then name
        self.assertEqual(data["root_disk"]["name"], "/dev/sdb")


class WhatTheInspectorsRead(unittest.TestCase):
    """Every node of hardware.json gives a report that ironic-inspector 11.1.0 (Zed) and Ironic's
    agent inspection (Epoxy) accept and read the expected values from. The rules below restate what
    their code does with the document (ironic_inspector/utils.py get_inventory, plugins/standard.py
    ValidateInterfacesHook and SchedulerHook; ironic/api/controllers/v1/ramdisk.py DATA_VALIDATOR,
    drivers/modules/inspector/hooks/{validate_interfaces,memory,architecture,root_device}.py)."""

    def reports(self):
        with tempfile.TemporaryDirectory() as empty:
            for name in ["an-unlisted-node"] + sorted(HARDWARE["nodes"]):
                yield name, hardware_of(name, HARDWARE, empty), report(hardware_of(name, HARDWARE, empty), MACS)

    def test_given_every_node_of_hardware_json_when_reported_then_the_document_is_plain_json(self):
        for name, _, data in self.reports():
            # WHEN sent (json.dumps) THEN it comes back the same: no tuples, no bytes, no objects
            self.assertEqual(json.loads(json.dumps(data)), data, name)
            self.assertEqual(sorted(data), ["boot_interface", "configuration", "error", "inventory", "root_disk"], name)

    def test_given_every_node_when_reported_then_ironic_s_data_validator_and_lookup_are_satisfied(self):
        for name, _, data in self.reports():
            inv = data["inventory"]
            # Ironic's DATA_VALIDATOR: an inventory with at least one interface, each with a string mac_address
            self.assertIsInstance(inv, dict, name)
            self.assertGreaterEqual(len(inv["interfaces"]), 1, name)
            for iface in inv["interfaces"]:
                self.assertIsInstance(iface["mac_address"], str, name)
            for key in ("bmc_address", "bmc_v6address"):
                self.assertIsInstance(inv[key], str, name)
            # Lookup by MAC: every port's MAC is in the inventory, valid and lower case
            self.assertEqual([i["mac_address"] for i in inv["interfaces"]], MACS, name)
            self.assertTrue(all(MAC_RE.match(i["mac_address"]) for i in inv["interfaces"]), name)

    def test_given_every_node_when_reported_then_inspector_keeps_exactly_the_pxe_nic(self):
        for name, _, data in self.reports():
            pxe_mac = pxe_mac_of(data["boot_interface"])
            self.assertEqual(pxe_mac, pxe_mac_of(data["inventory"]["boot"]["pxe_interface"]), name)
            # inspector (add_ports = pxe): an interface needs a name and a valid MAC; it keeps the PXE
            # one, and only if it had an IP address during the ramdisk run
            kept = [i["mac_address"] for i in data["inventory"]["interfaces"]
                    if i["name"] and MAC_RE.match(i["mac_address"]) and i["mac_address"] == pxe_mac and i["ipv4_address"]]
            self.assertEqual(kept, [MACS[0]], name)

    def test_given_every_node_when_reported_then_the_scheduler_values_are_the_file_s(self):
        for name, description, data in self.reports():
            inv = data["inventory"]
            # inspector's scheduler hook: cpus, cpu_arch, memory_mb; Ironic's architecture and memory hooks
            self.assertEqual((int(inv["cpu"]["count"]), str(inv["cpu"]["architecture"]), int(inv["memory"]["physical_mb"])),
                             (description["cpus"], description["cpu_arch"], description["memory_mb"]), name)
            # inspector needs disks (or treats the node as diskless); the root disk is one of them
            self.assertTrue(inv["disks"], name)
            self.assertIn(data["root_disk"], inv["disks"], name)
            self.assertTrue(all(d["name"].startswith("/dev/") for d in inv["disks"]), name)
            self.assertIsNone(data["error"], name)

    def test_given_the_nodes_of_hardware_json_when_reported_then_each_one_s_root_disk_and_local_gb(self):
        got = {name: (data["root_disk"]["name"], data["root_disk"]["size"] // GIB - 1) for name, _, data in self.reports()}
        self.assertEqual(got, {
            "an-unlisted-node": ("/dev/sda", 39),
            "ceph-0": ("/dev/sda", 39),
            "ti-arm": ("/dev/nvme0n1", 479),
            "ti-ceph": ("/dev/sda", 99),
            "ti-legacy": ("/dev/sda", 39),
            "ti-manual": ("/dev/sda", 39),
        })


class HardwareOf(unittest.TestCase):
    """hardware_of(): hardware.json's default, the node's entry, then the test's control file."""

    def setUp(self):
        self.control = tempfile.TemporaryDirectory()
        self.addCleanup(self.control.cleanup)

    def tell(self, name, control):
        with open(os.path.join(self.control.name, name + ".json"), "w") as f:
            json.dump(control, f)

    def test_given_a_node_without_entry_when_described_then_the_default(self):
        self.assertEqual(hardware_of("classroom-0", HARDWARE, self.control.name), HARDWARE["default"])

    def test_given_a_node_entry_when_described_then_its_keys_replace_the_default_s_whole(self):
        # GIVEN ceph-0 (its own memory and three disks)
        # WHEN described
        description = hardware_of("ceph-0", HARDWARE, self.control.name)
        # THEN its memory and disks (the list replaced, not merged), the default's CPUs
        self.assertEqual(description["memory_mb"], 16384)
        self.assertEqual([d["name"] for d in description["disks"]], ["/dev/sda", "/dev/sdb", "/dev/sdc"])
        self.assertEqual((description["cpus"], description["cpu_arch"]), (2, "x86_64"))

    def test_given_a_control_file_when_described_then_it_overrides_entry_and_default(self):
        # GIVEN a test told ceph-0 it has 8192 MiB and 4 CPUs
        self.tell("ceph-0", {"memory_mb": 8192, "cpus": 4})
        # WHEN described
        description = hardware_of("ceph-0", HARDWARE, self.control.name)
        # THEN the control file's values, the node entry's disks, the default's architecture
        self.assertEqual((description["memory_mb"], description["cpus"]), (8192, 4))
        self.assertEqual(len(description["disks"]), 3)
        self.assertEqual(description["cpu_arch"], "x86_64")

    def test_given_a_control_file_that_changes_when_described_again_then_read_anew(self):
        self.tell("node-1", {"behaviour": "silent"})
        self.assertEqual(hardware_of("node-1", HARDWARE, self.control.name)["behaviour"], "silent")
        self.tell("node-1", {"delay_seconds": 7})
        description = hardware_of("node-1", HARDWARE, self.control.name)
        self.assertNotIn("behaviour", description)
        self.assertEqual(description["delay_seconds"], 7)
        os.remove(os.path.join(self.control.name, "node-1.json"))
        self.assertEqual(hardware_of("node-1", HARDWARE, self.control.name), HARDWARE["default"])

    def test_given_another_node_s_control_file_when_described_then_not_read(self):
        self.tell("node-2", {"behaviour": "silent"})
        self.assertNotIn("behaviour", hardware_of("node-1", HARDWARE, self.control.name))

    def test_given_no_name_when_described_then_no_control_file_is_read(self):
        # GIVEN files named after what a missing name would format to
        self.tell("None", {"behaviour": "silent"})
        self.tell("", {"behaviour": "silent"})
        # WHEN a node without name is described THEN the default
        self.assertEqual(hardware_of(None, HARDWARE, self.control.name), HARDWARE["default"])
        self.assertEqual(hardware_of("", HARDWARE, self.control.name), HARDWARE["default"])

    def test_given_a_control_file_when_described_then_hardware_json_is_left_as_loaded(self):
        # GIVEN hardware.json as loaded, and a control file for ceph-0
        before = json.dumps(HARDWARE, sort_keys=True)
        self.tell("ceph-0", {"memory_mb": 1, "disks": [], "behaviour": "silent"})
        # WHEN ceph-0 is described
        self.assertEqual(hardware_of("ceph-0", HARDWARE, self.control.name)["memory_mb"], 1)
        # THEN neither the default nor ceph-0's entry took the control file's values (the next node gets none of them)
        self.assertEqual(json.dumps(HARDWARE, sort_keys=True), before)
        self.assertEqual(hardware_of("ceph-1", HARDWARE, self.control.name), HARDWARE["default"])

    def test_given_a_control_file_that_is_half_written_when_described_then_an_error_not_the_default(self):
        # GIVEN node-1's control file empty (a test's write caught between truncation and content)
        open(os.path.join(self.control.name, "node-1.json"), "w").close()
        # WHEN described THEN a ValueError (the caller reads it again next poll), not the default hardware
        with self.assertRaises(ValueError):
            hardware_of("node-1", HARDWARE, self.control.name)

    def test_given_a_hardware_file_without_nodes_when_described_then_the_default(self):
        self.assertEqual(hardware_of("x", {"default": {"cpus": 1}}, self.control.name), {"cpus": 1})


class Clock:
    """time.monotonic, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Serve(unittest.TestCase):
    """Ramdisk.serve(): once per inspection, after the delay, as the node's control file says."""

    def setUp(self):
        self.control = tempfile.TemporaryDirectory()
        self.addCleanup(self.control.cleanup)
        self.clock = Clock()
        patcher = mock.patch.object(ramdisk.time, "monotonic", self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.sent, self.answers, self.ports_asked = [], [], 0
        self.ramdisk = Ramdisk(HARDWARE, self.control.name, 2.0)

    def tell(self, name, control):
        with open(os.path.join(self.control.name, name + ".json"), "w") as f:
            json.dump(control, f)

    def macs_of(self, macs=MACS):
        def macs_of():
            self.ports_asked += 1
            return list(macs)
        return macs_of

    def send(self, data):
        self.sent.append(data)
        return self.answers.pop(0) if self.answers else (200, "{}")

    def serve(self, key=("inspector", "uuid-1", "t0"), name="node-1", macs=MACS):
        return quietly(self.ramdisk.serve, key, name, self.macs_of(macs), self.send)[1]

    def test_given_the_default_delay_when_served_then_nothing_before_it_and_one_report_after(self):
        # GIVEN a node first seen now, the default delay 2 s
        # WHEN served at once, and 1.9 s later
        self.serve()
        self.clock.now += 1.9
        self.serve()
        # THEN nothing was sent, the ports not even listed
        self.assertEqual((self.sent, self.ports_asked), ([], 0))
        # WHEN served at 2 s
        self.clock.now += 0.1
        log = self.serve()
        # THEN one report, with the node's inventory, and the log says what it reported
        self.assertEqual(len(self.sent), 1)
        self.assertEqual(self.sent[0]["inventory"]["memory"]["physical_mb"], 6144)
        self.assertIn("node node-1: inventory posted (2 CPU, 6144 MiB, 1 disk(s))", log)
        # WHEN served again (the node still waits) THEN no second report
        self.clock.now += 10
        self.assertEqual(self.serve(), "")
        self.assertEqual(len(self.sent), 1)

    def test_given_a_node_s_own_delay_when_served_then_that_delay(self):
        # GIVEN node-1 told to answer after 5 s
        self.tell("node-1", {"delay_seconds": 5})
        self.serve()
        self.clock.now += 4.5
        self.serve()
        self.assertEqual(self.sent, [])
        self.clock.now += 0.5
        self.serve()
        self.assertEqual(len(self.sent), 1)

    def test_given_a_zero_delay_when_served_then_at_once(self):
        self.tell("node-1", {"delay_seconds": 0})
        self.serve()
        self.assertEqual(len(self.sent), 1)

    def test_given_a_silent_node_when_served_then_never_a_report_and_said_once(self):
        # GIVEN node-1 told to stay silent
        self.tell("node-1", {"behaviour": "silent"})
        # WHEN served, long past any delay
        log = self.serve()
        self.clock.now += 3600
        later = self.serve()
        # THEN nothing sent, no port listed, one log line naming the control file
        self.assertEqual((self.sent, self.ports_asked), ([], 0))
        self.assertIn("node node-1: staying silent, as told (%s)" % os.path.join(self.control.name, "node-1.json"), log)
        self.assertEqual(later, "")

    def test_given_a_silent_node_told_otherwise_when_a_new_inspection_starts_then_it_reports(self):
        # GIVEN node-1 silent during its first inspection
        self.tell("node-1", {"behaviour": "silent"})
        self.serve(key=("agent", "uuid-1", 1.0))
        # WHEN the test forgets the control file and the node is inspected again (a new key)
        os.remove(os.path.join(self.control.name, "node-1.json"))
        self.serve(key=("agent", "uuid-1", 2.0))
        self.clock.now += 2
        self.serve(key=("agent", "uuid-1", 2.0))
        # THEN that inspection gets its report
        self.assertEqual(len(self.sent), 1)

    def test_given_an_error_node_when_served_then_the_report_carries_the_error(self):
        # GIVEN node-1 told to fail with a message
        self.tell("node-1", {"behaviour": "error", "error": "no disks found"})
        self.clock.now += 2
        self.serve()
        self.clock.now += 2
        log = self.serve()
        # THEN one report whose error is the message, the inventory still in it (IPA sends what it has)
        self.assertEqual([d["error"] for d in self.sent], ["no disks found"])
        self.assertIn("interfaces", self.sent[0]["inventory"])
        self.assertIn("node node-1: inventory posted (ramdisk error 'no disks found')", log)

    def test_given_an_error_node_without_message_when_served_then_a_generic_error_and_no_crash(self):
        # GIVEN node-1 told {"behaviour": "error"} only
        self.tell("node-1", {"behaviour": "error"})
        self.serve()
        self.clock.now += 2
        # WHEN served and the endpoint accepts the report (Ironic's agent inspection does)
        log = self.serve()
        # THEN the report's error is the generic one and the log line names it
        self.assertEqual([d["error"] for d in self.sent], ["ramdisk error"])
        self.assertIn("node node-1: inventory posted (ramdisk error 'ramdisk error')", log)

    def test_given_a_refused_report_when_served_then_retried_until_the_retry_time_then_given_up(self):
        # GIVEN an endpoint that refuses (inspector 11.1.0 refuses an error report with 400)
        refusal = (400, ' {"error":{"message":"Can not transition from state \'waiting\' on event \'error\'"}}\n')
        self.answers = [refusal] * 10
        self.serve()
        self.clock.now += 2
        # WHEN served after the delay: refused
        log = self.serve()
        self.assertIn("""node node-1: the report was refused (400: {"error":{"message":"Can not transition""", log)
        self.assertIn("; retrying", log)
        # THEN served again next poll, until RETRY_SECONDS after the node was first seen
        self.clock.now += RETRY_SECONDS - 2
        self.assertIn("; retrying", self.serve())
        self.clock.now += 1
        self.assertIn("; giving up", self.serve())
        self.assertEqual(len(self.sent), 3)
        self.clock.now += 10
        self.serve()
        self.assertEqual(len(self.sent), 3)

    def test_given_a_report_that_cannot_be_sent_when_served_then_retried_not_raised(self):
        # GIVEN an endpoint that does not answer (post's status None)
        self.answers = [(None, "[Errno 111] Connection refused"), (200, "{}")]
        self.serve()
        self.clock.now += 2
        # WHEN served THEN the stand-in keeps going and retries
        log = self.serve()
        self.assertIn("node node-1: the report could not be sent ([Errno 111] Connection refused); retrying", log)
        self.serve()
        self.assertEqual(len(self.sent), 2)

    def test_given_a_control_file_read_half_written_when_served_then_read_again_next_poll_with_the_same_delay(self):
        # GIVEN node-1 told to stay silent, its file caught empty at the first poll
        open(os.path.join(self.control.name, "node-1.json"), "w").close()
        # WHEN served THEN nothing is sent, nothing decided, and the stand-in goes on
        log = self.serve()
        self.assertIn("node node-1: its control file is not JSON yet (", log)
        self.assertEqual(self.sent, [])
        # WHEN the file is complete at the next poll THEN what it says holds (silent: still nothing sent)
        self.tell("node-1", {"behaviour": "silent"})
        self.clock.now += 5
        self.assertIn("staying silent", self.serve())
        self.assertEqual(self.sent, [])

    def test_given_an_unreadable_control_file_at_first_when_served_then_the_delay_counts_from_the_first_poll(self):
        open(os.path.join(self.control.name, "node-1.json"), "w").close()
        self.serve()
        self.tell("node-1", {"delay_seconds": 2})
        self.clock.now += 2
        self.serve()
        self.assertEqual(len(self.sent), 1)

    def test_given_a_node_without_ports_when_served_then_silent_without_sending(self):
        self.serve(macs=[])
        self.clock.now += 2
        log = self.serve(macs=[])
        self.assertEqual(self.sent, [])
        self.assertIn("node node-1: no ports, so no NIC to report from; staying silent", log)
        self.clock.now += 2
        self.serve(macs=MACS)
        self.assertEqual(self.sent, [])

    def test_given_two_nodes_when_served_then_each_its_own_hardware_and_delay(self):
        # GIVEN ceph-0 at the default delay and node-1 told to wait 10 s
        self.tell("node-1", {"delay_seconds": 10})
        for name in ("ceph-0", "node-1"):
            self.serve(key=("agent", name, 0), name=name)
        self.clock.now += 2
        for name in ("ceph-0", "node-1"):
            self.serve(key=("agent", name, 0), name=name)
        # THEN only ceph-0 has reported, with its 16 GiB and three disks
        self.assertEqual([(d["inventory"]["memory"]["physical_mb"], len(d["inventory"]["disks"])) for d in self.sent], [(16384, 3)])


    def test_given_inspections_that_ended_when_forgotten_then_only_those_still_waiting_are_held(self):
        # GIVEN two inspections served (one reported, one still in its delay) and a third reported
        self.ramdisk = Ramdisk(HARDWARE, self.control.name, 0.0)
        for key in [("inspector", "uuid-1", "t0"), ("agent", "uuid-2", "t1")]:
            self.serve(key=key)
        self.ramdisk.delay = 5.0
        self.serve(key=("agent", "uuid-3", "t2"))
        # WHEN the next round lists only uuid-2's and uuid-3's as waiting
        self.ramdisk.forget_all_but([("agent", "uuid-2", "t1"), ("agent", "uuid-3", "t2")])
        # THEN uuid-1's inspection is forgotten, the others kept as they were
        self.assertEqual(set(self.ramdisk.seen), {("agent", "uuid-2", "t1"), ("agent", "uuid-3", "t2")})
        self.assertEqual(self.ramdisk.done, {("agent", "uuid-2", "t1")})
        # AND uuid-2 is not reported again, while uuid-3 still reports once its delay is over
        self.clock.now += 5
        self.serve(key=("agent", "uuid-2", "t1"))
        self.serve(key=("agent", "uuid-3", "t2"))
        self.assertEqual(len(self.sent), 3)
        # WHEN nothing waits any more THEN nothing is held
        self.ramdisk.forget_all_but([])
        self.assertEqual((self.ramdisk.seen, self.ramdisk.done), ({}, set()))


class AgentInspections(unittest.TestCase):
    def test_given_a_retry_between_two_polls_when_listed_then_it_is_a_new_inspection(self):
        # GIVEN node-1 in inspect wait, then failed and put back into inspect wait before the next poll
        first = {"uuid": "uuid-1", "name": "node-1", "inspect_interface": "agent", "provision_updated_at": "2026-12-01T05:30:20+00:00"}
        retry = dict(first, provision_updated_at="2026-12-01T05:30:26+00:00")
        # WHEN both listings are read
        [(key1, uuid, name)] = agent_inspections([first])
        [(key2, _, _)] = agent_inspections([retry])
        # THEN the node is the same, the inspection is not: the stand-in reports to the retry too
        self.assertEqual((uuid, name), ("uuid-1", "node-1"))
        self.assertNotEqual(key1, key2)
        self.assertEqual(key1, agent_inspections([dict(first)])[0][0])

    def test_given_nodes_of_other_interfaces_or_no_name_when_listed_then_only_agent_ones_by_uuid_if_unnamed(self):
        # GIVEN an inspector node, and an agent node without a name
        nodes = [{"uuid": "uuid-2", "name": "insp", "inspect_interface": "inspector", "provision_updated_at": "t"},
                 {"uuid": "uuid-3", "name": None, "inspect_interface": "agent", "provision_updated_at": "t"}]
        # WHEN listed THEN only the agent node, named by its UUID
        self.assertEqual(agent_inspections(nodes), [(("agent", "uuid-3", "t"), "uuid-3", "uuid-3")])


class Loopback(unittest.TestCase):
    """The stand-in sends only to loopback addresses."""

    def test_given_loopback_endpoints_when_checked_then_kept_as_they_are(self):
        for url in ("http://127.0.0.1:5050/v1/continue", "http://127.0.0.2:6385/v1/continue_inspection",
                    "https://127.255.0.1/", "http://[::1]:6385/v1"):
            self.assertEqual(loopback_url(url), url)

    def test_given_other_addresses_when_checked_then_refused_naming_the_url(self):
        for url in ("http://192.168.24.1:5050/v1/continue", "http://10.0.0.1/", "http://0.0.0.0:6385/",
                    "http://[2001:db8::1]:6385/", "http://[::]:6385/"):
            with self.assertRaises(SystemExit) as refused:
                loopback_url(url)
            self.assertEqual(str(refused.exception), "ramdisk: refusing to send to %s: not a loopback address" % url)

    def test_given_host_names_or_no_host_when_checked_then_refused_the_same_way(self):
        # a name is not an address: it could resolve anywhere
        for url in ("http://localhost:5050/v1/continue", "http://undercloud.example.com/", "/v1/continue"):
            with self.assertRaises(SystemExit) as refused:
                loopback_url(url)
            self.assertIn("not a loopback address", str(refused.exception))


class ApiRoot(unittest.TestCase):
    def test_given_catalog_endpoints_when_rooted_then_without_v1_and_slash(self):
        self.assertEqual(api_root("http://127.0.0.1:6385/v1"), "http://127.0.0.1:6385")
        self.assertEqual(api_root("http://127.0.0.1:6385/v1/"), "http://127.0.0.1:6385")
        self.assertEqual(api_root("http://127.0.0.1:5050/"), "http://127.0.0.1:5050")
        self.assertEqual(api_root("http://127.0.0.1/baremetal/v1"), "http://127.0.0.1/baremetal")
        self.assertEqual(api_root("http://127.0.0.1:5050/v10"), "http://127.0.0.1:5050/v10")


class Endpoint(http.server.BaseHTTPRequestHandler):
    """A loopback endpoint: answers GET / with a version document, POST with the status it is told."""
    status, version, requests = 202, "1.84", []

    def do_GET(self):
        self.answer(200, json.dumps({"default_version": {"version": Endpoint.version}}))

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Endpoint.requests.append((self.path, self.headers, json.loads(body)))  # headers: case-insensitive, as HTTP's
        self.answer(Endpoint.status, '{"uuid": "u"}' if Endpoint.status < 300 else '{"error": "no"}')

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


class Post(unittest.TestCase):
    """post() and ironic_max_version() against an HTTP server on 127.0.0.1 of this test."""

    @classmethod
    def setUpClass(cls):
        cls.server = http.server.HTTPServer(("127.0.0.1", 0), Endpoint)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        Endpoint.status, Endpoint.version, Endpoint.requests = 202, "1.84", []

    def test_given_an_accepting_endpoint_when_posted_then_json_with_the_headers_and_its_answer(self):
        data = report(HARDWARE["default"], MACS)
        status, body = post(self.url + "/v1/continue_inspection", data, {"X-OpenStack-Ironic-API-Version": "1.84"})
        self.assertEqual((status, body), (202, '{"uuid": "u"}'))
        path, headers, sent = Endpoint.requests[0]
        self.assertEqual(path, "/v1/continue_inspection")
        self.assertEqual((headers["Content-Type"], headers["X-OpenStack-Ironic-API-Version"]), ("application/json", "1.84"))
        self.assertNotIn("X-Auth-Token", headers)
        self.assertEqual(sent, data)

    def test_given_a_refusing_endpoint_when_posted_then_its_status_and_body_not_an_exception(self):
        Endpoint.status = 400
        self.assertEqual(post(self.url + "/v1/continue", {"inventory": {}}), (400, '{"error": "no"}'))

    def test_given_nothing_listening_when_posted_then_no_status_and_the_reason(self):
        # GIVEN a loopback port nobody listens on (this server's, closed)
        probe = http.server.HTTPServer(("127.0.0.1", 0), Endpoint)
        port = probe.server_address[1]
        probe.server_close()
        # WHEN posted THEN (None, why) instead of an exception that would end the stand-in's loop
        status, why = post("http://127.0.0.1:%d/v1/continue" % port, {})
        self.assertIsNone(status)
        self.assertIn("refused", why.lower())

    def test_given_ironic_s_root_document_when_asked_then_its_newest_version_as_numbers(self):
        conn = mock.Mock()
        conn.baremetal.get_endpoint.return_value = self.url + "/v1/"
        self.assertEqual(ramdisk.ironic_max_version(conn), (1, 84))
        self.assertGreaterEqual(ramdisk.ironic_max_version(conn), ramdisk.CONTINUE_INSPECTION_VERSION)
        Endpoint.version = "1.80"  # Zed's Ironic 21.1: no /v1/continue_inspection
        self.assertLess(ramdisk.ironic_max_version(conn), ramdisk.CONTINUE_INSPECTION_VERSION)
        Endpoint.version = "1.100"  # compared as numbers, not as text
        self.assertGreater(ramdisk.ironic_max_version(conn), ramdisk.CONTINUE_INSPECTION_VERSION)

    def test_given_a_non_loopback_ironic_when_asked_its_version_then_refused_before_any_request(self):
        conn = mock.Mock()
        conn.baremetal.get_endpoint.return_value = "http://192.0.2.1:6385/v1"
        with mock.patch.object(ramdisk.urllib.request, "urlopen") as urlopen:
            with self.assertRaises(SystemExit):
                ramdisk.ironic_max_version(conn)
        urlopen.assert_not_called()


if __name__ == "__main__":
    unittest.main()
