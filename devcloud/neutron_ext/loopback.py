# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""ML2 mechanism driver ``devcloud_loopback``: ports bound, no dataplane.

The devcloud's servers run on Nova's fake virt driver, so no packet ever
leaves a server.  Neutron's own mechanism drivers (Open vSwitch, OVN,
SR-IOV, macvtap) bind a port only on a host whose agent or controller
reports in, and running one would need a real datapath on this machine.
This driver binds every port on every host, in the segment Neutron offers
first, with VIF type ``other`` and the port ACTIVE: Nova sees a bound,
working port with its addresses, and nothing pretends to carry traffic.

Imported by neutron-server from the cloud's venv (tools/devcloud installs
it there with an entry point); it is not part of osc-image-props.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api

NAME = 'devcloud_loopback'


class LoopbackMechanismDriver(api.MechanismDriver):

    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OTHER,
                                {portbindings.CAP_PORT_FILTER: False},
                                status=constants.PORT_STATUS_ACTIVE)
            return
