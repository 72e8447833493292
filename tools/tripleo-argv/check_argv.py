#!/usr/bin/python3
"""Parse an `openstack overcloud ...` argv with the real argparse parser of a
pinned python-tripleoclient release (unpacked by tools/fetch-tripleoclient.sh).

Usage: check_argv.py --release <dialect-or-version> [--json] -- overcloud deploy ARGS...

Exit 0: the release's parser accepts the argv (with --json, prints
{"release", "dialect", "command", "args": {dest: value}}; for -h/--help in
ARGS the release's help goes to stderr and --json prints "args": null,
"help": true); exit 1: it does not (the argparse message on stderr), or the
release has no such command; exit 2: this tool's own usage error or a missing
cache; exit 3: the release's parser could not be built (a traceback).

How the parser is built. Importing the release the ordinary way is impossible
here: its modules import at load time heatclient, tripleo_common,
os_cloud_config and openstackclient.common (0.3.4, gone from
python-openstackclient since 2016), ansible_runner, ansible, tenacity,
oslo_* ... (15.x/16.x); those releases pin library versions from 2016-2022 that
do not install on Python 3.11, and the test bed's Debian packages are neither
those versions nor complete. Only get_parser() is needed, and it uses nothing
but argparse plus a handful of library names: i18n `_`, osc `utils.env()`, and
cliff's `Command.get_parser()`. So the release's own `tripleoclient` package is
executed from the unpacked wheel (its get_parser, its utils.py and
constants.py: every argument definition comes from the release's source), and
every import outside the standard library and `tripleoclient` gets a stand-in
module (below): unknown names are inert placeholders; the few names
get_parser() really calls have small stand-ins of their own.
The command to load comes from the release's entry_points.txt, as cliff does.
"""

import argparse
import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import types

from pins import pypi_cache, read_versions_env

SUPPORTED = ("overcloud deploy", "overcloud node provision", "overcloud node delete")
DIALECTS = {
    "legacy-flags": "TRIPLEOCLIENT_LEGACY_FLAGS_VERSION",
    "parameter-defaults": "TRIPLEOCLIENT_PARAMETER_DEFAULTS_VERSION",
    "node-provision": "TRIPLEOCLIENT_NODE_PROVISION_VERSION",
}


class UsageError(Exception):
    """This tool was called wrongly or the cache is missing (exit 2)."""


class Rejected(Exception):
    """The release rejects the argv (exit 1)."""


def resolve_release(release):
    """(dialect or None, version, unpacked directory) for a dialect name or a version."""
    pins = read_versions_env()
    if release in DIALECTS:
        dialect, version = release, pins[DIALECTS[release]]
    else:
        version = release
        dialect = next((d for d, key in DIALECTS.items() if pins.get(key) == version), None)
    directory = os.path.join(pypi_cache("tripleoclient"), "python-tripleoclient-" + version)
    if not os.path.isfile(os.path.join(directory, "tripleoclient", "__init__.py")):
        known = ", ".join(f"{d} ({pins.get(k)})" for d, k in DIALECTS.items())
        raise UsageError(
            f"python-tripleoclient {version} is not unpacked in {directory}; "
            f"run tools/fetch-tripleoclient.sh (pinned: {known})")
    return dialect, version, directory


def entry_points(directory):
    """{"overcloud deploy": "tripleoclient.v1.overcloud_deploy:DeployOvercloud", ...}"""
    import configparser
    infos = [d for d in os.listdir(directory) if d.endswith(".dist-info")]
    if len(infos) != 1:
        raise UsageError(f"{directory}: expected one *.dist-info, found {infos}")
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(os.path.join(directory, infos[0], "entry_points.txt"), encoding="utf-8")
    commands = {}
    for section in parser.sections():
        if section.startswith("openstack.tripleoclient"):
            for name, target in parser.items(section):
                commands[name.replace("_", " ")] = target.strip()
    return commands


# ---------------------------------------------------------------- stand-ins

def _identity(text, *_args):
    return text


def _osc_env(*names, **kwargs):
    """osc_lib.utils.env / openstackclient.common.utils.env: the first
    non-empty environment variable of `names`, else kwargs['default'] or ''."""
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return kwargs.get("default", "")


