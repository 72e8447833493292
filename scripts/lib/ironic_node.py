"""Ironic node helpers of the labcdk undercloud stack, and the unregistration.

    python3 ironic_node.py unenroll      (run by unenroll-node.sh, which documents the environment)

ironic_enroll.py (the fleet's enrolment) imports the helpers: log lines, the
apply-time BMC password and the introspection slots (the stuck-state hints: node_hints.py).
The BMC password is sent only in API request bodies, never printed.
"""
import fcntl
import functools
import json
import os
import sys
import time

import openstack

import script_log
from node_hints import hint as stuck_hint
from observation import variable_suffix

ENV = os.environ
SCRIPT = "unenroll-node"


def log(message):
    script_log.log(SCRIPT, message)


def die(message):
    script_log.die(SCRIPT, message, 1)


DEPLOYED_STATES = ("active", "deploying", "wait call-back", "deploy failed")


def bmc_password(name):
    """The node's BMC password, read at apply time (see bmc_password_and_source)."""
    return bmc_password_and_source(name)[0]


def bmc_password_and_source(name):
    """(password, where it came from in words): LABCDK_BMC_PASSWORD_<NAME>, else
    LABCDK_BMC_PASSWORD_FILE, else the node file (from the project folder)."""
    variable = "LABCDK_BMC_PASSWORD_" + variable_suffix(name)
    if ENV.get(variable):
        return ENV[variable], variable
    if ENV.get("LABCDK_BMC_PASSWORD_FILE"):
        value = password_file().get(name)
        if value:
            return value, "LABCDK_BMC_PASSWORD_FILE (%s)" % ENV["LABCDK_BMC_PASSWORD_FILE"]
        die("node %s: no password for it in LABCDK_BMC_PASSWORD_FILE (%s)" % (name, ENV["LABCDK_BMC_PASSWORD_FILE"]))
    path, passwords, problem = node_file_passwords()
    if passwords is None:
        die("node %s: no BMC password: %s and LABCDK_BMC_PASSWORD_FILE are unset, and the node file is not at %s (%s; "
            "it is looked for from the project folder: LABCDK_PROJECT_DIR, else three folders above the stack folder). "
            "Set %s, or LABCDK_BMC_PASSWORD_FILE to a JSON {\"node\": \"password\"} file or to the node file itself"
            % (name, variable, path, problem, variable))
    if passwords.get(name):
        return passwords[name], "the node file's pm_password (%s)" % path
    die("node %s: no pm_password in %s; set %s or LABCDK_BMC_PASSWORD_FILE" % (name, path, variable))


def bmc_words(spec, password_source):
    """The node's BMC in words for an error line: 'the BMC at ADDRESS[:PORT] [system ID] (DRIVER, user U;
    password from SOURCE)', or None for a node without one. Ironic's driver_info keys share a prefix
    with the password's (ipmi_password: ipmi_address, ipmi_port, ipmi_username; redfish_*; drac_*; ...)."""
    if not spec["password_fields"]:
        return None
    info, prefix = spec["driver_info"], spec["password_fields"][0][:-len("password")]
    where = str(info.get(prefix + "address", "?"))
    if prefix + "port" in info:
        where += ":%s" % info[prefix + "port"]
    if prefix + "system_id" in info:
        where += " system %s" % info[prefix + "system_id"]
    return "the BMC at %s (%s, user %s; password from %s)" % (where, spec["driver"], info.get(prefix + "username", "?"), password_source)


MAX_PASSWORD_FILE_BYTES = 16 * 1024 * 1024  # the node file's bound in labcdk's validator


