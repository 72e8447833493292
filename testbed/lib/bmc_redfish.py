"""One simulated Redfish BMC: sushy-tools' emulator with its fake systems driver
(no libvirt) serving one system, HTTP basic auth (bcrypt), on a loopback
address. The library holds the machine (power changes take effect after 1 to
11 s, as the fake driver has them); after every request what it says is
recorded by bmc.Machine and the request is logged. In mode `hang` a request is
read and never answered (until the mode changes, at most an hour).

usage: bmc_redfish.py BMC_DIR NAME      (started by testbed/bmc; sushy-tools on PYTHONPATH)
"""
import os
import sys
import time

import bcrypt
import flask
from sushy_tools.emulator import main as emulator
from werkzeug import serving

import bmc

# Redfish BootSourceOverrideTarget → the record's boot device names.
BOOT_DEVICES = {"Pxe": "pxe", "Hdd": "disk", "Cd": "cdrom", "BiosSetup": "bios", "Usb": "usb", "None": "default"}
HANG_LIMIT_SECONDS = 3600


def command_of(request, system_path):
    """A request in the words of testbed/bmc log: power status, power On, boot device Pxe, ... or as sent."""
    body = request.get_json(silent=True) or {}
    if request.path.rstrip("/") == system_path:
        if request.method == "GET":
            return "power status"
        boot = body.get("Boot") or {}
        if request.method == "PATCH" and "BootSourceOverrideTarget" in boot:
            return "boot device %s" % BOOT_DEVICES.get(boot["BootSourceOverrideTarget"], boot["BootSourceOverrideTarget"])
    if request.path.rstrip("/") == system_path + "/Actions/ComputerSystem.Reset" and request.method == "POST":
        return "power %s" % body.get("ResetType")
    return "%s %s" % (request.method, request.path)


def configure(app, machine, state_dir):
    record = machine.record
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    auth_file = os.path.join(state_dir, "htpasswd")
    hashed = bcrypt.hashpw(record["password"].encode(), bcrypt.gensalt(rounds=4)).decode()
    bmc.write_text(auth_file, "%s:%s\n" % (record["user"], hashed), mode=0o600)
    app.configure(extra_config={
        "SUSHY_EMULATOR_FAKE_DRIVER": True,
        "SUSHY_EMULATOR_FAKE_SYSTEMS": [{"uuid": record["system_id"], "name": record["name"], "power_state": "Off",
                                         "nics": []}],
        "SUSHY_EMULATOR_STATE_DIR": state_dir,
        "SUSHY_EMULATOR_AUTH_FILE": auth_file,
    })
    system_path = "/redfish/v1/Systems/%s" % record["system_id"]

    @app.before_request
    def hang():
        if machine.mode() != "hang":
            return
        machine.log("no answer (hanging) to %s" % command_of(flask.request, system_path))
        started = time.monotonic()
        while machine.mode() == "hang" and time.monotonic() - started < HANG_LIMIT_SECONDS:
            time.sleep(0.5)

    @app.after_request
    def record_request(response):
        command = command_of(flask.request, system_path)
        machine.log(command if response.status_code < 400 else "%s: refused (HTTP %d)" % (command, response.status_code))
        if response.status_code < 400:
            systems = app.systems
            machine.observe(systems.get_power_state(record["system_id"]).lower(),
                            BOOT_DEVICES.get(systems.get_boot_device(record["system_id"]), "default"))
        return response


def main(bmc_dir, name):
    records = bmc.Records(bmc_dir, "", 0)
    machine = bmc.Machine(records, name)
    app = emulator.app
    configure(app, machine, records.path(name, "redfish"))
    address = bmc.check_loopback(machine.record["address"])
    server = serving.make_server(address, machine.record["port"], app, threaded=True)
    print("%s bmc %s: Redfish listening on http://%s:%d, system %s, user %s" % (
        time.strftime("%H:%M:%S", time.gmtime()), name, address, machine.record["port"],
        machine.record["system_id"], machine.record["user"]), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
