"""Unit tests of testbed/lib/ironic_cap.py, the stand-in for an old Ironic API: which version a request
is sent at, what is refused (as Ironic refuses it), and the version documents brought down to the cap.
Its runs in front of the bed's Ironic are __tests__/integration/old-ironic.test.ts's.

Runs on its own too: python3 -m unittest discover -s __tests__/python -p test_ironic_cap.py"""
import os
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "testbed", "lib"))

from ironic_cap import capped, requested  # noqa: E402  (after the path above)

LIBERTY = (1, 14)


class Requested(unittest.TestCase):
    def test_a_version_within_the_cap_is_sent_as_asked_none_stays_none_and_latest_is_the_cap(self):
        self.assertEqual(requested("1.8", LIBERTY), ("1.8", None))
        self.assertEqual(requested("1.14", LIBERTY), ("1.14", None))
        self.assertEqual(requested(None, LIBERTY), (None, None))
        self.assertEqual(requested("latest", LIBERTY), ("1.14", None))

    def test_a_version_above_the_cap_is_refused_with_406_and_the_range_as_ironic_words_it(self):
        version, (status, message) = requested("1.46", LIBERTY)
        self.assertIsNone(version)
        self.assertEqual(status, 406)
        self.assertEqual(message, "Version 1.46 was requested but the minor version is not supported by this service. "
                                  "The supported version range is: [1.1, 1.14].")
        self.assertEqual(requested("1.0", LIBERTY)[1][0], 406)
        self.assertEqual(requested("two", LIBERTY)[1][0], 400)


class Capped(unittest.TestCase):
    def test_every_version_above_the_cap_in_a_version_document_is_the_cap_and_nothing_else_changes(self):
        root = {"default_version": {"id": "v1", "min_version": "1.1", "version": "1.78"},
                "versions": [{"id": "v1", "min_version": "1.1", "version": "1.78", "links": [{"href": "x"}]}]}
        self.assertEqual(capped(root, LIBERTY), {"default_version": {"id": "v1", "min_version": "1.1", "version": "1.14"},
                                                 "versions": [{"id": "v1", "min_version": "1.1", "version": "1.14", "links": [{"href": "x"}]}]})
        self.assertEqual(capped({"version": {"version": "1.9"}}, LIBERTY), {"version": {"version": "1.9"}})


if __name__ == "__main__":
    unittest.main()
