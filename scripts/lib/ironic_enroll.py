"""Enrolls a fleet of bare-metal nodes in Ironic and brings each to `available`,
tagged: create or update → ports → manage → inspect → provide → capabilities.

    python3 ironic_enroll.py          (run by enroll-nodes.sh, which documents the environment)

One process for the whole fleet, the way TripleO's `overcloud node import` and
bulk introspection work: one Keystone token, two list requests to find every
node and port, then each node is moved on by its own provision state, and one
list request per poll round watches them all. Idempotent: a node already
inspected and available only gets its fields and capabilities checked; a node
caught mid-transition by an interrupted apply is waited for, not restarted.
A node that fails does not stop the others; every failure is reported at the
end and the step fails.

The BMC passwords are read here at apply time (ironic_node.bmc_password_and_source) and
sent only in API request bodies, never printed.
"""
import json
import os
import time

import openstack
from openstack import utils

import ironic_node
import script_log
from ironic_node import DEPLOYED_STATES, IntrospectionSlots, bmc_password_and_source, bmc_words, die, log
from node_hints import hint as stuck_hint
from observation import capabilities, power_failure

ENV = os.environ
# The floor: `fields` came in 1.8 (Liberty), so every director release answers the list requests.
MICROVERSION = "1.8"
NODE_FIELDS = "uuid,name,driver,provision_state,target_provision_state,last_error,inspection_finished_at,properties,instance_uuid"
# Of every list request (the first, detailed one compared with the node file, and each poll round):
# conductor_group came in 1.46 (Rocky), interfaces in 1.31, resource_class in 1.21, and `inspect wait`
# in 1.39: below it Ironic shows a node waiting for its inspection ramdisk as `inspecting`, which
# cannot be aborted. An older Ironic answers what it has.
DETAIL_MICROVERSION = "1.46"
# The Ironic API version each optional field of a node or port came in. An older API refuses them, so
# the enrolment leaves them out of what it sends, with one line per field (docs/node-file.md, "Enrolment": "Old Ironic APIs").
NODE_FIELD_VERSIONS = {"network_interface": (1, 20), "resource_class": (1, 21), "storage_interface": (1, 33),
                       "rescue_interface": (1, 38), "bios_interface": (1, 40), "conductor_group": (1, 46),
                       "firmware_interface": (1, 86)}
OTHER_INTERFACES_VERSION = (1, 31)  # boot, console, deploy, inspect, management, power, raid, vendor
PORT_FIELD_VERSIONS = {"local_link_connection": (1, 19), "physical_network": (1, 34)}
# From 1.11 (Liberty) a new node starts in `enroll`; before, it is `available` at once, never inspected.
ENROLL_VERSION = (1, 11)
# Provision states in which Ironic lets a port's physical_network / local_link_connection change.
PORT_UPDATE_STATES = ("enroll", "inspecting", "inspect wait", "manageable")
# Top-level fields Ironic refuses to change on a deployed node (driver, interfaces, resource class, conductor group).
NOT_WHILE_DEPLOYED = ("driver", "resource_class", "conductor_group")
# How long each of our requests may take to finish, in seconds (introspection: INTROSPECTION_TIMEOUT_SECONDS).
MANAGE_TIMEOUT, PROVIDE_TIMEOUT = 300, 1800
# A failed introspection is started again this often before the node counts as failed: TripleO's
# `openstack overcloud node introspect --max-retries` default. (Zed's Ironic can fail a new one at
# once with the previous one's error when its status check runs before inspector has the new one.)
INTROSPECTION_RETRIES = 1
SPEC_PREFIX = "LABCDK_NODE_"
# IPMI 2.0's longest password, in bytes (RAKP's fixed field; ipmitool: "password is longer than 20 bytes").
IPMI_PASSWORD_BYTES = 20
# What introspection writes (inspector's scheduler and root-disk hooks, and Ironic's own `agent`
# inspection): once a node is inspected, these are what Ironic found, and a re-apply keeps them.
DISCOVERED = ("cpus", "cpu_arch", "memory_mb", "local_gb")
# Provision states of an introspection under way. What it finds may already be on the node before
# Ironic records the inspection as finished: ironic-inspector writes the properties, and Zed's Ironic
# notices only at its next status check. A re-apply that finds a node here leaves DISCOVERED alone.
INSPECTING_STATES = ("inspecting", "inspect wait")


