"""Unit tests of scripts/lib/overcloud_work.py: the overcloud steps' working
folder and rendered commands (scripts/lib/overcloud.sh calls it; the shell
side is tested in __tests__/scripts/overcloud-lib.test.ts, the steps on the
test bed in __tests__/integration/scale-in.test.ts)."""
import contextlib
import io
import os
import tempfile
import unittest
from unittest import mock

import overcloud_work
from overcloud_work import BadInput, command, is_plain_file_name, nul_separated, parse_commands, parse_files, write_files


class Files(unittest.TestCase):
    def test_given_names_when_checked_then_only_plain_names_in_the_folder_itself_pass(self):
        # GIVEN names a FILES_JSON may carry, WHEN checked, THEN a path, a hidden file or nothing is refused
        self.assertTrue(is_plain_file_name("labcdk-parameters.yaml"))
        for name in ("../escape.yaml", "/etc/passwd", "sub/file.yaml", ".hidden", ""):
            self.assertFalse(is_plain_file_name(name), name)

    def test_given_files_json_naming_a_path_when_parsed_then_refused_naming_it(self):
        with self.assertRaises(BadInput) as refused:
            parse_files('{"ok.yaml": "a", "../escape.yaml": "x"}')
        self.assertEqual(str(refused.exception), "FILES_JSON: '../escape.yaml' is not a plain file name")

    def test_given_files_json_that_is_not_an_object_of_strings_when_parsed_then_refused(self):
        for text in ('["a.yaml"]', '{"a.yaml": 1}'):
            with self.assertRaises(BadInput, msg=text) as refused:
                parse_files(text)
            self.assertEqual(str(refused.exception), "FILES_JSON must be a JSON object of file name to content")

    def test_given_a_folder_when_written_then_new_and_changed_files_are_written_and_equal_ones_left_alone(self):
        with tempfile.TemporaryDirectory() as folder:
            # GIVEN one file already as wanted (an old mtime marks it), one stale
            same, stale = os.path.join(folder, "same.yaml"), os.path.join(folder, "stale.yaml")
            for path, content in ((same, "same\n"), (stale, "old\n")):
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(content)
            os.utime(same, (1000000000, 1000000000))
            # WHEN written
            written = write_files(folder, {"same.yaml": "same\n", "stale.yaml": "new\n", "new.yaml": "ComputeCount: 2\n"})
            # THEN the stale and the new one are written, the equal one untouched, no .tmp left
            self.assertEqual(written, ["stale.yaml", "new.yaml"])
            self.assertEqual(os.stat(same).st_mtime, 1000000000)
            with open(stale, encoding="utf-8") as handle:
                self.assertEqual(handle.read(), "new\n")
            self.assertEqual(sorted(os.listdir(folder)), ["new.yaml", "same.yaml", "stale.yaml"])


class Commands(unittest.TestCase):
    COMMANDS = '[["overcloud", "node", "provision"], ["overcloud", "deploy", "-e", "/a dir/with space.yaml"]]'

    def test_given_commands_json_when_parsed_then_the_argument_lists(self):
        self.assertEqual(parse_commands(self.COMMANDS)[1], ["overcloud", "deploy", "-e", "/a dir/with space.yaml"])

    def test_given_commands_json_of_the_wrong_shape_when_parsed_then_refused(self):
        for text in ('["overcloud deploy"]', '[["overcloud", 1]]', '{"a": []}'):
            with self.assertRaises(BadInput, msg=text):
                parse_commands(text)

    def test_given_an_argument_list_when_nul_separated_then_each_argument_ends_in_a_nul(self):
        self.assertEqual(nul_separated(["deploy", "-e", "a b.yaml"]), "deploy\0-e\0a b.yaml\0")
        self.assertEqual(nul_separated([]), "")

    def test_given_an_index_past_the_end_when_picked_then_refused_with_the_count(self):
        commands = parse_commands(self.COMMANDS)
        self.assertEqual(command(commands, 0), ["overcloud", "node", "provision"])
        with self.assertRaises(BadInput) as refused:
            command(commands, 2)
        self.assertEqual(str(refused.exception), "COMMANDS_JSON has 2 command(s), no command 2")

    def test_given_the_environment_when_main_runs_argv_then_it_prints_the_nul_separated_command(self):
        out = io.StringIO()
        with mock.patch.dict(overcloud_work.ENV, {"COMMANDS_JSON": self.COMMANDS}), contextlib.redirect_stdout(out):
            overcloud_work.main(["argv", "1"])
        self.assertEqual(out.getvalue(), "overcloud\0deploy\0-e\0/a dir/with space.yaml\0")

    def test_given_no_commands_json_when_main_counts_then_it_exits_naming_the_variable(self):
        with mock.patch.dict(overcloud_work.ENV, {}, clear=True), self.assertRaises(SystemExit) as stopped:
            overcloud_work.main(["count"])
        self.assertEqual(stopped.exception.code, "overcloud_work.py count: missing environment variable COMMANDS_JSON")


if __name__ == "__main__":
    unittest.main()
