"""The overcloud steps' working folder and rendered commands.

    python3 overcloud_work.py write-files DIR   writes FILES_JSON ({name: content}) into DIR
    python3 overcloud_work.py count             how many commands COMMANDS_JSON holds
    python3 overcloud_work.py argv INDEX        command INDEX's `openstack` arguments, NUL-separated

Run by scripts/lib/overcloud.sh (work_dir_ready, command_count, command_argv)
for overcloud-deploy.sh and overcloud-node-delete.sh, which document the
environment. Standard library only; prints no file content.
"""
import argparse
import json
import os
import sys

ENV = os.environ


class BadInput(Exception):
    """An input the stack should never have produced; exit 1 with this message."""


def is_plain_file_name(name):
    """A name of a file in the working folder itself: not absolute, no folder, not hidden."""
    return bool(name) and not os.path.isabs(name) and "/" not in name and not name.startswith(".")


def parse_files(text):
    """FILES_JSON as a dict of file name to content; BadInput when it is not one, or names a path."""
    files = json.loads(text)
    if not isinstance(files, dict) or not all(isinstance(c, str) for c in files.values()):
        raise BadInput("FILES_JSON must be a JSON object of file name to content")
    for name in files:
        if not is_plain_file_name(name):
            raise BadInput("FILES_JSON: %r is not a plain file name" % name)
    return files


def write_files(folder, files):
    """Writes each file into `folder`, replacing it atomically, only when its content differs; returns the names written."""
    written = []
    for name, content in files.items():
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as handle:
                if handle.read() == content:
                    continue
        except FileNotFoundError:
            pass
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(path + ".tmp", path)
        written.append(name)
    return written


def parse_commands(text):
    """COMMANDS_JSON as a list of argument lists; BadInput when it is not a JSON list of lists of strings."""
    commands = json.loads(text)
    if not (isinstance(commands, list) and all(isinstance(c, list) and all(isinstance(a, str) for a in c) for c in commands)):
        raise BadInput("COMMANDS_JSON must be a JSON list of lists of strings")
    return commands


def nul_separated(argv):
    """Arguments as `mapfile -d ""` reads them: each followed by a NUL."""
    return "".join(a + "\0" for a in argv)


def command(commands, index):
    """Command `index` (0-based); BadInput when there is none."""
    if not 0 <= index < len(commands):
        raise BadInput("COMMANDS_JSON has %d command(s), no command %d" % (len(commands), index))
    return commands[index]


def required(name):
    if name not in ENV:
        raise BadInput("missing environment variable %s" % name)
    return ENV[name]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="overcloud_work.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("write-files", help="write FILES_JSON into DIR").add_argument("dir")
    sub.add_parser("count", help="how many commands COMMANDS_JSON holds")
    sub.add_parser("argv", help="command INDEX of COMMANDS_JSON, NUL-separated").add_argument("index", type=int)
    args = parser.parse_args(argv)
    try:
        if args.action == "write-files":
            write_files(args.dir, parse_files(required("FILES_JSON")))
        elif args.action == "count":
            print(len(parse_commands(required("COMMANDS_JSON"))))
        else:
            sys.stdout.write(nul_separated(command(parse_commands(required("COMMANDS_JSON")), args.index)))
    except (BadInput, ValueError) as error:  # json.JSONDecodeError is a ValueError
        sys.exit("overcloud_work.py %s: %s" % (args.action, error))


if __name__ == "__main__":
    main()