# The introspection settings. The stack always sets them from the lab, whose defaults live in
# lab/schema.ts only: a missing or malformed one is refused, never replaced by a default of ours.
SETTINGS = ("INTROSPECTION_TIMEOUT_SECONDS", "INTROSPECTION_POLL_SECONDS", "INTROSPECTION_CONCURRENCY")


class BadSetting(Exception):
    pass


def setting(name):
    """One of SETTINGS: a whole number of at least 1, as the environment holds it; BadSetting otherwise."""
    value = ENV.get(name, "")
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise BadSetting("%s must be a whole number of at least 1 (got %s): the stack sets it from the lab "
                         "(lab/schema.ts holds its default); see enroll-nodes.sh --help"
                         % (name, json.dumps(value) if name in ENV else "nothing: it is unset"))
    return int(value)


def node_specs():
    """The fleet, one JSON object per node in LABCDK_NODE_<NAME> (lab/ironic-fields.ts writes them; no password)."""
    specs = []
    for variable in sorted(k for k in ENV if k.startswith(SPEC_PREFIX)):
        try:
            spec = json.loads(ENV[variable])
        except ValueError as error:
            die("%s is not JSON (%s); it is written by the labcdk stack" % (variable, error))
        missing = [k for k in ("name", "driver", "driver_info", "password_fields", "properties", "capabilities", "fields", "extra", "ports")
                   if k not in spec] if isinstance(spec, dict) else ["everything"]
        if missing:
            die("%s lacks %s; it is written by the labcdk stack (synthesize again)" % (variable, ", ".join(missing)))
        specs.append(spec)
    if not specs:
        die("no nodes: no %s* variable is set" % SPEC_PREFIX)
    return specs


def paged(conn, url, microversion=MICROVERSION):
    """Every item of an Ironic collection, following `next` links."""
    items, key = [], url.split("?")[0].strip("/").split("/")[0]
    while url:
        body = conn.baremetal.get(url, microversion=microversion, raise_exc=True).json()
        items.extend(body[key])
        url = body.get("next")
        if url:
            url = url[url.index("/%s" % key):]
    return items


def list_nodes(conn, version):
    return {n["uuid"]: n for n in paged(conn, "/nodes?fields=%s" % NODE_FIELDS, version)}


def version_text(version):
    return "%d.%d" % version


def server_version(conn):
    """The Ironic API's highest microversion, as (major, minor)."""
    text = utils.maximum_supported_microversion(conn.baremetal, "1.999") or MICROVERSION
    return tuple(int(x) for x in text.split("."))


def node_field_version(field):
    return NODE_FIELD_VERSIONS.get(field, OTHER_INTERFACES_VERSION if field.endswith("_interface") else (1, 1))


def fit_to_api(specs, defaults, api):
    """(specs, defaults) without the fields API (major, minor) does not know yet, and one line per
    field left out (the nodes it was for); a node's other fields go as they are."""
    left_out = {}  # (kind, field) → (version, [whose])

    def leave(kind, field, version, whose):
        left_out.setdefault((kind, field), (version, []))[1].append(whose)

    fitted = []
    for spec in specs:
        spec = dict(spec, fields=dict(spec["fields"]), ports=[dict(p) for p in spec["ports"]])
        for field in [f for f in spec["fields"] if node_field_version(f) > api]:
            leave("node", field, node_field_version(field), spec["name"])
            del spec["fields"][field]
        for port in spec["ports"]:
            for field in [f for f in port if PORT_FIELD_VERSIONS.get(f, (1, 1)) > api]:
                leave("port", field, PORT_FIELD_VERSIONS[field], "%s's %s" % (spec["name"], port["address"]))
                del port[field]
        fitted.append(spec)
    defaults = dict(defaults)
    for field, kind, version in (("resource_class", "node", NODE_FIELD_VERSIONS["resource_class"]),
                                 ("physical_network", "port", PORT_FIELD_VERSIONS["physical_network"])):
        if field in defaults and version > api:
            leave(kind, field, version, "the default for new %ss" % kind)
            del defaults[field]
    lines = ["the Ironic API answers up to %s: %s %s (from %s) left out, for %s" % (
        version_text(api), kind, field, version_text(version), ", ".join(whose))
        for (kind, field), (version, whose) in sorted(left_out.items())]
    return fitted, defaults, lines


