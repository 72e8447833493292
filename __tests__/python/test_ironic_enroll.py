"""Unit tests of scripts/lib/ironic_enroll.py: how an inspection failure is reported."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))

import ironic_enroll  # noqa: E402  (after the path above)
from ironic_enroll import Failure, next_step, one_line  # noqa: E402

# Ironic 29's agent inspection records a ramdisk's error with its hooks' report, over two lines.
EPOXY_ERROR = ("Failed to finish inspection: Failed to inspect hardware. Reason: failed to run inspection hooks: "
               "The following failures happened while running preprocess hooks for node 3d58b7ab:\n"
               "Error in preprocess hook ramdisk-error: Failed to inspect hardware. Reason: Ramdisk reported error: no disks found")


class InspectingTrack:
    """A node labcdk asked to inspect, as next_step reads it."""

    def __init__(self, retries=0, error=None):
        self.action, self.since = "inspect", time.monotonic()
        self.introspection_retries, self.introspection_error = retries, error


class OneLine(unittest.TestCase):
    def test_given_a_multi_line_error_when_flattened_then_one_line_with_single_spaces(self):
        # GIVEN Ironic's two-line error WHEN flattened THEN one line, every word kept
        self.assertEqual(one_line("a:\n  b  c\n"), "a: b c")
        self.assertEqual(one_line(None), None)


class InspectionFailed(unittest.TestCase):
    def test_given_a_first_failure_when_stepped_then_retried_with_the_error_on_one_line(self):
        # GIVEN a node whose first inspection failed with a two-line error
        track = InspectingTrack()
        # WHEN the next step is decided
        action, why = next_step(track, {"provision_state": "inspect failed", "last_error": EPOXY_ERROR})
        # THEN it is inspected again, and what is logged is one line
        self.assertEqual(action, "inspect")
        self.assertNotIn("\n", why)
        self.assertIn("hooks for node 3d58b7ab: Error in preprocess hook ramdisk-error", why)
        self.assertEqual(track.introspection_error, one_line(EPOXY_ERROR))

    def test_given_the_retry_failed_when_stepped_then_the_failure_is_one_line_naming_the_ramdisk_error(self):
        # GIVEN the retry failed too
        track = InspectingTrack(retries=ironic_enroll.INTROSPECTION_RETRIES, error=one_line(EPOXY_ERROR))
        # WHEN the next step is decided THEN the node fails, on one line, with the ramdisk's words
        with self.assertRaises(Failure) as failed:
            next_step(track, {"provision_state": "inspect failed", "last_error": EPOXY_ERROR})
        self.assertRegex(str(failed.exception), r"^introspection failed after \d+s: Failed to finish inspection: .* Ramdisk reported error: no disks found$")
        self.assertNotIn("\n", str(failed.exception))


if __name__ == "__main__":
    unittest.main()
