"""One simulated IPMI BMC (IPMI 2.0 / RMCP+, as `ipmitool -I lanplus` speaks it),
built on pyghmi's BMC server class: user and password checked by RAKP, power and
boot device held by bmc.Machine. In mode `hang` it opens sessions but never
answers a command: a BMC that stops mid-conversation.

usage: bmc_ipmi.py BMC_DIR NAME      (started by testbed/bmc; pyghmi on PYTHONPATH)
"""
import sys
import time

from pyghmi.ipmi import bmc as pyghmi_bmc
from pyghmi.ipmi.private import session as pyghmi_session

import bmc

# pyghmi's boot device names (ipmi command.boot_devices) → the record's.
BOOT_DEVICES = {"network": "pxe", "hd": "disk", "optical": "cdrom", "setup": "bios", "floppy": "floppy",
                "safe": "safe", "default": "default"}
# The record's → a name pyghmi answers with.
PYGHMI_DEVICES = {"pxe": "network", "disk": "hd", "cdrom": "optical", "bios": "setup"}


class Users:
    """pyghmi's user → password lookup (asked once a session, at RAKP 1), each session logged.
    A wrong password is found by the client (ipmitool checks the BMC's RAKP 2 reply), so the
    log shows a session that no command follows."""

    def __init__(self, machine):
        self.machine = machine

    def get(self, user):
        record = self.machine.record
        self.machine.log("session for user %s%s" % (user, "" if user == record["user"] else " (no such user)"))
        return record["password"] if user == record["user"] else None


class SimulatedBmc(pyghmi_bmc.Bmc):
    def __init__(self, machine):
        self.machine = machine
        super().__init__(Users(machine), port=machine.record["port"],
                         address=bmc.check_loopback(machine.record["address"]))

    def handle_raw_request(self, request, session):
        if self.machine.mode() == "hang":
            self.machine.log("no answer (hanging) to netfn %d command %d" % (request["netfn"], request["command"]))
            return
        super().handle_raw_request(request, session)

    def get_power_state(self):
        return self.machine.power_state()

    def power_on(self):
        self.machine.set_power("on")

    def power_off(self):
        self.machine.set_power("off")

    def power_shutdown(self):
        self.machine.set_power("off")

    def power_reset(self):
        self.machine.set_power("reset")

    def power_cycle(self):
        self.machine.set_power("off")
        self.machine.set_power("on")

    def get_boot_device(self):
        return PYGHMI_DEVICES.get(self.machine.boot_device(), "default")

    def set_boot_device(self, bootdevice):
        self.machine.set_boot_device(BOOT_DEVICES.get(bootdevice, bootdevice))


def main(bmc_dir, name):
    records = bmc.Records(bmc_dir, "", 0)
    machine = bmc.Machine(records, name)
    SimulatedBmc(machine)
    print("%s bmc %s: IPMI (lanplus) listening on %s:%d, user %s" % (
        time.strftime("%H:%M:%S", time.gmtime()), name, machine.record["address"], machine.record["port"],
        machine.record["user"]), flush=True)
    while True:
        pyghmi_session.Session.wait_for_rsp(30)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