def detail_microversion(conn):
    """DETAIL_MICROVERSION, or the server's highest when that is older."""
    return utils.maximum_supported_microversion(conn.baremetal, DETAIL_MICROVERSION) or MICROVERSION


def with_password(spec):
    """(the node's driver_info with its BMC password filled in (read here, at apply time),
    its BMC in words for error lines, or None for a node without one)."""
    info = dict(spec["driver_info"])
    if not spec["password_fields"]:
        return info, None
    password, source = bmc_password_and_source(spec["name"])
    if spec["driver"] == "ipmi" and len(password.encode()) > IPMI_PASSWORD_BYTES:
        die("node %s: its BMC password (from %s) is %d bytes; IPMI 2.0 takes at most %d (ipmitool refuses a longer "
            "one, and Ironic would only say 'IPMI call failed'): shorten it on the BMC and in its source"
            % (spec["name"], source, len(password.encode()), IPMI_PASSWORD_BYTES))
    info.update({key: password for key in spec["password_fields"]})
    return info, bmc_words(spec, source)


def capabilities_text(capabilities):
    """Ironic's `key:value,...`, sorted by key (as TripleO writes it)."""
    return ",".join("%s:%s" % (key, capabilities[key]) for key in sorted(capabilities))


def is_deployed(node):
    """Deployed (or on its way), or holding an instance: Ironic refuses some changes then."""
    return node["provision_state"] in DEPLOYED_STATES or bool(node.get("instance_uuid"))


def discovered_differences(spec, node):
    """`key found N (the file says M)` for each property introspection found other than the file says."""
    found = node.get("properties") or {}
    return ["%s %s (the file says %s)" % (key, found.get(key), spec["properties"][key])
            for key in DISCOVERED if key in spec["properties"] and str(found.get(key)) != str(spec["properties"][key])]


def node_patch(spec, info, node):
    """JSON-patch operations that bring an existing node to the spec: only what differs (and the
    password, which Ironic masks); on a node inspected or being inspected, what introspection found is kept.
    Returns (ops, held): held names the changes Ironic refuses while deployed."""
    ops, held = [], []
    deployed = is_deployed(node)
    # Inspected, or being inspected: what introspection found (or is about to record) is kept.
    inspected = bool(node.get("inspection_finished_at")) or node["provision_state"] in INSPECTING_STATES

    def want(path, current, value):
        if current == value:
            return
        if deployed and path.lstrip("/").split("/")[0] in NOT_WHILE_DEPLOYED + tuple(k for k in spec["fields"] if k.endswith("_interface")):
            held.append("%s %r -> %r" % (path.lstrip("/"), current, value))
            return
        ops.append({"op": "add", "path": path, "value": value})

    want("/name", node["name"], spec["name"])
    want("/driver", node["driver"], spec["driver"])
    current_info = node.get("driver_info") or {}
    for key, value in sorted(info.items()):
        if key in spec["password_fields"]:
            ops.append({"op": "add", "path": "/driver_info/%s" % key, "value": value})
        else:
            want("/driver_info/%s" % key, current_info.get(key), value)
    for key, value in sorted(spec["properties"].items()):
        if not (inspected and key in DISCOVERED):
            want("/properties/%s" % key, node["properties"].get(key), value)
    for key, value in sorted(spec["fields"].items()):
        want("/%s" % key, node.get(key), value)
    for key, value in sorted(spec["extra"].items()):
        want("/extra/%s" % key, (node.get("extra") or {}).get(key), value)
    return ops, held


def port_patch(port, current):
    """What differs between a port of the node file and Ironic's (only the fields the file gives)."""
    return [{"op": "add", "path": "/%s" % key, "value": port[key]}
            for key in ("physical_network", "local_link_connection") if key in port and current.get(key) != port[key]]


