"""Drains a compute host that leaves the overcloud: every instance moves to a remaining host.

    python3 nova_drain.py          (run by drain-compute.sh, which documents the environment)

Re-runnable: what an interrupted run left is taken on, never refused. An
instance still moving off the host (MIGRATING, RESIZE, a task) is waited for,
and one the move left in VERIFY_RESIZE on a remaining host is confirmed there
(nova_migrate.converge does both); only what is still on the host is planned
and moved again. The host stays disabled once disabled.
"""
import os

import nova_migrate
import script_log
from nova_migrate import IN_FLIGHT, Nova, Stop, converge, first_line
from placement import flavor_needs, placement_free

ENV = os.environ
SCRIPT = "drain-compute"
DRAIN_REASON = "labcdk: drained before overcloud node delete"
MOVABLE = ("ACTIVE", "SHUTOFF")


def log(message):
    script_log.log(SCRIPT, message)


def plan_moves(instances, free, order):
    """Where each settled instance goes: largest memory first, each to the host with the most free memory that fits.

    instances: [{id, name, status, need: (vcpu, ram, disk)}]; free: {host: [vcpu, ram, disk]}; order: the hosts in preference order.
    Returns [(instance, host)], or raises Stop with the numbers when some do not fit (nothing is changed then)."""
    free = {h: list(free[h]) for h in order}
    have = [sum(free[h][i] for h in order) for i in range(3)]
    need = [sum(x["need"][i] for x in instances) for i in range(3)]
    moves, misfits = [], []
    for instance in sorted(instances, key=lambda x: (-x["need"][1], -x["need"][0], x["name"])):
        fits = [h for h in order if all(free[h][i] >= instance["need"][i] for i in range(3))]
        if not fits:
            misfits.append("%s (%d VCPU, %d MB, %d GB)" % (instance["name"], *instance["need"]))
            continue
        target = max(fits, key=lambda h: (free[h][1], -order.index(h)))
        free[target] = [free[target][i] - instance["need"][i] for i in range(3)]
        moves.append((instance, target))
    if misfits:
        raise Stop("the remaining hosts lack room: the %d instance(s) need %d VCPU, %d MB RAM, %d GB disk; free on %s: %d VCPU, %d MB RAM, "
                   "%d GB disk; nowhere to put %s" % (len(instances), *need, ", ".join(order) or "no usable host", *have, ", ".join(misfits)))
    return moves


class Drain:
    """The requests of a drain, each bounded by nova_migrate.API_TIMEOUT."""

    def __init__(self, conn):
        self.conn = conn

    def _get(self, proxy, url, microversion=None):
        from openstack import exceptions
        response = proxy.get(url, microversion=microversion) if microversion else proxy.get(url)
        exceptions.raise_from_response(response)
        return response.json()

    def services(self):
        # 2.53: service ids are UUIDs, as the PUT that disables one takes them.
        return {row["host"]: row for row in self._get(self.conn.compute, "/os-services?binary=nova-compute", "2.53")["services"]}

    def instances_on(self, host):
        """Every project's servers on `host`, with their flavors (2.47+ embeds them)."""
        servers = self._get(self.conn.compute, "/servers/detail?all_tenants=1&host=%s" % host, nova_migrate.SERVER_MICROVERSION)["servers"]
        return [{"id": s["id"], "name": s["name"], "status": s["status"], "task_state": s.get("OS-EXT-STS:task_state"),
                 "need": flavor_needs(s["flavor"])} for s in servers]

    def waiting_moves_from(self, host):
        """Instances a move from `host` left in VERIFY_RESIZE on another host (migration status `finished`): (id, dest)."""
        rows = self._get(self.conn.compute, "/os-migrations?source_compute=%s&status=finished" % host, nova_migrate.MIGRATIONS_MICROVERSION)["migrations"]
        return [(m["instance_uuid"], m["dest_compute"]) for m in rows]

    def disable(self, host):
        from openstack import exceptions
        service = self.services()[host]
        response = self.conn.compute.put("/os-services/%s" % service["id"], json={"status": "disabled", "disabled_reason": DRAIN_REASON}, microversion="2.53")
        exceptions.raise_from_response(response)


