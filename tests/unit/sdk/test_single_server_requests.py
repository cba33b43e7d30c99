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

"""The single-server reads: their requests on every cloud maximum.

``show`` and ``diff`` (and the Horizon tab, which reads through the same
SDK function as ``diff``) read only the image properties, so they ask for
exactly 2.98: no refusal to learn from on a cloud whose maximum is 2.98
(Nova 2024.x with nova_patch), whichever openstacksdk is installed. The
functions that hand whole servers to their caller keep "never lower".
"""

import fixtures

from osc_image_props import sdk
from tests.unit import base

# The maxima of the clouds people run: the backport, 2025.1/2025.2,
# 2026.1, 2026.2.
CLOUD_MAXIMA = ('2.98', '2.100', '2.103', '2.104')
# openstacksdk's own Server maximum at the 2024.2 pins (4.0) and from 4.5 on.
STOCK_MAXIMA = ('2.96', '2.100')

TOKEN = ('POST', 'keystone.test', '/v3/auth/tokens', None)


def _wire(mocker):
    return [
        (r.method, r.hostname, r.path, r.headers.get('OpenStack-API-Version'))
        for r in mocker.request_history
    ]


class TestSingleServerRequests(base.TestCase):

    def _each_cloud(self):
        """(stock maximum, cloud maximum, server ID) of every combination."""
        stock = {'max': None}
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk._sdk_internals.'
            'stock_server_max_microversion', lambda: stock['max']))
        server_id = self.cloud.add_server()
        for stock_max in STOCK_MAXIMA:
            for cloud_max in CLOUD_MAXIMA:
                stock['max'] = stock_max
                self.cloud.max_version = cloud_max
                self.mocker.reset_mock()
                yield stock_max, cloud_max, server_id

    def _server_get(self, server_id, version):
        return ('GET', 'compute.test', '/v2.1/servers/%s' % server_id,
                'compute %s' % version)

    def test_show_is_the_token_and_one_get_at_2_98(self):
        for stock_max, cloud_max, server_id in self._each_cloud():
            status, out, err = self.run_cli(
                'server', 'image', 'properties', 'show', server_id)
            self.assertEqual(0, status, err)
            self.assertEqual(
                [TOKEN, self._server_get(server_id, '2.98')],
                _wire(self.mocker), (stock_max, cloud_max))

    def test_get_image_properties_is_the_token_and_one_get(self):
        for stock_max, cloud_max, server_id in self._each_cloud():
            sdk.get_image_properties(self.connect(), server_id)
            self.assertEqual(
                [TOKEN, self._server_get(server_id, '2.98')],
                _wire(self.mocker), (stock_max, cloud_max))

    def _diff_wire(self, server_id):
        return [
            TOKEN,
            # The dialect of the comparison needs the cloud's maximum.
            ('GET', 'compute.test', '/v2.1', None),
            self._server_get(server_id, '2.98'),
            ('GET', 'image.test', '/', None),
            ('GET', 'image.test', '/v2/images/%s' % self.cloud.servers[
                server_id]['image']['id'], None),
        ]

    def test_diff_asks_for_exactly_2_98(self):
        for stock_max, cloud_max, server_id in self._each_cloud():
            status, out, err = self.run_cli(
                'server', 'image', 'properties', 'diff', server_id)
            self.assertEqual(0, status, err)
            self.assertEqual(self._diff_wire(server_id), _wire(self.mocker),
                             (stock_max, cloud_max))

    def test_drift_function_of_the_dashboard_asks_for_exactly_2_98(self):
        # osc_image_props_dashboard.report.build reads through this.
        for stock_max, cloud_max, server_id in self._each_cloud():
            drift = sdk.image_properties_drift(self.connect(), server_id)
            self.assertFalse(drift.has_drift)
            self.assertEqual(self._diff_wire(server_id), _wire(self.mocker),
                             (stock_max, cloud_max))

    def test_find_server_still_never_lowers(self):
        # It hands the whole server to its caller: the microversion
        # conn.compute.get_server() would use, raised to 2.98.
        for stock_max, cloud_max, server_id in self._each_cloud():
            server = sdk.find_server(self.connect(), server_id)
            expected = '2.98' if stock_max == '2.96' else (
                '2.98' if cloud_max == '2.98' else '2.100')
            self.assertEqual(expected, server.microversion,
                             (stock_max, cloud_max))

    def test_an_older_cloud_still_gets_the_exact_error(self):
        self.cloud.max_version = '2.96'
        server_id = self.cloud.add_server()
        status, out, err = self.run_cli(
            'server', 'image', 'properties', 'show', server_id)
        self.assertOneLineError(status, out, err, '2.96', '2.98')