def register(conn, spec, info, node, ports, defaults):
    """Creates the node or brings its fields up to date, then its ports. Returns its UUID.
    DEFAULTS: CREATE_DEFAULTS, less what the API does not know (fit_to_api)."""
    name, driver = spec["name"], spec["driver"]
    secret = " (BMC password from the apply-time source)" if spec["password_fields"] else ""
    deployed = False
    if node is None:
        properties = dict(spec["properties"])
        if spec["capabilities"]:
            properties["capabilities"] = capabilities_text(spec["capabilities"])
        fields = dict(spec["fields"])
        if "resource_class" in defaults:
            fields.setdefault("resource_class", defaults["resource_class"])
        if spec["extra"]:
            fields["extra"] = spec["extra"]
        # provision_state enroll: openstacksdk would otherwise take it to available itself, one node at a time.
        created = conn.baremetal.create_node(name=name, driver=driver, driver_info=info, properties=properties,
                                             provision_state="enroll", **fields)
        uuid = created.id
        log("node %s: created (%s), driver %s, %s%s" % (name, uuid, driver, ", ".join(sorted(["driver_info", "properties"] + list(fields))), secret))
    else:
        uuid = node["uuid"]
        deployed = is_deployed(node)
        if node["name"] != name:
            log("node %s: found by MAC as %s (%s), renamed" % (name, node["name"], uuid))
        ops, held = node_patch(spec, info, node)
        if ops:
            conn.baremetal.patch_node(uuid, ops)
        changed = sorted(op["path"].lstrip("/") for op in ops if op["path"].rsplit("/", 1)[-1] not in spec["password_fields"])
        log("node %s: exists (%s), %s%s" % (name, uuid, "updated: " + ", ".join(changed) if changed else "fields as the file says", secret))
        if held:
            log("node %s: deployed (%s): left as they are, since Ironic refuses them while deployed: %s; "
                "they apply once the node is undeployed" % (name, node["provision_state"], "; ".join(held)))
    changes = []
    for port in spec["ports"]:
        mac = port["address"].lower()
        current = ports.get(mac)
        if current is None:
            optional = {k: port[k] for k in ("local_link_connection", "physical_network") if k in port}
            if "physical_network" in defaults:
                optional.setdefault("physical_network", defaults["physical_network"])
            created = conn.baremetal.create_port(address=mac, node_uuid=uuid, **optional)
            ports[mac] = {"uuid": created.id, "node_uuid": uuid, "address": mac}
            log("node %s: port %s created" % (name, mac))
        elif current["node_uuid"] != uuid:
            raise Failure("MAC %s belongs to another node (%s)" % (mac, current["node_uuid"]))
        else:
            ops = port_patch(port, current)
            if ops:
                changes.append((mac, current, ops))
    if changes and deployed:
        log("node %s: deployed: ports left as they are (%s)" % (name, "; ".join(
            "%s %s" % (mac, ", ".join(op["path"].lstrip("/") for op in ops)) for mac, _, ops in changes)))
    elif changes:
        patch_ports(conn, name, uuid, node, changes)
    return uuid


def patch_ports(conn, name, uuid, node, changes):
    """Ironic takes a port's physical_network or local_link_connection only while its node is in
    enroll, inspecting, inspect wait or manageable, or in maintenance: an `available` node is put in
    maintenance for the patch (no cleaning, unlike manage → provide) and taken out again."""
    unlocked = node is None or node.get("maintenance") or node["provision_state"] in PORT_UPDATE_STATES
    if not unlocked:
        conn.baremetal.set_node_maintenance(uuid, reason="labcdk: updating its ports")
    try:
        for mac, current, ops in changes:
            conn.baremetal.patch_port(current["uuid"], ops)
            log("node %s: port %s updated: %s%s" % (name, mac, ", ".join(op["path"].lstrip("/") for op in ops),
                                                   "" if unlocked else " (in maintenance for the change, then out)"))
    finally:
        if not unlocked:
            conn.baremetal.unset_node_maintenance(uuid)


