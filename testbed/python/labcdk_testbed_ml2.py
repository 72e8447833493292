"""ML2 mechanism driver for the labcdk testbed: binds every port, no agents.

Neutron has no L2 agent in the testbed, so nothing would bind ports and Nova
could not boot or migrate servers. This driver binds any port on any host to
the first segment offered, with VIF type "ovs", and marks it ACTIVE.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class LabcdkTestbedMechanismDriver(api.MechanismDriver):

    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        if context.current.get(portbindings.VNIC_TYPE,
                               portbindings.VNIC_NORMAL) not in (
                portbindings.VNIC_NORMAL, portbindings.VNIC_BAREMETAL):
            return
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID], portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True,
                 portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return