def drain(d, conn, host, remaining, kind, timeout, poll):
    services = d.services()
    if host not in services:
        raise Stop("DRAIN_HOST %s has no nova-compute service in %s" % (host, ENV["OS_CLOUD"]))
    disabled = services[host]["status"] == "disabled"
    instances, waiting = d.instances_on(host), d.waiting_moves_from(host)
    if not instances and not waiting and disabled:
        log("%s is disabled and runs no instance; already drained" % host)
        return
    log("%s runs %d instance(s)" % (host, len(instances)))
    # Nova moves running instances (live or cold) and stopped ones (cold only); one already moving is
    # waited for; any other state (ERROR, SUSPENDED, SHELVED, RESCUE, ...) cannot be moved as it is.
    unmovable = ["%s (%s)" % (x["name"], x["status"]) for x in instances if x["status"] not in MOVABLE + IN_FLIGHT + ("VERIFY_RESIZE",)]
    if unmovable:
        raise Stop("refusing to drain %s: Nova cannot migrate %s; fix, stop or delete them first. Nothing was changed" % (host, ", ".join(unmovable)))
    settled = [x for x in instances if x["status"] in MOVABLE and not x["task_state"]]
    moving = [x for x in instances if x not in settled]

    order, free = [], {}
    for other in remaining:
        service = services.get(other, {})
        if service.get("status") != "enabled" or service.get("state") != "up":
            log("remaining host %s is %s/%s: it takes no instance" % (other, service.get("status", "unknown"), service.get("state", "unknown")))
            continue
        capacity = placement_free(conn, other)
        if capacity is None:
            raise Stop("cannot read the free capacity of %s from Placement" % other)
        order.append(other)
        free[other] = capacity
    try:
        moves = plan_moves(settled, free, order) if settled else []
    except Stop as error:
        raise Stop("%s; refusing to drain %s; nothing was changed (free capacity, or lower the load, then apply again)" % (error, host)) from None

    if not disabled:
        d.disable(host)
        log("disabled nova-compute on %s: nothing new is scheduled there" % host)

    # What an interrupted run left under way first: finished where it goes (never a second move).
    for server_id, dest in waiting:
        log("a move of %s to %s waits for its confirm (an interrupted run): finishing it" % (server_id, dest))
        converge(Nova(conn, server_id), dest, "cold", timeout, poll, settle_only=True)
    for instance in moving:
        log("%s is %s: a move under way (an interrupted run); waiting for it" % (instance["name"], instance["status"]))
        view, _ = converge(Nova(conn, instance["id"]), host, "cold", timeout, poll, settle_only=True)
        log("%s is %s on %s" % (instance["name"], view["status"], view["host"]))
    if moving:
        # Moves that were under way may have ended anywhere (or failed back onto the host): plan again.
        return drain(d, conn, host, remaining, kind, timeout, poll)

    for instance, target in moves:
        move_kind = "cold" if instance["status"] == "SHUTOFF" else kind  # a stopped instance moves only cold
        log("moving %s (%s) to %s (%s)" % (instance["name"], instance["status"], target, move_kind))
        try:
            view, _ = converge(Nova(conn, instance["id"]), target, move_kind, timeout, poll)
            nova_migrate.verify(Nova(conn, instance["id"]), view, target)
        except Stop as error:
            raise Stop("moving %s off %s failed: %s; %s stays disabled; re-run the apply to continue" % (instance["name"], host, error, host)) from None

    left = [x["name"] for x in d.instances_on(host)]
    if left:
        raise Stop("%s still runs: %s (they arrived during the drain?); re-run the apply to move them" % (host, " ".join(left)))
    log("%s drained: no instance left, nova-compute disabled" % host)


def main():
    for name in ("OS_CLOUD", "DRAIN_HOST", "REMAINING_HOSTS", "MIGRATION_KIND"):
        if not ENV.get(name) and not (name == "REMAINING_HOSTS" and name in ENV):
            script_log.die(SCRIPT, "missing environment variable %s (see drain-compute.sh --help)" % name, 2)
    import openstack  # late: the unit tests import this module without a cloud
    try:
        conn = openstack.connect(cloud=ENV["OS_CLOUD"], api_timeout=nova_migrate.API_TIMEOUT)
        remaining = [h for h in ENV["REMAINING_HOSTS"].split(",") if h]
        drain(Drain(conn), conn, ENV["DRAIN_HOST"], remaining, ENV["MIGRATION_KIND"], int(ENV.get("TIMEOUT_SECONDS") or 900), int(ENV.get("POLL_SECONDS") or 5))
    except (Stop, openstack.exceptions.SDKException) as error:
        script_log.die(SCRIPT, str(error) if isinstance(error, Stop) else first_line(error), 1)


if __name__ == "__main__":
    main()
