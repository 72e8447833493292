"""Unit tests of scripts/lib/env_input.py: the environment inputs and the one-line failure
that observe-lab.py and inventory.py share."""
import contextlib
import io
import unittest

from env_input import EnvInput


def failure(call):
    """(exit code, stderr) of a call expected to exit."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), unittest.TestCase().assertRaises(SystemExit) as raised:
        call()
    return raised.exception.code, stderr.getvalue()


class NamesTest(unittest.TestCase):
    def test_given_unset_or_blank_when_read_then_no_names(self):
        self.assertEqual(EnvInput("t", {}).names("X"), [])
        self.assertEqual(EnvInput("t", {"X": "  "}).names("X"), [])

    def test_given_a_json_list_when_read_then_its_names(self):
        self.assertEqual(EnvInput("t", {"X": '["a", "b"]'}).names("X"), ["a", "b"])

    def test_given_not_json_when_read_then_one_line_naming_the_script_and_variable_exit_1(self):
        code, stderr = failure(lambda: EnvInput("observe-lab", {"OBSERVE_NODES": "[a"}).names("OBSERVE_NODES"))
        self.assertEqual(code, 1)
        self.assertRegex(stderr, r"^\d\d:\d\d:\d\d \[observe-lab\] error: OBSERVE_NODES is not JSON: .+\n$")

    def test_given_a_list_with_an_empty_or_non_string_name_when_read_then_refused(self):
        for text in ('["a", ""]', '["a", 3]', '{"a": 1}', '"a"'):
            code, stderr = failure(lambda: EnvInput("inventory", {"N": text}).names("N"))
            self.assertEqual((code, "N must be a JSON list of names" in stderr), (1, True), text)


class SecondsTest(unittest.TestCase):
    def test_given_unset_when_read_then_the_default(self):
        self.assertEqual(EnvInput("t", {}).seconds("T", 60), 60)

    def test_given_a_number_when_read_then_that_many_seconds(self):
        self.assertEqual(EnvInput("t", {"T": "2.5"}).seconds("T", 60), 2.5)

    def test_given_zero_negative_or_not_a_number_when_read_then_refused_naming_the_value(self):
        for text in ("0", "-1", "ten"):
            code, stderr = failure(lambda: EnvInput("t", {"T": text}).seconds("T", 60))
            self.assertEqual(code, 1)
            self.assertIn("T must be a positive number of seconds (got %r)" % text, stderr)


class ArgumentsTest(unittest.TestCase):
    def test_given_no_argument_when_checked_then_nothing_happens(self):
        EnvInput("t", {}).no_arguments(["tool"], "doc")

    def test_given_help_when_checked_then_the_doc_and_exit_0(self):
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), self.assertRaises(SystemExit) as raised:
            EnvInput("t", {}).no_arguments(["tool", "--help"], "the doc")
        self.assertEqual((raised.exception.code, stdout.getvalue()), (0, "the doc\n"))

    def test_given_an_argument_when_checked_then_refused(self):
        code, stderr = failure(lambda: EnvInput("t", {}).no_arguments(["tool", "x"], "doc"))
        self.assertEqual(code, 1)
        self.assertIn("no arguments; inputs come from the environment (see --help)", stderr)


if __name__ == "__main__":
    unittest.main()
