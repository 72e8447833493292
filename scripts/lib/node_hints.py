"""What to look at when an Ironic node sits too long in a provision state (or ends in a failed
one): the one table of hints, read by the enrolment's and unenrolment's waits (ironic_node.py,
ironic_enroll.py) and by the overcloud steps' report of stuck nodes (overcloud_nodes.py stuck,
which scripts/lib/overcloud.sh's stuck_nodes_report runs for the bash steps). Standard library only.
"""

HINTS = {
    "verifying": "Ironic is still waiting for the node's BMC to answer (a BMC that takes the connection and never "
                 "replies holds the node here until Ironic's request ends): check the BMC, and reset it if it hangs",
    "inspect wait": "the inspection ramdisk never reported back: check the node console (did it PXE-boot?), "
                    "DHCP on the provisioning network, and the BMC's boot device",
    "wait call-back": "the deploy ramdisk never called back: check the node console; the runbook names cloud-init "
                      "racing the network (zero-byte ifcfg-eth* files): delete them and reboot the node",
    "deploying": "Ironic is writing the image: check the conductor log",
    "clean wait": "cleaning waits for the ramdisk: check the node console and the cleaning network",
    "deploy failed": "see last_error; openstack baremetal node undeploy returns it to available",
}


def hint(state):
    """The hint for a provision state, or None when there is none."""
    return HINTS.get(state)
