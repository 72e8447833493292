"""Unit tests of scripts/lib/nova_migrate.py and placement.py: the decisions
and the convergence loop, against a scripted Nova (the integration tests in
__tests__/integration/migration-faults.test.ts run the same code against the
test bed's real Nova)."""
import contextlib
import io
import unittest

import nova_migrate
from nova_migrate import Stop, converge, decide
from placement import flavor_needs, free_capacity

TARGET = "compute-1"


def view(status="ACTIVE", host="compute-0", task=None, power=1, fault=None):
    return {"name": "vm", "status": status, "host": host, "task_state": task, "power_state": power,
            "flavor": {"vcpus": 1, "ram": 512, "disk": 1}, "fault": fault}


class Decide(unittest.TestCase):
    def test_given_a_settled_instance_on_the_target_when_decided_then_done(self):
        self.assertEqual(decide(view(host=TARGET), TARGET, "cold")[0], "done")
        self.assertEqual(decide(view(status="SHUTOFF", host=TARGET, power=4), TARGET, "live")[0], "done")

    def test_given_a_settled_instance_elsewhere_when_decided_then_migrate(self):
        self.assertEqual(decide(view(), TARGET, "live")[0], "migrate")
        self.assertEqual(decide(view(status="SHUTOFF", power=4), TARGET, "cold")[0], "migrate")

    def test_given_verify_resize_when_on_the_target_then_confirm_else_revert(self):
        self.assertEqual(decide(view(status="VERIFY_RESIZE", host=TARGET), TARGET, "cold")[0], "confirm")
        action, why = decide(view(status="VERIFY_RESIZE", host="compute-2"), TARGET, "cold")
        self.assertEqual((action, why), ("revert", "VERIFY_RESIZE on compute-2, not compute-1"))

    def test_given_a_move_in_flight_when_decided_then_wait(self):
        for status, task in (("MIGRATING", "migrating"), ("RESIZE", "resize_migrating"), ("ACTIVE", "resize_prep"), ("REVERT_RESIZE", None)):
            self.assertEqual(decide(view(status=status, task=task), TARGET, "cold")[0], "wait", status)

    def test_given_an_active_instance_whose_power_state_is_not_known_yet_when_decided_then_wait(self):
        self.assertEqual(decide(view(power=0), TARGET, "cold")[0], "wait")

    def test_given_error_when_decided_then_stop_naming_host_fault_and_the_way_out(self):
        action, why = decide(view(status="ERROR", fault="VirtualInterfaceCreateException"), TARGET, "cold")
        self.assertEqual(action, "stop")
        for part in ("ERROR on compute-0", "VirtualInterfaceCreateException", "openstack server set --state active", "re-run the apply"):
            self.assertIn(part, why)

    def test_given_a_stopped_instance_when_the_kind_is_live_then_stop(self):
        action, why = decide(view(status="SHUTOFF", power=4), TARGET, "live")
        self.assertEqual(action, "stop")
        self.assertIn("a stopped instance moves only by cold migration", why)

    def test_given_a_state_nova_cannot_move_when_decided_then_stop(self):
        self.assertEqual(decide(view(status="SUSPENDED", power=7), TARGET, "cold")[0], "stop")


class Capacity(unittest.TestCase):
    def test_given_a_flavor_when_counted_then_swap_is_rounded_up_to_whole_gb(self):
        self.assertEqual(flavor_needs({"vcpus": 2, "ram": 1024, "disk": 10, "ephemeral": 1, "swap": 1025}), (2, 1024, 13))

    def test_given_inventories_and_usages_when_counted_then_ratio_reserved_and_usage_apply(self):
        inventories = {"VCPU": {"total": 4, "allocation_ratio": 16.0, "reserved": 0},
                       "MEMORY_MB": {"total": 8192, "allocation_ratio": 1.5, "reserved": 512}}
        self.assertEqual(free_capacity(inventories, {"VCPU": 3, "MEMORY_MB": 1024}), (61, 10752, 0))


class ScriptedNova:
    """Plays back views; records what the loop asked for."""

    def __init__(self, views, migrations=(), service=None, free=(8, 8192, 80)):
        self.views, self.calls = list(views), []
        self.migration_rounds = list(migrations)
        self._service = service or {"status": "enabled", "state": "up"}
        self._free = free

    def view(self):
        return self.views.pop(0) if len(self.views) > 1 else self.views[0]

    def migrations(self):
        return self.migration_rounds.pop(0) if len(self.migration_rounds) > 1 else (self.migration_rounds[0] if self.migration_rounds else [])

    def service(self, host):
        return self._service

    def free(self, host):
        return self._free

    def migrate(self, host, kind):
        self.calls.append(("migrate", host, kind))

    def confirm(self):
        self.calls.append(("confirm",))

    def revert(self):
        self.calls.append(("revert",))

    def floating_ips(self):
        return []


def quietly(function, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args)