def one_line(error):
    """Ironic's last_error on one line (Ironic 29's agent inspection joins its hooks' errors with newlines)."""
    return None if error is None else " ".join(str(error).split())


class Failure(Exception):
    """One node could not be enrolled; the others go on."""


class Track:
    """Where one node is on its way to `available`, and what we last asked of it."""

    def __init__(self, spec, uuid, node, bmc=None):
        self.spec, self.name, self.uuid = spec, spec["name"], uuid
        self.bmc = bmc  # the node's BMC in words (ironic_node.bmc_words), or None
        state = node["provision_state"] if node else "enroll"
        self.inspected_at = node.get("inspection_finished_at") if node else None
        # In maintenance because Ironic's power sync gave up on its BMC (a password rotated on the BMC):
        # once the node file's password is sent, maintenance is taken off and Ironic checks the BMC again.
        self.in_power_failure = bool(node) and power_failure(node.get("maintenance"), node.get("fault"), node.get("maintenance_reason"))
        self.must_inspect = not self.inspected_at or state == "inspect failed"
        self.retried = False
        self.introspection_retries = 0
        self.introspection_error = None  # the first failed introspection's last_error
        self.action, self.since = None, time.monotonic()
        self.requests = {}  # verb → how often we asked

    def needs_inspection(self, node):
        """Never inspected (or its last one failed), and no introspection has finished since we looked."""
        return self.must_inspect and node.get("inspection_finished_at") == self.inspected_at

    def act(self, conn, verb):
        self.requests[verb] = self.requests.get(verb, 0) + 1
        if self.requests[verb] > 3:
            raise Failure("asked to %s %d times without the node moving on; see 'openstack baremetal node show %s'" % (verb, self.requests[verb] - 1, self.name))
        conn.baremetal.set_node_provision_state(self.uuid, verb)
        self.action, self.since = verb, time.monotonic()


def next_step(track, node):
    """("done" | "wait" | "manage" | "inspect" | "provide" | "abort", why) for the node as it is now; raises Failure."""
    state, waited = node["provision_state"], time.monotonic() - track.since
    if state in DEPLOYED_STATES:
        return "done", "deployed (%s); left alone" % state
    if track.action == "inspect" and state == "inspect failed":
        if track.introspection_retries < INTROSPECTION_RETRIES:
            track.introspection_retries += 1
            track.introspection_error = track.introspection_error or one_line(node["last_error"])
            return "inspect", "introspection failed after %ds (%s); again (retry %d of %d)" % (
                waited, one_line(node["last_error"]), track.introspection_retries, INTROSPECTION_RETRIES)
        # Zed's Ironic can fail a retry at once without recording why (its status check ran before the
        # new introspection reached inspector): then the first attempt's error is the one that says why.
        first = track.introspection_error
        why = one_line(node["last_error"]) or ("no error recorded this time; the first attempt: %s" % first if first else None)
        raise Failure("introspection failed after %ds: %s" % (waited, why))
    if track.action == "provide" and state == "clean failed":
        raise Failure("provide failed after %ds (cleaning): %s" % (waited, node["last_error"]))
    if track.action == "manage" and state == "enroll" and not node["target_provision_state"]:
        if track.bmc:
            raise Failure("manage failed after %ds: Ironic could not get the power state from %s: check that the BMC "
                          "answers at that address from the director, and the user and password; Ironic says: %s"
                          % (waited, track.bmc, one_line(node["last_error"])))
        raise Failure("manage failed after %ds: %s" % (waited, one_line(node["last_error"])))
    # A failed node keeps the target of what failed (inspect failed → manageable): it is not moving.
    failed = state.endswith(" failed") or state == "error"
    if node["target_provision_state"] and not failed:
        bound = {"manage": MANAGE_TIMEOUT, "provide": PROVIDE_TIMEOUT}.get(track.action) or setting("INTROSPECTION_TIMEOUT_SECONDS")
        if waited > bound:
            hint = stuck_hint(state)
            if hint and track.bmc and state == "verifying":
                hint = "%s (%s)" % (hint, track.bmc)
            why = "gave up after %ds in %s (last_error: %s)%s" % (waited, state, node["last_error"], "; " + hint if hint else "")
            if state == "inspect wait":
                return "abort", why
            raise Failure(why)
        return "wait", state
    if failed:
        if track.retried:
            raise Failure("%s again after a retry: %s" % (state, node["last_error"]))
        track.retried = True
        return "manage", "%s (%s): taken back to manageable" % (state, node["last_error"])
    if state == "available":
        return ("manage", "available but never inspected") if track.needs_inspection(node) else ("done", "inspected and available")
    if state == "enroll":
        return "manage", "enroll"
    if state == "manageable":
        return ("inspect", "manageable, to inspect") if track.needs_inspection(node) else ("provide", "inspected")
    raise Failure("in state %r; cannot enroll from there (see 'openstack baremetal node show %s')" % (state, track.name))


