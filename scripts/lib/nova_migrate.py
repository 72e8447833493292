"""Moves one instance to its target compute host, and confirms it there.

    python3 nova_migrate.py          (run by migrate-instance.sh, which documents the environment)

Declarative and re-runnable. Each round reads the instance afresh and
decide() says what to do with what it finds, so a run interrupted at any point
(a killed apply) is taken on by the next one:

    settled on the target                     done (the migration record is checked)
    VERIFY_RESIZE on the target               confirm
    VERIFY_RESIZE on another host             revert (back to its source), then migrate
    a move in flight (MIGRATING, RESIZE, ...) wait for it; never start a second one
    ERROR, or anything no wait can fix        stop, naming state, host, fault and what to do
    settled elsewhere                         pre-checks (target enabled and up, room), then migrate

A move Nova fails (its migration record ends error, failed or cancelled) stops
the run with the instance's state and host. Every request is bounded
(API_TIMEOUT), and so is the whole wait (TIMEOUT_SECONDS), with a progress line
per poll.
"""
import os
import time

import script_log
from placement import flavor_needs, placement_free

ENV = os.environ
SCRIPT = "migrate-instance"
API_TIMEOUT = 60  # seconds, each request
CLOUD_UNAVAILABLE = 3  # exit status: the cloud is not configured or cannot be reached (labcdk settle exits 2)
# Cold migration to a named host: 2.56; live with a host (and without force): 2.30; os-migrations newest first, with uuid: 2.59.
SERVER_MICROVERSION = "2.56"
LIVE_MICROVERSION = "2.30"
MIGRATIONS_MICROVERSION = "2.59"
RUNNING, SHUTDOWN = 1, 4  # Nova's power_state values
IN_FLIGHT = ("MIGRATING", "RESIZE", "REBOOT", "HARD_REBOOT", "BUILD", "REVERT_RESIZE")
FAILED_MIGRATION = ("error", "failed", "cancelled")
DONE_MIGRATION = ("confirmed", "completed", "finished")
RECOVER = "re-run the apply: it takes the instance on from where it is"


def log(message):
    script_log.log(SCRIPT, message)


class Stop(Exception):
    """The run ends here, exit 1, with this message."""


def first_line(error):
    """An exception as one short line (Nova's 500 pages carry a paragraph)."""
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:197] + "..."


def decide(view, target, kind):
    """(action, why) for what the instance is now: done, confirm, revert, wait, migrate or stop."""
    status, host, task, power = view["status"], view["host"], view["task_state"], view["power_state"]
    where = "%s on %s" % (status, host)
    if status == "VERIFY_RESIZE":
        return ("confirm", where) if host == target else ("revert", where + ", not " + target)
    if status == "ERROR":
        fault = view.get("fault") or "no fault recorded"
        return "stop", ("%s (%s): Nova moves no instance in ERROR. Find the cause (openstack server event list), "
                        "then `openstack server set --state active` it and %s" % (where, fault, RECOVER))
    if status in IN_FLIGHT or task:
        return "wait", "%s, task %s" % (where, task or "none")
    if status == "ACTIVE" and power == RUNNING:
        settled = True
    elif status == "SHUTOFF" and power == SHUTDOWN:
        if kind != "cold" and host != target:
            return "stop", "%s: a stopped instance moves only by cold migration (MIGRATION_KIND is %s)" % (where, kind)
        settled = True
    elif status in ("ACTIVE", "SHUTOFF"):
        return "wait", "%s, power state %s" % (where, power)
    else:
        return "stop", "%s: Nova does not move an instance in this state; bring it to ACTIVE or SHUTOFF, then %s" % (where, RECOVER)
    return ("done", where) if settled and host == target else ("migrate", where)


class Nova:
    """The requests this step makes, each bounded by API_TIMEOUT."""

    def __init__(self, conn, server_id):
        self.conn, self.id = conn, server_id

    def _json(self, proxy, url, microversion=None):
        from openstack import exceptions
        response = proxy.get(url, microversion=microversion) if microversion else proxy.get(url)
        exceptions.raise_from_response(response)
        return response.json()

    def _action(self, body, microversion):
        from openstack import exceptions
        response = self.conn.compute.post("/servers/%s/action" % self.id, json=body, microversion=microversion)
        exceptions.raise_from_response(response)

    def view(self):
        server = self._json(self.conn.compute, "/servers/%s" % self.id, SERVER_MICROVERSION)["server"]
        return {
            "name": server["name"],
            "status": server["status"],
            "host": server.get("OS-EXT-SRV-ATTR:host"),
            "task_state": server.get("OS-EXT-STS:task_state"),
            "power_state": server.get("OS-EXT-STS:power_state"),
            "flavor": server.get("flavor") or {},
            "fault": (server.get("fault") or {}).get("message"),
        }

    def service(self, host):
        rows = self._json(self.conn.compute, "/os-services?binary=nova-compute&host=%s" % host)["services"]
        return rows[0] if rows else None

    def free(self, host):
        free = placement_free(self.conn, host)
        if free is None:
            raise Stop("no resource provider named %s in Placement; nothing moved" % host)
        return free

    def migrations(self):
        """This instance's migrations, newest first."""
        return self._json(self.conn.compute, "/os-migrations?instance_uuid=%s" % self.id, MIGRATIONS_MICROVERSION)["migrations"]

    def migrate(self, host, kind):
        if kind == "cold":
            self._action({"migrate": {"host": host}}, SERVER_MICROVERSION)
        else:
            self._action({"os-migrateLive": {"host": host, "block_migration": kind == "block-live"}}, LIVE_MICROVERSION)

    def confirm(self):
        self._action({"confirmResize": None}, SERVER_MICROVERSION)

    def revert(self):
        self._action({"revertResize": None}, SERVER_MICROVERSION)

    def floating_ips(self):
        """(port id, floating address) of each floating IP on the instance's ports."""
        return [(port.id, ip.floating_ip_address) for port in self.conn.network.ports(device_id=self.id) for ip in self.conn.network.ips(port_id=port.id)]


