"""Whether this Python can import a module, found without importing it.

    python3 module_probe.py MODULE       exit 0 when MODULE can be imported, 1 when not

Run by sdk_python (scripts/lib/common.sh) with each candidate Python, to find
one that has openstacksdk. find_spec looks without importing: an import of
openstack costs about 0.5 s of CPU per step.
"""
import argparse
import importlib.util
import sys


def has_module(name):
    """True when a top-level module `name` is on this Python's path."""
    return importlib.util.find_spec(name) is not None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="module_probe.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("module")
    args = parser.parse_args(argv)
    sys.exit(0 if has_module(args.module) else 1)


if __name__ == "__main__":
    main()
