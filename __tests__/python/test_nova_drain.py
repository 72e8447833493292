"""Unit tests of scripts/lib/nova_drain.py's planner (the drain itself runs
against the test bed's Nova in __tests__/integration/scale-in.test.ts)."""
import unittest

from nova_drain import plan_moves
from nova_migrate import Stop


def instance(name, vcpu, ram, disk=1, status="ACTIVE"):
    return {"id": "id-" + name, "name": name, "status": status, "need": (vcpu, ram, disk)}


class PlanMoves(unittest.TestCase):
    def test_given_room_when_planned_then_largest_memory_first_to_the_host_with_most_free_memory(self):
        moves = plan_moves([instance("small", 1, 512), instance("big", 2, 4096)], {"a": [8, 5000, 50], "b": [8, 6000, 50]}, ["a", "b"])
        self.assertEqual([(i["name"], h) for i, h in moves], [("big", "b"), ("small", "a")])

    def test_given_equal_hosts_when_planned_then_the_first_listed_wins(self):
        moves = plan_moves([instance("x", 1, 512)], {"a": [8, 5000, 50], "b": [8, 5000, 50]}, ["a", "b"])
        self.assertEqual(moves[0][1], "a")

    def test_given_too_little_room_when_planned_then_stop_with_the_numbers_and_the_misfits(self):
        with self.assertRaises(Stop) as stopped:
            plan_moves([instance("big", 2, 4096), instance("small", 1, 512)], {"a": [8, 3000, 50]}, ["a"])
        message = str(stopped.exception)
        self.assertIn("the 2 instance(s) need 3 VCPU, 4608 MB RAM, 2 GB disk; free on a: 8 VCPU, 3000 MB RAM, 50 GB disk", message)
        self.assertIn("nowhere to put big (2 VCPU, 4096 MB, 1 GB)", message)

    def test_given_no_usable_host_when_planned_then_stop_saying_so(self):
        with self.assertRaises(Stop) as stopped:
            plan_moves([instance("x", 1, 512)], {}, [])
        self.assertIn("free on no usable host", str(stopped.exception))


if __name__ == "__main__":
    unittest.main()
