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

"""Make the SDK extension behave as under the 2024.2 client pins."""

import fixtures


def as_2024_2_pins(test):
    """openstacksdk 4.0 (2024.2) speaks compute up to 2.96.

    Our requests then go out at 2.98 first, which a 2.98 cloud accepts:
    the costs the 2024.2 pins measure, also under the newest openstacksdk.
    """
    test.useFixture(fixtures.MonkeyPatch(
        'osc_image_props.sdk._sdk_internals.stock_server_max_microversion',
        lambda: '2.96'))


def stock_server_below_2_98(test):
    """openstacksdk's own Server speaks compute up to 2.96, as in 4.0.

    Its ``_max_microversion`` is what OSC's ``server list`` and ``server
    show`` negotiate with; openstacksdk 4.5 and later already speak 2.100,
    so only this makes the plugin raise it to 2.98 under every pin set.
    """
    test.useFixture(fixtures.MonkeyPatch(
        'openstack.compute.v2.server.Server._max_microversion', '2.96'))
