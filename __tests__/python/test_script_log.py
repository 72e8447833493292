"""Unit tests of scripts/lib/script_log.py: the log and error lines every Python script writes."""
import contextlib
import io
import unittest

import script_log

LINE = r"^\d\d:\d\d:\d\d \[%s\] %s\n$"


class LogTest(unittest.TestCase):
    def test_given_a_message_when_logged_then_one_stdout_line_with_time_and_script(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            script_log.log("enroll-nodes", "node1: available")
        self.assertRegex(out.getvalue(), LINE % ("enroll-nodes", "node1: available"))


class DieTest(unittest.TestCase):
    def test_given_a_multi_line_service_answer_when_dying_then_one_stderr_line_and_the_code(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as raised:
            script_log.die("migrate-instance", "ConflictException: 409\n  Instance is in task_state migrating", 2)
        self.assertEqual(raised.exception.code, 2)
        self.assertRegex(err.getvalue(), LINE % ("migrate-instance", "error: ConflictException: 409 Instance is in task_state migrating"))

    def test_given_no_code_when_dying_then_exit_1(self):
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit) as raised:
            script_log.die("x", "bad")
        self.assertEqual(raised.exception.code, 1)


if __name__ == "__main__":
    unittest.main()
