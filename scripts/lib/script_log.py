"""The log lines of labcdk's Python scripts, in the bash scripts' format (scripts/lib/common.sh):

    HH:MM:SS [script] message            progress, on stdout
    HH:MM:SS [script] error: message     a failure, on stderr, one line

    from script_log import log, die
    log("enroll-nodes", "node1: available")
    die("enroll-nodes", "node1: gave up after 600s in inspect wait", 1)
"""
import sys
import time


def line(script, message):
    """`HH:MM:SS [script] message`, the time in UTC."""
    return "%s [%s] %s" % (time.strftime("%H:%M:%S", time.gmtime()), script, message)


def log(script, message):
    print(line(script, message), flush=True)


def error(script, message):
    """The failure on one line: whitespace (newlines of a service's answer) folded to single spaces."""
    print(line(script, "error: " + " ".join(str(message).split())), file=sys.stderr, flush=True)


def die(script, message, code=1):
    error(script, message)
    sys.exit(code)