def pre_checks(nova, view, target):
    """The target's nova-compute is enabled and up, and has room for the flavor; Stop otherwise (nothing moved)."""
    here = "%s stays %s on %s" % (view["name"], view["status"], view["host"])
    service = nova.service(target)
    if service is None:
        raise Stop("target %s has no nova-compute service; nothing moved, %s" % (target, here))
    if service["status"] != "enabled" or service["state"] != "up":
        reason = " (%s)" % service["disabled_reason"] if service.get("disabled_reason") else ""
        raise Stop("target %s nova-compute is %s/%s%s (must be enabled/up); nothing moved, %s. Bring the service back, then %s"
                   % (target, service["status"], service["state"], reason, here, RECOVER))
    need, free = flavor_needs(view["flavor"]), nova.free(target)
    log("target %s free: %d VCPU, %d MB RAM, %d GB disk; flavor needs %d VCPU, %d MB, %d GB" % (target, *free, *need))
    if any(f < n for f, n in zip(free, need)):
        raise Stop("target %s lacks room for %s (free %d VCPU / %d MB / %d GB, needs %d / %d / %d); nothing moved, %s"
                   % (target, view["name"], *free, *need, here))


def converge(nova, target, kind, timeout, poll, settle_only=False):
    """Brings the instance to `target`; returns its last view, and whether it was found anywhere but settled there.
    settle_only: finish what is under way (confirm, revert, wait) but start no migration. Raises Stop with the reason it cannot."""
    started = time.monotonic()
    ours = None  # when this run started its move (it starts at most one)
    known = set()  # migration ids seen before our move: the new one is ours
    last = None  # the confirm or revert this run asked for
    rounds = 0
    while True:
        view = nova.view()
        action, why = decide(view, target, kind)
        elapsed = int(time.monotonic() - started)
        if action == "done":
            return view, rounds > 0  # moved by this run or an earlier one: worth verifying
        rounds += 1
        if action == "stop":
            raise Stop("%s is %s" % (view["name"], why))
        if ours is not None:
            record = next((m for m in nova.migrations() if m["id"] not in known), None)
            if record and record["status"] in FAILED_MIGRATION:
                raise Stop("Nova failed the %s migration of %s to %s (migration %s: %s); the instance is %s on %s. Find the cause "
                           "(openstack server event list %s), then %s" % (kind, view["name"], target, record.get("uuid", record["id"]),
                                                                       record["status"], view["status"], view["host"], view["name"], RECOVER))
            if action == "migrate" and record and record["status"] in DONE_MIGRATION:
                raise Stop("%s: the migration ended %s, but the instance is %s" % (view["name"], record["status"], why))
        # Nova confirms and reverts asynchronously: VERIFY_RESIZE right after ours is waited for, not asked twice.
        if action == "confirm" and last != "confirm":
            log("%s is %s: confirming" % (view["name"], why))
            nova.confirm()
            last = "confirm"
        elif action == "revert" and last != "revert":
            log("%s is %s (an interrupted move to the wrong host): reverting it" % (view["name"], why))
            nova.revert()
            last = "revert"
        elif action == "migrate" and ours is None and settle_only:
            return view, rounds > 1
        elif action == "migrate" and ours is None:
            pre_checks(nova, view, target)
            known = {m["id"] for m in nova.migrations()}
            log("%s: %s → %s (%s)" % (view["name"], view["host"], target, kind))
            try:
                nova.migrate(target, kind)
            except Exception as error:  # openstack.exceptions.HttpException: Nova failed it before answering (a dead target: 500)
                now = settled_view(nova, target, kind, min(60, timeout), poll)
                raise Stop("Nova failed the %s migration of %s to %s (%s); the instance is %s on %s. Find the cause "
                           "(openstack server event list %s), then %s" % (kind, view["name"], target, first_line(error),
                                                                       now["status"], now["host"], view["name"], RECOVER)) from None
            ours = time.time()
            log("%s: Nova accepted the move" % view["name"])
        if elapsed >= timeout:
            raise Stop("%s: gave up after %ds, the instance is %s; %s" % (view["name"], timeout, why, RECOVER))
        log("%s: waiting, %ds of %ds (%s)" % (view["name"], elapsed, timeout, why))
        time.sleep(poll)


