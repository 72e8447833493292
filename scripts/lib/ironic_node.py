"""Ironic node steps of the labcdk undercloud stack, through openstacksdk.

    python3 ironic_node.py enroll | tag | unenroll

Called by enroll-node.sh, tag-node.sh and unenroll-node.sh (which check the
environment and document it in --help). One process per node talks to the
API directly: about 20 `openstack` CLI start-ups per node would cost more CPU
than everything else when twenty nodes enroll at once.

Inputs come only from the environment; the BMC password is read here at
apply time and sent only in the API request body, never printed.
"""
import fcntl
import json
import os
import sys
import time

import openstack

ENV = os.environ
SCRIPT = "enroll-node"


def log(message):
    print("%s [%s] %s" % (time.strftime("%H:%M:%S", time.gmtime()), SCRIPT, message), flush=True)


def die(message):
    print("%s [%s] error: %s" % (time.strftime("%H:%M:%S", time.gmtime()), SCRIPT, message), file=sys.stderr, flush=True)
    sys.exit(1)


def number(name):
    value = ENV.get(name, "")
    return int(value) if value else None


# Driver-info field prefix of each hardware type.
BMC_PREFIX = {"ipmi": "ipmi", "redfish": "redfish", "idrac": "drac", "ilo": "ilo", "irmc": "irmc"}
DEPLOYED_STATES = ("active", "deploying", "wait call-back", "deploy failed")


def bmc_password(name):
    """LABCDK_BMC_PASSWORD_<NAME>, else LABCDK_BMC_PASSWORD_FILE (JSON name → password), else the node file."""
    variable = "LABCDK_BMC_PASSWORD_" + "".join(c if c.isalnum() else "_" for c in name.upper())
    if ENV.get(variable):
        return ENV[variable]
    if ENV.get("LABCDK_BMC_PASSWORD_FILE"):
        with open(ENV["LABCDK_BMC_PASSWORD_FILE"]) as handle:
            value = json.load(handle).get(name)
        if value:
            return value
        die("node %s: no password for it in LABCDK_BMC_PASSWORD_FILE" % name)
    project = ENV.get("LABCDK_PROJECT_DIR") or os.path.abspath(os.path.join(os.getcwd(), "..", "..", ".."))
    path = os.path.join(project, ENV["NODE_FILE"])
    try:
        with open(path) as handle:
            nodes = json.load(handle).get("nodes", [])
    except OSError as error:
        die("node %s: cannot read %s for the BMC password (%s); set %s or LABCDK_BMC_PASSWORD_FILE" % (name, path, error.strerror, variable))
    for node in nodes:
        if node.get("name") == name and node.get("pm_password"):
            return node["pm_password"]
    die("node %s: no pm_password in %s; set %s or LABCDK_BMC_PASSWORD_FILE" % (name, path, variable))


class Slot:
    """One of N introspection slots, shared by every enrolment on this machine (flock)."""

    def __init__(self, count, timeout):
        self.count, self.timeout, self.handle = count, timeout, None

    def __enter__(self):
        directory = ENV.get("LABCDK_LOCK_DIR") or os.path.join(ENV.get("TMPDIR", "/tmp"), "labcdk-locks")
        os.makedirs(directory, exist_ok=True)
        started = time.monotonic()
        while True:
            for index in range(self.count):
                handle = open(os.path.join(directory, "introspection-slot-%d" % index), "w")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self.handle = handle
                    return self
                except BlockingIOError:
                    handle.close()
            waited = time.monotonic() - started
            if waited > self.timeout:
                die("no introspection slot free after %ds (%d in use)" % (waited, self.count))
            log("waiting for an introspection slot (%d in use), %ds" % (self.count, waited))
            time.sleep(5)

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


# What to look at when a node sits too long in a waiting state.
STUCK_HINTS = {
    "inspect wait": "the inspection ramdisk never reported back: check the node console (did it PXE-boot?), "
                    "DHCP on the provisioning network, and the BMC's boot device",
    "wait call-back": "the deploy ramdisk never called back: check the node console; the runbook names cloud-init "
                      "racing the network (zero-byte ifcfg-eth* files): delete them and reboot the node",
    "clean wait": "cleaning waits for the ramdisk: check the node console and the cleaning network",
}


