"""One plan-time observation for a labcdk_observation resource (run by
observe-step.sh, which the labcdk provider runs at every refresh). Prints the
observed state on one line, in the words the stack configures, so that "no
drift" is string equality. Read-only: GET requests only.

    observe-step.sh CHECK        inputs in the environment, all with OS_CLOUD

  ironic-nodes              NODE_NAMES ("name,...")
      "registered"                 every node exists and its enrolment is done (available, or deployed)
      "<name>: <word>; ..."        else each node that is not, in the given order, with its word:
                                   "absent" (no such node), "provision_state=<state>" (the enroll
                                   step's work is undone: enroll, manageable, inspect failed, ...)
  ironic-nodes-capabilities NODE_NAMES, NODE_CAPABILITIES_<NAME> per node ("key:value,..."; the name
                            upper-cased, other characters as "_")
      "tagged"                     every node has the wanted values (an absent node counts as tagged:
                                   ironic-nodes reports it, and the enrolment tags a node it registers)
      "<name>: <key:value,...>; ..." else each node that differs: the wanted keys, sorted, with the
                                   node's values ("key:(unset)")
  nova-instance-host        INSTANCE_ID, TARGET_HOST
      "host=<host>"                the server's compute host. An absent server prints the wanted
                                   state: the OpenStack provider replaces the server, and with it the step.
  compute-hosts             COMPUTE_HOSTS ("host,...")
      "host:up,..."                per host, in the given order: up | down (nova-compute service) | absent

Exit: 0 observed; 2 the cloud could not be reached or answered with an error
(message on stderr naming it); 1 bad input.
Environment: OBSERVE_API_TIMEOUT_SECONDS bounds each request (default 30; the
provider's timeout_seconds bounds the whole run).
"""
import os
import sys

import script_log
from observation import CannotObserve, Cloud, capabilities, observe_compute_hosts, observe_nodes, observe_server, power_failure, variable_suffix

ENV = os.environ

# Provision states from which the enroll step's work has to be done again
# (enroll-nodes.sh takes a node on from each of them).
ENROLL_UNDONE = ("enroll", "verifying", "manageable", "inspecting", "inspect wait", "inspect failed", "clean failed")


def die(message, code):
    script_log.error("observe-step", message)
    sys.exit(code)


def need(*names):
    missing = [name for name in names if not ENV.get(name)]
    if missing:
        die("missing environment variable(s): %s (set by the stack's labcdk_observation inputs)" % " ".join(missing), 1)
    return [ENV[name] for name in names]


def enrolment_word(node):
    """registered | absent | provision_state=<state> | maintenance=power failure, for one observed node
    (None: absent). A node Ironic put in maintenance because its BMC stopped answering its power checks
    (a password rotated on the BMC) is enrolled again: the enrolment sends the node file's password."""
    if node is None:
        return "absent"
    if node["provisionState"] in ENROLL_UNDONE:
        return "provision_state=%s" % node["provisionState"]
    if power_failure(node["maintenance"], None, node["maintenanceReason"]):
        return "maintenance=power failure"
    return "registered"


def capability_words(node, wanted):
    """The wanted keys, sorted, with the node's values; an absent node has the wanted ones."""
    have = wanted if node is None else node["capabilities"]
    return ",".join("%s:%s" % (key, have.get(key, "(unset)")) for key in sorted(wanted)) or "(none)"


def node_names():
    (text,) = need("NODE_NAMES")
    return [name for name in text.split(",") if name]


def ironic_nodes(cloud):
    names = node_names()
    observed = observe_nodes(cloud.connect(), names)
    words = [(name, enrolment_word(observed.get(name))) for name in names]
    drifted = ["%s: %s" % (name, word) for name, word in words if word != "registered"]
    return "; ".join(drifted) or "registered"


def ironic_nodes_capabilities(cloud):
    names = node_names()
    variables = {name: "NODE_CAPABILITIES_" + variable_suffix(name) for name in names}
    missing = [variable for variable in variables.values() if variable not in ENV]
    if missing:
        die("missing environment variable(s): %s (set by the stack's labcdk_observation inputs)" % " ".join(missing), 1)
    wanted = {name: capabilities(ENV[variable]) for name, variable in variables.items()}
    observed = observe_nodes(cloud.connect(), names)
    drifted = []
    for name in names:
        words = capability_words(observed.get(name), wanted[name])
        if words != capability_words(None, wanted[name]):
            drifted.append("%s: %s" % (name, words))
    return "; ".join(drifted) or "tagged"


def nova_instance_host(cloud):
    server_id, target = need("INSTANCE_ID", "TARGET_HOST")
    server = observe_server(cloud.connect(), server_id)
    return "host=%s" % (target if server is None else server["host"])


def compute_hosts(cloud):
    (text,) = need("COMPUTE_HOSTS")
    hosts = [h for h in text.split(",") if h]
    observed = observe_compute_hosts(cloud.connect(), hosts)

    def word(host):
        service = observed[host]["service"]
        return "absent" if service is None else service["state"]

    return ",".join("%s:%s" % (host, word(host)) for host in hosts)


CHECKS = {
    "ironic-nodes": ironic_nodes,
    "ironic-nodes-capabilities": ironic_nodes_capabilities,
    "nova-instance-host": nova_instance_host,
    "compute-hosts": compute_hosts,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        die("usage: observe-step.sh %s" % " | ".join(CHECKS), 1)
    (cloud_name,) = need("OS_CLOUD")
    try:
        timeout = float(ENV.get("OBSERVE_API_TIMEOUT_SECONDS") or 30)
    except ValueError:
        die("OBSERVE_API_TIMEOUT_SECONDS must be a number of seconds", 1)
    cloud = Cloud("the", cloud_name, timeout)
    try:
        print(CHECKS[sys.argv[1]](cloud), flush=True)
    except CannotObserve as error:
        die(str(error), 2)


if __name__ == "__main__":
    main()