def settled_view(nova, target, kind, timeout, poll):
    """The instance once Nova has stopped working on it (at most `timeout` seconds), for a report after a failure."""
    until = time.monotonic() + timeout
    view = nova.view()
    while decide(view, target, kind)[0] == "wait" and time.monotonic() < until:
        time.sleep(poll)
        view = nova.view()
    return view


def verify(nova, view, target, timeout=120, poll=2):
    """The migration record to the target ended well, and the floating IPs are still there.

    A live migration's record stays `running` a moment after the instance shows ACTIVE on the target
    (Nova's post-migration steps): waited for, at most `timeout` seconds."""
    until = time.monotonic() + timeout
    while True:
        record = next((m for m in nova.migrations() if m.get("dest_compute") == target), None)
        status = record["status"] if record else "none"
        if status in DONE_MIGRATION or status in FAILED_MIGRATION or status == "none" or time.monotonic() >= until:
            break
        log("%s: waiting for the migration record to %s to end (%s)" % (view["name"], target, status))
        time.sleep(poll)
    if status not in DONE_MIGRATION:
        raise Stop("%s: the migration record to %s is %r, not confirmed/completed" % (view["name"], target, status))
    for port, address in nova.floating_ips():
        log("%s: floating IP %s still on port %s (API check; no ping from here)" % (view["name"], address, port))
    log("%s: now on %s, migration %s (%s)" % (view["name"], target, status, view["status"]))


def fail(message, code):
    script_log.die(SCRIPT, message, code)


def main():
    """INSTANCE_ID (the step), or INSTANCE_NAME (labcdk settle); SETTLE_ONLY=1: finish what is under way, start nothing."""
    settle_only = ENV.get("SETTLE_ONLY") == "1"
    for name in ("OS_CLOUD", "TARGET_HOST", "MIGRATION_KIND"):
        if not ENV.get(name):
            fail("missing environment variable %s (see migrate-instance.sh --help)" % name, 2)
    if not ENV.get("INSTANCE_ID") and not ENV.get("INSTANCE_NAME"):
        fail("missing environment variable INSTANCE_ID (see migrate-instance.sh --help)", 2)
    kind, target = ENV["MIGRATION_KIND"], ENV["TARGET_HOST"]
    if kind not in ("cold", "live", "block-live"):
        fail("MIGRATION_KIND %r is not cold, live or block-live" % kind, 2)
    import openstack  # late: the unit tests import this module without openstacksdk's cloud
    conn = connect(openstack, ENV["OS_CLOUD"])
    try:
        server_id = ENV.get("INSTANCE_ID") or find_server(conn, ENV["INSTANCE_NAME"])
        nova = Nova(conn, server_id)
        view, moved = converge(nova, target, kind, int(ENV.get("TIMEOUT_SECONDS") or 900), int(ENV.get("POLL_SECONDS") or 5), settle_only)
        if settle_only:
            log("%s: %s on %s%s" % (view["name"], view["status"], view["host"], "" if view["host"] == target else " (the apply moves it to %s)" % target))
        elif moved:
            verify(nova, view, target)
        else:
            log("%s is already on %s; nothing to do (%s)" % (view["name"], target, view["status"]))
    except (Stop, openstack.exceptions.SDKException) as error:
        fail(str(error), 1)


def connect(openstack, cloud):
    """A connection to `cloud`, authorized; exit CLOUD_UNAVAILABLE saying whether it is not configured or not reachable."""
    try:
        conn = openstack.connect(cloud=cloud, api_timeout=API_TIMEOUT)
    except openstack.exceptions.ConfigException as error:
        fail("cloud %r is not configured (clouds.yaml: %s): %s"
             % (cloud, ENV.get("OS_CLIENT_CONFIG_FILE", "default locations"), error), CLOUD_UNAVAILABLE)
    try:
        conn.authorize()
    except openstack.exceptions.SDKException as error:
        fail("cloud %r cannot be reached: %s" % (cloud, error), CLOUD_UNAVAILABLE)
    return conn


def find_server(conn, name):
    """The id of the one server named `name` (all projects), or Stop."""
    servers = [s for s in conn.compute.servers(all_projects=True, name="^%s$" % name) if s.name == name]
    if len(servers) != 1:
        raise Stop("%d servers are named %s; the lab expects one" % (len(servers), name))
    return servers[0].id


if __name__ == "__main__":
    main()