class _CliffCommand:
    """Stand-in for cliff.command.Command (and osc_lib's subclass): what
    get_parser() needs. cliff builds the command parser as a plain
    argparse.ArgumentParser(description, epilog, prog) with -h/--help; the
    release's get_parser() adds its arguments to it. (Later cliff also sets
    conflict_handler='ignore'; none of the pinned parsers has a conflicting
    option, so argparse's 'error' is kept: a conflict would exit 3.)"""

    def __init__(self, app=None, app_args=None, cmd_name=None):
        self.app = app
        self.app_args = app_args
        self.cmd_name = cmd_name

    def get_description(self):
        import inspect
        return inspect.getdoc(self.__class__) or ""

    def get_epilog(self):
        return ""

    def get_parser(self, prog_name):
        return argparse.ArgumentParser(
            description=self.get_description(), epilog=self.get_epilog(), prog=prog_name)


class _Placeholder:
    """A lower-case or upper-case name from a stand-in module (a function,
    a constant, a module-level object): inert, callable, usable as a
    decorator argument, a path that does not exist, an empty iterable.
    get_parser() must not depend on it; if an argument default did, --json
    would show it as '<stand-in ...>'."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _stand_in(f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        return _Placeholder(f"{self._name}()")

    def __mro_entries__(self, bases):
        return (_stand_in_class(self._name),)

    def __fspath__(self):
        return "/nonexistent/labcdk-stand-in/" + self._name

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False

    def __getitem__(self, key):
        return _Placeholder(f"{self._name}[{key!r}]")

    def __or__(self, other):
        return self

    __ror__ = __and__ = __rand__ = __add__ = __radd__ = __mod__ = __or__

    def __str__(self):
        return f"<stand-in {self._name}>"

    __repr__ = __str__


class _StandInMeta(type):
    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _stand_in(f"{cls.__qualname__}.{attr}")


def _stand_in_class(name):
    """A CamelCase name from a stand-in module (a class: an exception
    caught at import time, a base class, a client): a real class deriving
    from Exception, so `except (configparser.NoOptionError, ...)` and
    `class X(oscexc.CommandError)` work; instances and the class answer any
    attribute with a placeholder."""

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Placeholder(f"{name}().{attr}")

    return _StandInMeta(name, (Exception,), {"__getattr__": __getattr__, "__module__": "stand-in",
                                             "__qualname__": name})


def _stand_in(qualified):
    """A class stand-in for CamelCase names, else a placeholder."""
    attr = qualified.rsplit(".", 1)[-1]
    if attr[:1].isupper() and not attr.isupper():
        return _stand_in_class(qualified)
    return _Placeholder(qualified)


# Names of stand-in modules that get_parser() really uses.
_SPECIAL = {
    ("cliff.command", "Command"): _CliffCommand,
    ("osc_lib.command.command", "Command"): _CliffCommand,
    ("osc_lib.command.command", "Lister"): type("Lister", (_CliffCommand,), {}),
    ("osc_lib.command.command", "ShowOne"): type("ShowOne", (_CliffCommand,), {}),
    ("osc_lib.utils", "env"): _osc_env,
    ("openstackclient.common.utils", "env"): _osc_env,
}
# Submodules reached as attributes (`from cliff import command`) that must be
# the stand-in modules above, not placeholders.
_SPECIAL_MODULES = {m for m, _ in _SPECIAL} | {
    "osc_lib.command", "openstackclient.common"}
_I18N_NAMES = {"_", "_C", "_P", "_LE", "_LI", "_LW", "_LC"}


class _StandInModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        qualified = f"{self.__name__}.{attr}"
        if (self.__name__, attr) in _SPECIAL:
            value = _SPECIAL[(self.__name__, attr)]
        elif qualified in _SPECIAL_MODULES or attr == "i18n":
            value = importlib.import_module(qualified)
        elif attr in _I18N_NAMES and self.__name__.endswith("i18n"):
            value = _identity
        else:
            value = _stand_in(qualified)
        setattr(self, attr, value)
        return value


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = _StandInModule(spec.name)
        module.__path__ = []  # a package: `from x.y import z` also works
        return module

    def exec_module(self, module):
        pass


class _ReleaseFinder(importlib.abc.MetaPathFinder):
    """`tripleoclient` from the release directory, the standard library as
    usual, everything else a stand-in module."""

    def __init__(self, directory):
        self.directory = directory

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.split(".", 1)[0]
        if top == "tripleoclient":
            search = [self.directory] if path is None else path
            return importlib.machinery.PathFinder.find_spec(fullname, search)
        if top in sys.stdlib_module_names or top == "__future__":
            return None
        return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)


def build_parser(directory, command, target):
    """The release's parser for `command`, from `module:Class` of its entry points."""
    sys.meta_path.insert(0, _ReleaseFinder(directory))
    module_name, class_name = target.split(":", 1)
    module = importlib.import_module(module_name)
    cls = getattr(module, class_name)
    instance = cls(None, None, cmd_name=command)
    return instance.get_parser("openstack " + command)