class Converge(unittest.TestCase):
    def test_given_a_cold_move_when_nova_carries_it_out_then_one_migrate_one_confirm(self):
        nova = ScriptedNova([view(), view(), view(status="RESIZE", task="resize_migrating"), view(status="VERIFY_RESIZE", host=TARGET),
                             view(status="VERIFY_RESIZE", host=TARGET), view(host=TARGET)],
                            migrations=[[], [{"id": 7, "status": "migrating"}]])
        final, moved = quietly(converge, nova, TARGET, "cold", 60, 0)
        self.assertEqual((final["host"], moved), (TARGET, True))
        self.assertEqual(nova.calls, [("migrate", TARGET, "cold"), ("confirm",)])

    def test_given_the_move_was_asked_when_the_instance_still_looks_settled_then_no_second_migrate(self):
        nova = ScriptedNova([view(), view(), view(), view(host=TARGET)], migrations=[[], [{"id": 7, "status": "accepted"}]])
        quietly(converge, nova, TARGET, "live", 60, 0)
        self.assertEqual(nova.calls, [("migrate", TARGET, "live")])

    def test_given_nova_fails_the_move_when_its_record_ends_error_then_stop_with_state_and_host(self):
        nova = ScriptedNova([view()], migrations=[[{"id": 3, "status": "confirmed"}], [{"id": 9, "uuid": "m-9", "status": "error"}, {"id": 3, "status": "confirmed"}]])
        with self.assertRaises(Stop) as stopped:
            quietly(converge, nova, TARGET, "cold", 60, 0)
        self.assertIn("Nova failed the cold migration of vm to compute-1 (migration m-9: error); the instance is ACTIVE on compute-0", str(stopped.exception))

    def test_given_an_interrupted_move_to_the_wrong_host_when_run_then_revert_then_migrate(self):
        nova = ScriptedNova([view(status="VERIFY_RESIZE", host="compute-2"), view(status="REVERT_RESIZE", host="compute-2"), view(), view(host=TARGET)])
        quietly(converge, nova, TARGET, "cold", 60, 0)
        self.assertEqual(nova.calls, [("revert",), ("migrate", TARGET, "cold")])

    def test_given_a_move_in_flight_from_an_earlier_run_when_run_then_it_is_waited_for_not_restarted(self):
        nova = ScriptedNova([view(status="MIGRATING", task="migrating"), view(status="MIGRATING", task="migrating"), view(host=TARGET)])
        _, moved = quietly(converge, nova, TARGET, "live", 60, 0)
        self.assertEqual(nova.calls, [])
        self.assertTrue(moved)  # the earlier run's move is verified like one of ours
        self.assertFalse(quietly(converge, ScriptedNova([view(host=TARGET)]), TARGET, "live", 60, 0)[1])

    def test_given_settle_only_when_a_wrong_host_move_is_reverted_then_it_stops_without_migrating(self):
        nova = ScriptedNova([view(status="VERIFY_RESIZE", host="compute-2"), view(status="REVERT_RESIZE", host="compute-2"), view()])
        final, _ = quietly(converge, nova, TARGET, "cold", 60, 0, True)
        self.assertEqual(nova.calls, [("revert",)])
        self.assertEqual(final["host"], "compute-0")

    def test_given_nova_answers_the_migrate_with_an_error_when_run_then_stop_saying_where_the_instance_is(self):
        class Refusing(ScriptedNova):
            def migrate(self, host, kind):
                raise RuntimeError("HttpException: 500: Server Error")
        with self.assertRaises(Stop) as stopped:
            quietly(converge, Refusing([view()]), TARGET, "live", 60, 0)
        self.assertIn("Nova failed the live migration of vm to compute-1 (HttpException: 500: Server Error); the instance is ACTIVE on compute-0", str(stopped.exception))

    def test_given_the_target_is_down_when_run_then_stop_before_touching_the_instance(self):
        nova = ScriptedNova([view()], service={"status": "enabled", "state": "down"})
        with self.assertRaises(Stop) as stopped:
            quietly(converge, nova, TARGET, "cold", 60, 0)
        self.assertIn("target compute-1 nova-compute is enabled/down (must be enabled/up); nothing moved, vm stays ACTIVE on compute-0", str(stopped.exception))
        self.assertEqual(nova.calls, [])

    def test_given_a_wait_that_never_ends_when_the_timeout_passes_then_stop_saying_where_the_instance_is(self):
        nova = ScriptedNova([view(status="MIGRATING", task="migrating")])
        with self.assertRaises(Stop) as stopped:
            quietly(converge, nova, TARGET, "live", 0, 0)
        self.assertIn("gave up after 0s, the instance is MIGRATING on compute-0", str(stopped.exception))


class Verify(unittest.TestCase):
    def test_given_a_live_record_still_running_when_verified_then_it_is_waited_for(self):
        nova = ScriptedNova([view(host=TARGET)], migrations=[[{"id": 1, "dest_compute": TARGET, "status": "running"}],
                                                             [{"id": 1, "dest_compute": TARGET, "status": "completed"}]])
        quietly(nova_migrate.verify, nova, view(host=TARGET), TARGET, 10, 0)

    def test_given_a_record_that_never_ends_well_when_verified_then_stop_naming_it(self):
        nova = ScriptedNova([view(host=TARGET)], migrations=[[{"id": 1, "dest_compute": TARGET, "status": "running"}]])
        with self.assertRaises(Stop) as stopped:
            quietly(nova_migrate.verify, nova, view(host=TARGET), TARGET, 0, 0)
        self.assertIn("the migration record to compute-1 is 'running', not confirmed/completed", str(stopped.exception))


if __name__ == "__main__":
    unittest.main()
