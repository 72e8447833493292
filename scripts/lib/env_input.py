"""Inputs of a read-only Python tool (observe-lab.py, inventory.py), taken from the
environment, and how it fails: one line on stderr, time-stamped and naming the tool,
then the exit code the tool documents (1 bad input, 2 a cloud could not be read).

    inputs = EnvInput("observe-lab")
    inputs.no_arguments(sys.argv, __doc__)      # --help prints the doc; any argument is refused
    nodes = inputs.names("OBSERVE_NODES")       # a JSON list of non-empty names; unset: []
    deadline = inputs.seconds("OBSERVE_TIMEOUT_SECONDS", 60)
"""
import json
import os
import sys

import script_log


class EnvInput:
    def __init__(self, script, env=None):
        self.script = script
        self.env = os.environ if env is None else env

    def die(self, message, code):
        """One line on stderr, `HH:MM:SS [script] error: message`, then exit with `code`."""
        script_log.die(self.script, message, code)

    def no_arguments(self, argv, doc):
        """--help/-h prints `doc` and exits 0; any other argument is bad input (inputs come from the environment)."""
        if len(argv) <= 1:
            return
        if argv[1] in ("-h", "--help"):
            print(doc)
            sys.exit(0)
        self.die("no arguments; inputs come from the environment (see --help)", 1)

    def text(self, variable, default=""):
        """The variable's value, stripped; `default` when unset or blank."""
        return self.env.get(variable, "").strip() or default

    def names(self, variable):
        """A JSON list of non-empty strings; unset or blank is the empty list."""
        text = self.text(variable)
        if not text:
            return []
        try:
            value = json.loads(text)
        except ValueError as error:
            self.die("%s is not JSON: %s" % (variable, error), 1)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.die("%s must be a JSON list of names (got %s)" % (variable, text[:200]), 1)
        return value

    def seconds(self, variable, default):
        """A positive number of seconds; unset or blank is `default`."""
        text = self.text(variable)
        try:
            value = float(text) if text else default
        except ValueError:
            value = -1
        if value <= 0:
            self.die("%s must be a positive number of seconds (got %r)" % (variable, text), 1)
        return value
