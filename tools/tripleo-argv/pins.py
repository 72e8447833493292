"""Where the fetched TripleO releases live, and their pins: shared by
check_argv.py, tht_params.py and check_baremetal_deployment.py."""
import os

VERSIONS_ENV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tripleo-versions.env")


def read_versions_env(path=VERSIONS_ENV):
    """KEY=value lines of tools/tripleo-versions.env."""
    pins = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            pins[key.strip()] = value.strip().strip("'\"")
    return pins


def pypi_cache(name):
    """<labcdk cache>/pypi/NAME, the folder the tools/fetch-*.sh scripts fill."""
    env = os.environ
    base = env.get("LABCDK_CACHE") or env.get("LABCDK_CACHE_DIR") or os.path.join(
        env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "labcdk")
    return os.path.join(base, "pypi", name)