def parse(directory, argv, help_stream=None):
    """(command, parsed args dict) or raise Rejected/UsageError."""
    commands = entry_points(directory)
    words = []
    for word in argv:
        if word.startswith("-"):
            break
        words.append(word)
    command = None
    for length in range(min(len(words), 4), 0, -1):
        candidate = " ".join(words[:length])
        if candidate in SUPPORTED:
            command = candidate
            break
    if command is None:
        raise UsageError(
            f"unsupported command {' '.join(words[:3])!r}: argv must start with one of: "
            + ", ".join(SUPPORTED))
    if command not in commands:
        have = ", ".join(sorted(c for c in commands if c.startswith("overcloud")))
        raise Rejected(f"openstack: unknown command '{command}' in this release (it has: {have})")
    parser = build_parser(directory, command, commands[command])

    def error(message):
        raise Rejected(f"{parser.format_usage()}{parser.prog}: error: {message}")

    parser.error = error
    # -h/--help: argparse prints the help (to help_stream: stderr keeps stdout
    # for --json) and exits 0; reported as args None.
    try:
        with contextlib.redirect_stdout(help_stream or sys.stdout):
            namespace = parser.parse_args(argv[len(command.split()):])
    except SystemExit as done:
        if done.code not in (0, None):
            raise
        return command, None
    return command, vars(namespace)


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        own, rest = argv[:split], argv[split + 1:]
    else:
        own, rest = argv, []
    cli = argparse.ArgumentParser(
        prog="check_argv.py",
        description="Parse `openstack overcloud ...` arguments with the argparse parser of a "
                    "pinned python-tripleoclient release (see tools/tripleo-argv/README.md).",
        usage="%(prog)s --release <dialect-or-version> [--json] -- overcloud deploy ARGS...")
    cli.add_argument("--release", required=True,
                     help="legacy-flags, parameter-defaults, node-provision, or a version "
                          "unpacked by tools/fetch-tripleoclient.sh")
    cli.add_argument("--json", action="store_true",
                     help='print {"release", "dialect", "command", "args"} as JSON')
    options = cli.parse_args(own)
    if not rest or rest[0] != "overcloud":
        cli.error("after --, the argv must start with 'overcloud' (e.g. -- overcloud deploy --templates)")
    try:
        dialect, version, directory = resolve_release(options.release)
        command, args = parse(directory, rest, sys.stderr if options.json else sys.stdout)
    except UsageError as err:
        print(f"check_argv: {err}", file=sys.stderr)
        return 2
    except Rejected as err:
        print(err, file=sys.stderr)
        return 1
    except Exception:  # the release's module did something the stand-ins do not cover
        import traceback
        traceback.print_exc()
        print("check_argv: internal error: could not build the release's parser (exit 3)",
              file=sys.stderr)
        return 3
    if options.json:
        result = {"release": version, "dialect": dialect, "command": command, "args": args}
        if args is None:
            result["help"] = True
        print(json.dumps(result, default=str, sort_keys=True))
    elif args is None:
        pass  # argparse printed the help
    else:
        print(f"ok: python-tripleoclient {version} parses '{command}'")
        for dest in sorted(args):
            print(f"  {dest} = {args[dest]!r}")
    return 0


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly
    sys.exit(main(sys.argv[1:]))
