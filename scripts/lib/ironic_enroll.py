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

The BMC passwords are read here at apply time (ironic_node.bmc_password) and
sent only in API request bodies, never printed.
"""
import json
import os
import sys
import time

import openstack

import ironic_node
from ironic_node import DEPLOYED_STATES, STUCK_HINTS, IntrospectionSlots, bmc_password, die, log

ENV = os.environ
# Of the list requests: `fields` came in 1.8 (Liberty), so every director release answers them.
# Creating a node goes through openstacksdk, which negotiates (enroll: 1.11, resource_class: 1.21, *_interface: 1.31).
MICROVERSION = "1.8"
NODE_FIELDS = "uuid,name,driver,provision_state,target_provision_state,last_error,inspection_finished_at,properties,instance_uuid"
# Driver-info field prefix of each hardware type.
BMC_PREFIX = {"ipmi": "ipmi", "redfish": "redfish", "idrac": "drac", "ilo": "ilo", "irmc": "irmc"}
# How long each of our requests may take to finish, in seconds (introspection: INTROSPECTION_TIMEOUT_SECONDS).
MANAGE_TIMEOUT, PROVIDE_TIMEOUT = 300, 1800
SPEC_PREFIX = "LABCDK_NODE_"


def number(name):
    value = ENV.get(name, "")
    return int(value) if value else None


def node_specs():
    """The fleet, one JSON object per node in LABCDK_NODE_<NAME> (written by the stack; no password)."""
    specs = []
    for variable in sorted(k for k in ENV if k.startswith(SPEC_PREFIX)):
        try:
            spec = json.loads(ENV[variable])
        except ValueError as error:
            die("%s is not JSON (%s); it is written by the labcdk stack" % (variable, error))
        if not isinstance(spec, dict) or not spec.get("name") or not spec.get("driver"):
            die("%s needs at least a name and a driver" % variable)
        specs.append(spec)
    if not specs:
        die("no nodes: no %s* variable is set" % SPEC_PREFIX)
    return specs


def paged(conn, url):
    """Every item of an Ironic collection, following `next` links."""
    items, key = [], url.split("?")[0].strip("/").split("/")[0]
    while url:
        body = conn.baremetal.get(url, microversion=MICROVERSION, raise_exc=True).json()
        items.extend(body[key])
        url = body.get("next")
        if url:
            url = url[url.index("/%s" % key):]
    return items


def list_nodes(conn):
    return {n["uuid"]: n for n in paged(conn, "/nodes?fields=%s" % NODE_FIELDS)}


def wanted_fields(spec):
    """driver_info, properties and top-level fields the node file asks for."""
    driver = spec["driver"]
    info = {"deploy_kernel": ENV["DEPLOY_KERNEL_ID"], "deploy_ramdisk": ENV["DEPLOY_RAMDISK_ID"]}
    prefix = BMC_PREFIX.get(driver)
    if prefix:
        for field in ("address", "username", "port"):
            if spec.get("bmc_" + field) not in (None, ""):
                info["%s_%s" % (prefix, field)] = spec["bmc_" + field]
        if spec.get("bmc_system_id"):
            info["redfish_system_id"] = spec["bmc_system_id"]
        info["%s_password" % prefix] = bmc_password(spec["name"])
    properties = {k: spec[k] for k in ("cpus", "memory_mb", "local_gb", "cpu_arch") if spec.get(k) not in (None, "")}
    top = dict(spec.get("interfaces") or {})
    if spec.get("resource_class"):
        top["resource_class"] = spec["resource_class"]
    return info, properties, top


def register(conn, spec, fields, node, port_owner):
    """Creates the node or brings its fields up to date, then its ports. Returns its UUID."""
    name, driver = spec["name"], spec["driver"]
    info, properties, top = fields
    secret = " (BMC password from the apply-time source)" if driver in BMC_PREFIX else ""
    if node is None:
        # provision_state enroll: openstacksdk would otherwise take it to available itself, one node at a time.
        created = conn.baremetal.create_node(name=name, driver=driver, driver_info=info, properties=properties, provision_state="enroll", **top)
        uuid = created.id
        log("node %s: created (%s), driver %s, driver_info and properties set%s" % (name, uuid, driver, secret))
    else:
        uuid = node["uuid"]
        ops = [{"op": "add", "path": "/driver_info/%s" % k, "value": v} for k, v in info.items()]
        ops += [{"op": "add", "path": "/properties/%s" % k, "value": v} for k, v in properties.items()]
        ops += [{"op": "add", "path": "/%s" % k, "value": v} for k, v in top.items()]
        if node["name"] != name:
            ops.append({"op": "add", "path": "/name", "value": name})
            log("node %s: found by MAC as %s (%s), renamed" % (name, node["name"], uuid))
        if node["driver"] != driver:
            ops.append({"op": "add", "path": "/driver", "value": driver})
        conn.baremetal.patch_node(uuid, ops)
        log("node %s: exists (%s), driver %s, driver_info and properties set%s" % (name, uuid, driver, secret))
    for mac in (m.lower() for m in spec.get("macs", [])):
        owner = port_owner.get(mac)
        if owner is None:
            conn.baremetal.create_port(address=mac, node_uuid=uuid)
            port_owner[mac] = uuid
            log("node %s: port %s created" % (name, mac))
        elif owner != uuid:
            raise Failure("MAC %s belongs to another node (%s)" % (mac, owner))
    return uuid


class Failure(Exception):
    """One node could not be enrolled; the others go on."""


class Track:
    """Where one node is on its way to `available`, and what we last asked of it."""

    def __init__(self, spec, uuid, node):
        self.spec, self.name, self.uuid = spec, spec["name"], uuid
        state = node["provision_state"] if node else "enroll"
        self.inspected_at = node.get("inspection_finished_at") if node else None
        self.must_inspect = not self.inspected_at or state == "inspect failed"
        self.retried = False
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
    """("done" | "wait" | "manage" | "inspect" | "provide", why) for the node as it is now; raises Failure."""
    state, waited = node["provision_state"], time.monotonic() - track.since
    if state in DEPLOYED_STATES:
        return "done", "deployed (%s); left alone" % state
    if track.action == "inspect" and state == "inspect failed":
        raise Failure("introspection failed after %ds: %s" % (waited, node["last_error"]))
    if track.action == "provide" and state == "clean failed":
        raise Failure("provide failed after %ds (cleaning): %s" % (waited, node["last_error"]))
    if track.action == "manage" and state == "enroll" and not node["target_provision_state"]:
        raise Failure("manage failed after %ds (BMC credentials verified?): %s" % (waited, node["last_error"]))
    if node["target_provision_state"]:
        bound = {"manage": MANAGE_TIMEOUT, "provide": PROVIDE_TIMEOUT}.get(track.action, number("INTROSPECTION_TIMEOUT_SECONDS"))
        if waited > bound:
            hint = STUCK_HINTS.get(state)
            raise Failure("gave up after %ds in %s (last_error: %s)%s" % (waited, state, node["last_error"], "; " + hint if hint else ""))
        return "wait", state
    if state.endswith(" failed") or state == "error":
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


def tag(conn, track, node):
    """Merges the lab's capabilities into the node's, keeping the others."""
    wanted = track.spec.get("capabilities") or {}
    current = node["properties"].get("capabilities", "") or ""
    merged = dict(p.strip().partition(":")[::2] for p in current.split(",") if p.strip())
    merged.update(wanted)
    text = ",".join("%s:%s" % item for item in merged.items())
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


def converge(conn, specs, fields):
    started = time.monotonic()
    nodes = list_nodes(conn)
    port_owner = {p["address"].lower(): p["node_uuid"] for p in paged(conn, "/ports?fields=address,node_uuid")}
    by_name = {n["name"]: n for n in nodes.values() if n["name"]}
    tracks, failures = {}, {}
    for spec in specs:
        try:
            node = by_name.get(spec["name"])
            if node is None:
                owner = next((port_owner[m.lower()] for m in spec.get("macs", []) if m.lower() in port_owner), None)
                node = nodes.get(owner)
            uuid = register(conn, spec, fields[spec["name"]], node, port_owner)
            tracks[spec["name"]] = Track(spec, uuid, node)
        except (Failure, openstack.exceptions.SDKException) as error:
            failures[spec["name"]] = str(error)
    log("%d node(s) registered; taking them to available" % len(tracks))

    slots = IntrospectionSlots(number("INTROSPECTION_CONCURRENCY") or 20)
    poll, delay = number("INTROSPECTION_POLL_SECONDS") or 10, 1
    try:
        while tracks:
            nodes = list_nodes(conn)
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
                        tag(conn, track, node)
                        log("node %s: %s; done (properties %s)" % (name, why, json.dumps(node["properties"], sort_keys=True)))
                        del tracks[name]
                    elif step == "wait":
                        waiting.append((name, why))
                    elif step == "inspect" and not slots.take(name):
                        waited = time.monotonic() - track.since
                        if waited > number("INTROSPECTION_TIMEOUT_SECONDS"):
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
    for name in ("DEPLOY_KERNEL_ID", "DEPLOY_RAMDISK_ID", "OS_CLOUD"):
        if not ENV.get(name):
            die("missing environment variable %s (set by the stack; see enroll-nodes.sh --help)" % name)
    specs = node_specs()
    # Every password is found before the first request: a missing one stops nothing half-way.
    fields = {spec["name"]: wanted_fields(spec) for spec in specs}
    try:
        conn = openstack.connect(cloud=ENV["OS_CLOUD"])
        failures = converge(conn, specs, fields)
    except openstack.exceptions.SDKException as error:
        die(str(error))
    if failures:
        for name, message in sorted(failures.items()):
            print("%s [enroll-nodes] error: node %s: %s" % (time.strftime("%H:%M:%S", time.gmtime()), name, message), file=sys.stderr, flush=True)
        die("%d of %d node(s) not enrolled (above); the others went on. Apply again once fixed: it converges." % (len(failures), len(specs)))
    log("all %d node(s) available" % len(specs))


if __name__ == "__main__":
    main()
