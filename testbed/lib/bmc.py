"""The test bed's simulated BMCs: their records, the machine each one drives,
and the `testbed/bmc` subcommands that need no server library.

A simulated BMC is one process (bmc_ipmi.py: pyghmi's IPMI server; bmc_redfish.py:
sushy-tools' Redfish emulator with its fake systems driver) serving one machine,
on a loopback address only. Its files, in $STATE/bmc/:

  NAME.json      the record: driver, address, port, system id, user, password (mode 0600)
  NAME.state     what the machine is: power, boot device, its last boot (JSON, replaced whole)
  NAME.commands  what the BMC was asked, one JSON object a line ({"at", "command"})
  NAME.mode      "ok", "hang" (sessions open, commands never answered) or "unreachable"
                 (the process is stopped: nothing listens)

The power state and boot device live in the serving process; NAME.state is
written on every change so that the ramdisk stand-in can tell when the machine
"boots" (powered on with boot device PXE), as a real ramdisk would only run then.

usage: bmc.py add NAME --driver ipmi|redfish [--password P]   (prints the node-file fields)
       bmc.py list | log NAME | record NAME | names | rm NAME | mode NAME [ok|hang|unreachable]
       bmc.py password NAME P
The bed's address plan comes from the environment (set by testbed/bmc):
BMC_DIR, BMC_IPMI_NET (e.g. 127.0.10), BMC_REDFISH_PORT_BASE (e.g. 15800).
"""
import ipaddress
import json
import os
import re
import secrets
import sys
import time
import uuid

DRIVERS = ("ipmi", "redfish")
MODES = ("ok", "hang", "unreachable")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
IPMI_PORT = 623
REDFISH_HOST = "127.0.0.1"
# At most this many BMCs a bed: IPMI addresses <net>.1 to <net>.99, Redfish ports base+1 to base+99.
MAX_BMCS = 99
USER = "admin"
# IPMI 2.0 passwords are at most 20 bytes (ipmitool refuses longer ones: "password is longer than 20 bytes").
IPMI_PASSWORD_BYTES = 20
# Power and boot device names as the record keeps them, whichever protocol set them.
POWER = ("on", "off")


class BmcError(Exception):
    """A refused request to the BMC manager: one line for the user."""


def check_loopback(address):
    """The address, if it is in 127.0.0.0/8; BmcError otherwise (a simulated BMC listens nowhere else)."""
    if not ipaddress.ip_address(address).is_loopback:
        raise BmcError("%s is not a loopback address: a simulated BMC listens on 127.0.0.0/8 only" % address)
    return address