def read_json(path):
    """The JSON document of `path`; ValueError saying in a few words why it is not one (never its content)."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_PASSWORD_FILE_BYTES + 1)
    if len(data) > MAX_PASSWORD_FILE_BYTES:
        raise ValueError("larger than %d MiB" % (MAX_PASSWORD_FILE_BYTES // (1024 * 1024)))
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except json.JSONDecodeError as error:
        # The position, not the message's excerpt: the file holds passwords.
        raise ValueError("not JSON (line %d, column %d)" % (error.lineno, error.colno)) from None


def passwords_in(data):
    """{name: password} of a password file: {"node": "password"}, or an instackenv file ({"nodes": [...]}).

    Only text passwords count; anything else is as good as none (the caller names the node)."""
    if isinstance(data, dict) and isinstance(data.get("nodes"), list):
        pairs = [(node.get("name"), node.get("pm_password")) for node in data["nodes"] if isinstance(node, dict)]
    elif isinstance(data, dict):
        pairs = data.items()
    else:
        raise ValueError("not a JSON object of node names and passwords, nor a node file")
    return {name: password for name, password in pairs if isinstance(name, str) and isinstance(password, str)}


@functools.lru_cache(maxsize=None)
def password_file():
    """LABCDK_BMC_PASSWORD_FILE, read once per process."""
    path = ENV["LABCDK_BMC_PASSWORD_FILE"]
    try:
        return passwords_in(read_json(path))
    except (OSError, ValueError) as error:
        die("LABCDK_BMC_PASSWORD_FILE (%s): %s" % (path, error.strerror if isinstance(error, OSError) else error))


@functools.lru_cache(maxsize=None)
def node_file_passwords():
    """(path, {name: pm_password}, None) of the node file, read once per process; (path, None, why) when unreadable."""
    path = ENV["NODE_FILE"]
    if not os.path.isabs(path):
        path = os.path.join(ENV.get("LABCDK_PROJECT_DIR") or os.path.abspath(os.path.join(os.getcwd(), "..", "..", "..")), path)
    try:
        return path, passwords_in(read_json(path)), None
    except OSError as error:
        return path, None, error.strerror
    except ValueError as error:
        return path, None, str(error)


class IntrospectionSlots:
    """At most N introspections at once on this machine, across processes (flock on N slot files)."""

    def __init__(self, count):
        self.count, self.held = count, {}
        self.directory = ENV.get("LABCDK_LOCK_DIR") or os.path.join(ENV.get("TMPDIR", "/tmp"), "labcdk-locks")
        os.makedirs(self.directory, exist_ok=True)

    def take(self, owner):
        """A free slot for `owner` (True), or False when all N are in use; never blocks."""
        if owner in self.held:
            return True
        for index in range(self.count):
            handle = open(os.path.join(self.directory, "introspection-slot-%d" % index), "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.held[owner] = handle
            return True
        return False

    def release(self, owner):
        handle = self.held.pop(owner, None)
        if handle:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def release_all(self):
        for owner in list(self.held):
            self.release(owner)


def wait_for(conn, node, target, timeout, poll, what):
    """Polls until the node reaches `target`; fails at once in a failed state (other than the one it
    is leaving: `node` as it was before the request), with last_error."""
    started, leaving = time.monotonic(), node.provision_state
    while True:
        node = conn.baremetal.get_node(node.id)
        waited = time.monotonic() - started
        if node.provision_state == target:
            log("node %s %s: done after %ds (%s)" % (node.name, what, waited, target))
            return node
        if (node.provision_state.endswith("failed") or node.provision_state == "error") and node.provision_state != leaving:
            die("node %s %s: %s after %ds: %s" % (node.name, what, node.provision_state, waited, node.last_error))
        if waited > timeout:
            hint = stuck_hint(node.provision_state)
            die("node %s %s: gave up after %ds in %s (last_error: %s)%s" % (
                node.name, what, timeout, node.provision_state, node.last_error, "; " + hint if hint else ""))
        log("node %s %s: waiting, %ds of %ds (%s)" % (node.name, what, waited, timeout, node.provision_state))
        time.sleep(poll)


def unenroll(conn):
    name = ENV["NODE_NAME"]
    node = conn.baremetal.find_node(name)
    if node is None:
        log("node %s is not registered; nothing to do" % name)
        return
    if node.instance_id or node.provision_state in DEPLOYED_STATES:
        die("node %s is in use (provision state %r, instance %s); not unregistering it. Scale the overcloud in first "
            "(it drains and deletes the node), then destroy again." % (name, node.provision_state, node.instance_id or "none"))
    # Ironic deletes only enroll, manageable and available nodes: one waiting for its inspection
    # ramdisk is aborted first, a failed one taken back to manageable.
    if node.provision_state == "inspect wait":
        conn.baremetal.set_node_provision_state(node, "abort")
        node = wait_for(conn, node, "inspect failed", 300, 2, "abort")
    if node.provision_state in ("available", "inspect failed", "clean failed"):
        conn.baremetal.set_node_provision_state(node, "manage")
        node = wait_for(conn, node, "manageable", 300, 2, "manage")
    conn.baremetal.delete_node(node)
    log("node %s (%s) unregistered" % (name, node.id))


def main():
    if sys.argv[1:] != ["unenroll"]:
        die("usage: ironic_node.py unenroll")
    try:
        unenroll(openstack.connect(cloud=ENV["OS_CLOUD"]))
    except openstack.exceptions.SDKException as error:
        die(str(error))


if __name__ == "__main__":
    main()