ABORT_TRIES = 5  # a node locked by a conductor task (its power sync, every few seconds) or by ironic-inspector
ABORT_RETRY_SECONDS = 2


def abort(conn, track, why, sleep=time.sleep):
    """A node whose inspection ramdisk never called back is aborted (Ironic: inspect wait → inspect failed), never left waiting.
    A refusal because the node is locked (Ironic's 409 NodeLocked, or inspector's "Node is locked" passed on
    by Ironic) is tried again, at most ABORT_TRIES times in all, ABORT_RETRY_SECONDS apart."""
    for attempt in range(1, ABORT_TRIES + 1):
        try:
            conn.baremetal.set_node_provision_state(track.uuid, "abort")
            break
        except openstack.exceptions.SDKException as error:
            if attempt < ABORT_TRIES and "locked" in str(error).lower():
                sleep(ABORT_RETRY_SECONDS)
                continue
            raise Failure("%s; abort refused (%s): see 'openstack baremetal node show %s'" % (why, error, track.name))
    raise Failure("%s; introspection aborted (the node is now in inspect failed; apply again once the cause is fixed)" % why)


def recover(conn, track):
    """Takes a node out of the maintenance Ironic's power sync put it in, now that its BMC password is
    the node file's: Ironic checks the BMC again at its next power sync (and puts it back if it still fails)."""
    conn.baremetal.unset_node_maintenance(track.uuid)
    track.in_power_failure = False
    log("node %s: was in maintenance since Ironic's power sync could not talk to its BMC (%s); its password is "
        "the apply-time one now: maintenance off, Ironic checks the BMC at its next power sync"
        % (track.name, track.bmc or "no BMC"))


def tag(conn, track, node):
    """Merges the lab's capabilities into the node's, keeping the others."""
    current = node["properties"].get("capabilities", "") or ""
    merged = capabilities(current)
    merged.update(track.spec["capabilities"])
    text = capabilities_text(merged)
    if text != current:
        conn.baremetal.patch_node(track.uuid, [{"op": "add", "path": "/properties/capabilities", "value": text}])
        log("node %s: capabilities %r -> %r" % (track.name, current, text))


def progress(waiting, started):
    """One line for a poll round: how many nodes wait, grouped by state."""
    by_state = {}
    for name, state in waiting:
        by_state.setdefault(state, []).append(name)
    groups = ["%s: %s" % (s, ", ".join(n[:5]) + (" +%d more" % (len(n) - 5) if len(n) > 5 else "")) for s, n in sorted(by_state.items())]
    log("waiting for %d node(s), %ds: %s" % (len(waiting), time.monotonic() - started, "; ".join(groups)))