def wait_for(conn, node, target, timeout, poll, what):
    """Polls until the node reaches `target`; fails at once in a failed state, with last_error."""
    started = time.monotonic()
    while True:
        node = conn.baremetal.get_node(node.id)
        waited = time.monotonic() - started
        if node.provision_state == target:
            log("node %s %s: done after %ds (%s)" % (node.name, what, waited, target))
            return node
        if node.provision_state.endswith("failed") or node.provision_state == "error":
            die("node %s %s: %s after %ds: %s" % (node.name, what, node.provision_state, waited, node.last_error))
        if waited > timeout:
            hint = STUCK_HINTS.get(node.provision_state)
            die("node %s %s: gave up after %ds in %s (last_error: %s)%s" % (
                node.name, what, timeout, node.provision_state, node.last_error, "; " + hint if hint else ""))
        log("node %s %s: waiting, %ds of %ds (%s)" % (node.name, what, waited, timeout, node.provision_state))
        time.sleep(poll)


def inspected_at(conn, node):
    """When introspection last finished (None: never). Read from the API: openstacksdk 0.x's Node lacks the field."""
    return conn.baremetal.get("/nodes/%s" % node.id).json().get("inspection_finished_at")


def find_node(conn, name, macs):
    node = conn.baremetal.find_node(name)
    if node:
        log("node %s exists (%s)" % (name, node.id))
        return node
    for mac in macs:
        for port in conn.baremetal.ports(address=mac, details=True):
            node = conn.baremetal.get_node(port.node_id)
            log("node with MAC %s exists (%s, named %s): renaming it to %s" % (mac, node.id, node.name, name))
            return conn.baremetal.update_node(node, name=name)
    return None


def enroll(conn):
    name, driver = ENV["NODE_NAME"], ENV["NODE_DRIVER"]
    macs = [m for m in ENV["NODE_MACS"].split(",") if m]
    node = find_node(conn, name, macs)
    if node is None:
        node = conn.baremetal.create_node(name=name, driver=driver)
        log("created node %s (%s), driver %s" % (name, node.id, driver))

    ops = [{"op": "add", "path": "/driver_info/deploy_kernel", "value": ENV["DEPLOY_KERNEL_ID"]},
           {"op": "add", "path": "/driver_info/deploy_ramdisk", "value": ENV["DEPLOY_RAMDISK_ID"]}]
    prefix = BMC_PREFIX.get(driver)
    if prefix:
        for field, variable in (("address", "NODE_BMC_ADDRESS"), ("username", "NODE_BMC_USERNAME"), ("port", "NODE_BMC_PORT")):
            if ENV.get(variable):
                ops.append({"op": "add", "path": "/driver_info/%s_%s" % (prefix, field), "value": ENV[variable]})
        if ENV.get("NODE_BMC_SYSTEM_ID"):
            ops.append({"op": "add", "path": "/driver_info/redfish_system_id", "value": ENV["NODE_BMC_SYSTEM_ID"]})
        ops.append({"op": "add", "path": "/driver_info/%s_password" % prefix, "value": bmc_password(name)})
    for key, variable in (("cpus", "NODE_CPUS"), ("memory_mb", "NODE_MEMORY_MB"), ("local_gb", "NODE_LOCAL_GB")):
        if number(variable) is not None:
            ops.append({"op": "add", "path": "/properties/%s" % key, "value": number(variable)})
    if ENV.get("NODE_CPU_ARCH"):
        ops.append({"op": "add", "path": "/properties/cpu_arch", "value": ENV["NODE_CPU_ARCH"]})
    if ENV.get("NODE_RESOURCE_CLASS"):
        ops.append({"op": "add", "path": "/resource_class", "value": ENV["NODE_RESOURCE_CLASS"]})
    for pair in filter(None, ENV.get("NODE_INTERFACES", "").split(",")):
        key, _, value = pair.partition("=")
        ops.append({"op": "add", "path": "/%s" % key, "value": value})
    if node.driver != driver:
        ops.append({"op": "add", "path": "/driver", "value": driver})
    node = conn.baremetal.patch_node(node, ops)
    log("node %s: driver %s, driver_info and properties set%s" % (name, driver, " (BMC password from the apply-time source)" if prefix else ""))

    for mac in macs:
        owners = [p.node_id for p in conn.baremetal.ports(address=mac, details=True)]
        if not owners:
            conn.baremetal.create_port(address=mac, node_uuid=node.id)
            log("node %s: port %s created" % (name, mac))
        elif owners[0] != node.id:
            die("node %s: MAC %s belongs to another node (%s)" % (name, mac, owners[0]))

    state = node.provision_state
    inspected = inspected_at(conn, node)
    log("node %s: provision state %s, inspected: %s" % (name, state, inspected or "never"))
    if state in DEPLOYED_STATES:
        log("node %s is deployed or deploying; nothing to do" % name)
        return
    if state == "available" and inspected:
        log("node %s is inspected and available; nothing to do" % name)
        return

    timeout, poll = number("INTROSPECTION_TIMEOUT_SECONDS"), number("INTROSPECTION_POLL_SECONDS")
    if state in ("enroll", "available", "inspect failed", "clean failed"):
        conn.baremetal.set_node_provision_state(node, "manage")
        node = wait_for(conn, node, "manageable", 300, 2, "manage")
    elif state in ("inspecting", "inspect wait"):
        node = wait_for(conn, node, "manageable", timeout, poll, "introspection (already running)")
    elif state != "manageable":
        die("node %s is in state %r; cannot enroll from there (see 'openstack baremetal node show %s')" % (name, state, name))

    if not inspected_at(conn, node) or state == "inspect failed":
        with Slot(number("INTROSPECTION_CONCURRENCY") or 20, timeout):
            log("node %s: starting introspection" % name)
            conn.baremetal.set_node_provision_state(node, "inspect")
            node = wait_for(conn, node, "manageable", timeout, poll, "introspection")

    conn.baremetal.set_node_provision_state(node, "provide")
    node = wait_for(conn, node, "available", 1800, poll, "provide")
    log("node %s: available (properties %s)" % (name, json.dumps(node.properties, sort_keys=True)))