class Records:
    """The BMC records of one bed (BMC_DIR)."""

    def __init__(self, directory, ipmi_net, redfish_port_base):
        self.directory, self.ipmi_net, self.redfish_port_base = directory, ipmi_net, int(redfish_port_base)

    def path(self, name, suffix):
        return os.path.join(self.directory, "%s.%s" % (name, suffix))

    def names(self):
        if not os.path.isdir(self.directory):
            return []
        return sorted(f[:-5] for f in os.listdir(self.directory) if f.endswith(".json"))

    def read(self, name):
        try:
            with open(self.path(name, "json")) as f:
                return json.load(f)
        except FileNotFoundError:
            raise BmcError("no simulated BMC named %s (testbed/bmc list shows them)" % name) from None

    def used(self):
        """The slot numbers taken (1..MAX_BMCS)."""
        return {self.read(name)["slot"] for name in self.names()}

    def add(self, name, driver, password=None):
        """Records a new BMC in the first free slot; returns (record, node-file fields)."""
        if not NAME.match(name):
            raise BmcError("%r is not a BMC name: letters, digits, '.', '_' and '-', at most 63" % name)
        if driver not in DRIVERS:
            raise BmcError("unknown driver %r (ipmi or redfish)" % driver)
        if name in self.names():
            raise BmcError("a simulated BMC named %s exists already (testbed/bmc rm %s first)" % (name, name))
        free = sorted(set(range(1, MAX_BMCS + 1)) - self.used())
        if not free:
            raise BmcError("all %d BMC slots of this bed are taken (testbed/bmc rm one)" % MAX_BMCS)
        if password is not None:
            check_password(driver, password)
        slot = free[0]
        record = {"name": name, "driver": driver, "slot": slot, "user": USER,
                  "password": password if password is not None else secrets.token_urlsafe(12)}
        if driver == "ipmi":
            record.update(address=check_loopback("%s.%d" % (self.ipmi_net, slot)), port=IPMI_PORT)
        else:
            record.update(address=REDFISH_HOST, port=self.redfish_port_base + slot, system_id=str(uuid.uuid4()))
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        write_json(self.path(name, "json"), record, mode=0o600)
        write_text(self.path(name, "mode"), "ok\n")
        return record, node_fields(record, with_password=password is None)

    def remove(self, name):
        self.read(name)
        for suffix in ("json", "state", "commands", "mode"):
            try:
                os.remove(self.path(name, suffix))
            except FileNotFoundError:
                pass
        state_dir = self.path(name, "redfish")
        if os.path.isdir(state_dir):
            for f in os.listdir(state_dir):
                os.remove(os.path.join(state_dir, f))
            os.rmdir(state_dir)

    def set_password(self, name, password):
        """The BMC's new password (its process must start again to use it)."""
        record = self.read(name)
        check_password(record["driver"], password)
        record["password"] = password
        write_json(self.path(name, "json"), record, mode=0o600)

    def mode(self, name):
        self.read(name)
        try:
            with open(self.path(name, "mode")) as f:
                mode = f.read().strip()
        except FileNotFoundError:
            return "ok"
        return mode if mode in MODES else "ok"

    def set_mode(self, name, mode):
        if mode not in MODES:
            raise BmcError("unknown mode %r (%s)" % (mode, ", ".join(MODES)))
        self.read(name)
        write_text(self.path(name, "mode"), mode + "\n")

    def commands(self, name):
        self.read(name)
        try:
            with open(self.path(name, "commands")) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def state(self, name):
        return read_state(self.path(name, "state"))

    def by_endpoint(self, driver, address, port=None, system_id=None):
        """The name of the BMC a node's driver_info reaches, or None."""
        for name in self.names():
            record = self.read(name)
            if record["driver"] != driver or record["address"] != address:
                continue
            if driver == "ipmi" and int(port or IPMI_PORT) == record["port"]:
                return name
            if driver == "redfish" and int(port or 0) == record["port"] and system_id in (record["system_id"], None):
                return name
        return None


def check_password(driver, password):
    if not password:
        raise BmcError("a BMC password cannot be empty")
    if driver == "ipmi" and len(password.encode()) > IPMI_PASSWORD_BYTES:
        raise BmcError("an IPMI password is at most %d bytes (IPMI 2.0)" % IPMI_PASSWORD_BYTES)


def node_fields(record, with_password):
    """The node-file fields that reach this BMC (TripleO's instackenv names)."""
    fields = {"pm_type": record["driver"], "pm_user": record["user"]}
    if record["driver"] == "ipmi":
        fields.update(pm_addr=record["address"], pm_port=record["port"])
    else:
        fields.update(pm_addr="http://%s:%d" % (record["address"], record["port"]),
                      pm_system_id="/redfish/v1/Systems/%s" % record["system_id"])
    if with_password:
        fields["pm_password"] = record["password"]
    return fields


def write_text(path, text, mode=0o644):
    """Replaces PATH whole (a reader never sees half a file)."""
    partial = "%s.%d.partial" % (path, os.getpid())
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(partial, path)


def write_json(path, value, mode=0o644):
    write_text(path, json.dumps(value, sort_keys=True) + "\n", mode)


def read_state(path):
    """A machine's published state, or the state of a machine never powered: off, boot from disk."""
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return {"power": "off", "boot_device": "disk", "boots": 0, "last_boot": None}