def converge(conn, specs, infos, bmcs):
    started = time.monotonic()
    api = server_version(conn)
    if api < ENROLL_VERSION:
        die("the Ironic API answers up to %s: labcdk enrols from %s (Liberty) on, where a new node starts in enroll "
            "(before, it is available at once, never inspected)" % (version_text(api), version_text(ENROLL_VERSION)))
    specs, defaults, lines = fit_to_api(specs, json.loads(ENV["CREATE_DEFAULTS"]), api)
    for line in lines:
        log(line)
    version = detail_microversion(conn)
    nodes = {n["uuid"]: n for n in paged(conn, "/nodes/detail", version)}
    ports = {p["address"].lower(): p for p in paged(conn, "/ports/detail", version)}
    by_name = {n["name"]: n for n in nodes.values() if n["name"]}
    tracks, failures = {}, {}
    for spec in specs:
        try:
            node = by_name.get(spec["name"])
            if node is None:
                owner = next((ports[p["address"].lower()]["node_uuid"] for p in spec["ports"] if p["address"].lower() in ports), None)
                node = nodes.get(owner)
            uuid = register(conn, spec, infos[spec["name"]], node, ports, defaults)
            tracks[spec["name"]] = Track(spec, uuid, node, bmcs[spec["name"]])
        except (Failure, openstack.exceptions.SDKException) as error:
            failures[spec["name"]] = str(error)
    log("%d node(s) registered; taking them to available" % len(tracks))

    slots = IntrospectionSlots(setting("INTROSPECTION_CONCURRENCY"))
    poll, delay = setting("INTROSPECTION_POLL_SECONDS"), 1
    try:
        while tracks:
            nodes = list_nodes(conn, version)
            waiting, acted = [], False
            for name, track in list(tracks.items()):
                node = nodes.get(track.uuid)
                try:
                    if node is None:
                        raise Failure("disappeared from Ironic while being enrolled")
                    if track.action == "inspect" and not node["target_provision_state"] and name in slots.held:
                        slots.release(name)
                        if node["provision_state"] == "manageable":
                            log("node %s: introspection: done after %ds" % (name, time.monotonic() - track.since))
                    step, why = next_step(track, node)
                    if step == "done":
                        if track.in_power_failure:
                            recover(conn, track)
                        tag(conn, track, node)
                        log("node %s: %s; done (properties %s)" % (name, why, json.dumps(node["properties"], sort_keys=True)))
                        differences = discovered_differences(track.spec, node) if node.get("inspection_finished_at") else []
                        if differences:
                            log("node %s: introspection found %s; Ironic keeps what it found" % (name, ", ".join(differences)))
                        del tracks[name]
                    elif step == "abort":
                        abort(conn, track, why)
                    elif step == "wait":
                        waiting.append((name, why))
                    elif step == "inspect" and not slots.take(name):
                        waited = time.monotonic() - track.since
                        if waited > setting("INTROSPECTION_TIMEOUT_SECONDS"):
                            raise Failure("no introspection slot free after %ds (%d in use on this machine)" % (waited, slots.count))
                        waiting.append((name, "waiting for an introspection slot (%d in use)" % slots.count))
                    else:
                        log("node %s: %s -> %s" % (name, why, step if step != "inspect" else "starting introspection"))
                        track.act(conn, step)
                        acted = True
                except (Failure, openstack.exceptions.SDKException) as error:
                    slots.release(name)
                    failures[name] = str(error)
                    del tracks[name]
            if not tracks:
                break
            delay = 1 if acted else min(delay * 2, poll)
            if waiting:
                progress(waiting, started)
            time.sleep(delay)
    finally:
        slots.release_all()
    return failures


def main():
    ironic_node.SCRIPT = "enroll-nodes"
    for name in ("OS_CLOUD", "CREATE_DEFAULTS"):
        if not ENV.get(name):
            die("missing environment variable %s (set by the stack; see enroll-nodes.sh --help)" % name)
    try:
        for name in SETTINGS:
            setting(name)
    except BadSetting as error:
        die(str(error))
    specs = node_specs()
    # Every password is found before the first request: a missing one stops nothing half-way.
    filled = {spec["name"]: with_password(spec) for spec in specs}
    infos = {name: info for name, (info, _) in filled.items()}
    bmcs = {name: bmc for name, (_, bmc) in filled.items()}
    try:
        conn = openstack.connect(cloud=ENV["OS_CLOUD"])
        failures = converge(conn, specs, infos, bmcs)
    except openstack.exceptions.SDKException as error:
        die(str(error))
    if failures:
        for name, message in sorted(failures.items()):
            script_log.error(ironic_node.SCRIPT, "node %s: %s" % (name, message))
        die("%d of %d node(s) not enrolled (above); the others went on. Apply again once fixed: it converges." % (len(failures), len(specs)))
    log("all %d node(s) available" % len(specs))


if __name__ == "__main__":
    main()