def tag(conn):
    global SCRIPT
    SCRIPT = "tag-node"
    name = ENV["NODE_NAME"]
    node = conn.baremetal.find_node(name, ignore_missing=False)
    current = node.properties.get("capabilities", "")

    def pairs(text):
        return dict(p.strip().partition(":")[::2] for p in text.split(",") if p.strip())

    merged = pairs(current)
    merged.update(pairs(ENV["NODE_CAPABILITIES"]))
    wanted = ",".join("%s:%s" % item for item in merged.items())
    if wanted == current:
        log("node %s already has capabilities %r; nothing to do" % (name, current))
        return
    conn.baremetal.patch_node(node, [{"op": "add", "path": "/properties/capabilities", "value": wanted}])
    log("node %s: capabilities %r -> %r" % (name, current, wanted))


def unenroll(conn):
    global SCRIPT
    SCRIPT = "unenroll-node"
    name = ENV["NODE_NAME"]
    node = conn.baremetal.find_node(name)
    if node is None:
        log("node %s is not registered; nothing to do" % name)
        return
    if node.instance_id or node.provision_state in DEPLOYED_STATES:
        die("node %s is in use (provision state %r, instance %s); not unregistering it. Scale the overcloud in first "
            "(it drains and deletes the node), then destroy again." % (name, node.provision_state, node.instance_id or "none"))
    if node.provision_state == "available":
        conn.baremetal.set_node_provision_state(node, "manage")
        node = wait_for(conn, node, "manageable", 300, 2, "manage")
    conn.baremetal.delete_node(node)
    log("node %s (%s) unregistered" % (name, node.id))


def main():
    steps = {"enroll": enroll, "tag": tag, "unenroll": unenroll}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        die("usage: ironic_node.py %s" % " | ".join(steps))
    try:
        conn = openstack.connect(cloud=ENV["OS_CLOUD"])
        steps[sys.argv[1]](conn)
        if sys.argv[1] == "enroll" and ENV.get("NODE_CAPABILITIES"):
            # A node registered again (deleted by hand) comes back tagged in the same step.
            tag(conn)
    except openstack.exceptions.SDKException as error:
        die(str(error))


if __name__ == "__main__":
    main()
