"""Unit tests of scripts/lib/module_probe.py, sdk_python's check that a
Python has openstacksdk (scripts/lib/common.sh)."""
import sys
import unittest

import module_probe
from module_probe import has_module


class HasModule(unittest.TestCase):
    def test_given_a_module_of_the_standard_library_when_probed_then_found(self):
        self.assertTrue(has_module("json"))

    def test_given_a_module_that_does_not_exist_when_probed_then_not_found_and_not_imported(self):
        self.assertFalse(has_module("labcdk_no_such_module"))
        self.assertNotIn("labcdk_no_such_module", sys.modules)

    def test_given_a_module_when_main_probes_it_then_the_exit_code_says_whether_it_is_there(self):
        for name, code in (("json", 0), ("labcdk_no_such_module", 1)):
            with self.assertRaises(SystemExit) as stopped:
                module_probe.main([name])
            self.assertEqual(stopped.exception.code, code, name)


if __name__ == "__main__":
    unittest.main()