class Machine:
    """The machine behind one BMC: power and boot device, held here and published to NAME.state;
    every request is appended to NAME.commands. A power-on (or reset) is a boot, from the boot
    device set at that moment."""

    def __init__(self, records, name, clock=time.time):
        self.records, self.name, self.clock = records, name, clock
        self.record = records.read(name)
        self.state = records.state(name)

    def log(self, command):
        with open(self.records.path(self.name, "commands"), "a") as f:
            f.write(json.dumps({"at": round(self.clock(), 3), "command": command}) + "\n")

    def mode(self):
        return self.records.mode(self.name)

    def publish(self):
        write_json(self.records.path(self.name, "state"), self.state)

    def power_state(self):
        self.log("power status")
        return self.state["power"]

    def set_power(self, power):
        """on, off, or reset (off then on at once: a boot)."""
        self.log("power %s" % power)
        booting = power == "reset" or (power == "on" and self.state["power"] == "off")
        self.state["power"] = "off" if power == "off" else "on"
        if booting:
            self.state["boots"] = self.state.get("boots", 0) + 1
            self.state["last_boot"] = {"at": round(self.clock(), 3), "device": self.state["boot_device"]}
        self.publish()

    def observe(self, power, device):
        """For a BMC whose library holds the machine (Redfish): records what the library now says,
        a change from off to on being a boot."""
        if power == "on" and self.state["power"] == "off":
            self.state["boots"] = self.state.get("boots", 0) + 1
            self.state["last_boot"] = {"at": round(self.clock(), 3), "device": device}
        if (power, device) != (self.state["power"], self.state["boot_device"]):
            self.state.update(power=power, boot_device=device)
            self.publish()

    def boot_device(self):
        self.log("boot device status")
        return self.state["boot_device"]

    def set_boot_device(self, device):
        self.log("boot device %s" % device)
        self.state["boot_device"] = device
        self.publish()


def table(records):
    """`testbed/bmc list`: one line a BMC (never its password)."""
    lines = ["%-24s %-8s %-24s %-8s %-6s %s" % ("name", "driver", "endpoint", "mode", "power", "boot device")]
    for name in records.names():
        record, state = records.read(name), records.state(name)
        endpoint = "%s:%d" % (record["address"], record["port"])
        lines.append("%-24s %-8s %-24s %-8s %-6s %s" % (name, record["driver"], endpoint, records.mode(name),
                                                        state["power"], state["boot_device"]))
    return "\n".join(lines)


def main(argv):
    env = os.environ
    records = Records(env["BMC_DIR"], env.get("BMC_IPMI_NET", "127.0.10"), env.get("BMC_REDFISH_PORT_BASE", "15800"))
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command == "add":
        if len(args) < 3 or args[1] != "--driver" or len(args) not in (3, 5) or (len(args) == 5 and args[3] != "--password"):
            raise BmcError("usage: add NAME --driver ipmi|redfish [--password P]")
        record, fields = records.add(args[0], args[2], args[4] if len(args) == 5 else None)
        print(json.dumps(fields, sort_keys=True))
    elif command == "list" and not args:
        print(table(records))
    elif command == "names" and not args:
        print("\n".join(records.names()))
    elif command == "log" and len(args) == 1:
        for entry in records.commands(args[0]):
            print("%s %s" % (time.strftime("%H:%M:%S", time.gmtime(entry["at"])), entry["command"]))
    elif command == "record" and len(args) == 1:  # for testbed/bmc: driver, address, port; no password
        record = records.read(args[0])
        print(" ".join(str(record[k]) for k in ("driver", "address", "port")))
    elif command == "rm" and len(args) == 1:
        records.remove(args[0])
    elif command == "password" and len(args) == 2:
        records.set_password(args[0], args[1])
    elif command == "mode" and len(args) == 1:
        print(records.mode(args[0]))
    elif command == "mode" and len(args) == 2:
        records.set_mode(args[0], args[1])
    else:
        raise BmcError("unknown command %s (see testbed/bmc --help)" % " ".join(argv))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BmcError as error:
        print("testbed/bmc: %s" % error, file=sys.stderr)
        sys.exit(2)
