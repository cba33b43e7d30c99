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

"""One server by ID: the token and one GET on the wire, nothing more.

The cloud's maximum microversion is learnt only when Nova refuses the
first request (406) or answers without microversions: the errors stay
what version discovery would have said.
"""

import re

import fixtures

from osc_image_props import sdk
from osc_image_props.sdk import compute_api
from tests.unit import base
from tests.unit import fakes

VERSION_DOC = re.compile(r'^/(v2\.1/?)?$')


def wire(mocker):
    """Every request on the wire: (method, host, path)."""
    return [(r.method, r.hostname, r.path) for r in mocker.request_history]


def versions(mocker):
    return [r.headers.get('OpenStack-API-Version')
            for r in mocker.request_history
            if r.hostname == 'compute.test' and '/servers' in r.path]


class TestWireFloor(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_server()

    def _as_2024_2_pins(self):
        # openstacksdk 4.0 (2024.2) speaks up to 2.96: we ask 2.98.
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk._sdk_internals.'
            'stock_server_max_microversion', lambda: '2.96'))

    def test_by_id_is_token_and_one_get_at_2_98(self):
        self._as_2024_2_pins()
        self.assertEqual(
            fakes.PROPERTIES,
            sdk.get_image_properties(self.connect(), self.server_id))
        self.assertEqual(
            [('POST', 'keystone.test', '/v3/auth/tokens'),
             ('GET', 'compute.test', '/v2.1/servers/%s' % self.server_id)],
            wire(self.mocker))
        self.assertEqual(['compute 2.98'], versions(self.mocker))

    def test_by_id_on_a_cloud_as_new_as_the_client_is_one_get(self):
        # The newest openstacksdk on a cloud at its maximum: a whole
        # server is never asked for lower.
        self.cloud.max_version = compute_api.client_max_microversion()
        sdk.find_server(self.connect(), self.server_id)
        self.assertEqual(
            [('POST', 'keystone.test', '/v3/auth/tokens'),
             ('GET', 'compute.test', '/v2.1/servers/%s' % self.server_id)],
            wire(self.mocker))
        self.assertEqual(['compute %s' % self.cloud.max_version],
                         versions(self.mocker))

    def test_show_command_is_token_and_one_get(self):
        self._as_2024_2_pins()
        status, out, err = self.run_cli(
            'server', 'image', 'properties', 'show', self.server_id)
        self.assertEqual(0, status, err)
        self.assertEqual(
            [('POST', 'keystone.test', '/v3/auth/tokens'),
             ('GET', 'compute.test', '/v2.1/servers/%s' % self.server_id)],
            wire(self.mocker))

    def test_old_cloud_error_is_exact(self):
        self.cloud.max_version = '2.96'
        exc = self.assertRaises(
            sdk.ImagePropertiesUnsupported,
            sdk.get_image_properties, self.connect(), self.server_id)
        self.assertEqual('2.96', exc.cloud_max_version)
        # Refused, then the maximum learnt by discovery, and no retry.
        self.assertEqual(1, len(versions(self.mocker)))

    def test_cloud_without_microversions_is_unsupported(self):
        self.cloud.max_version = ''
        exc = self.assertRaises(
            sdk.ImagePropertiesUnsupported,
            sdk.get_image_properties, self.connect(), self.server_id)
        self.assertIsNone(exc.cloud_max_version)

    def test_newer_client_than_cloud_retries_once_at_the_cloud_max(self):
        # openstacksdk 4.5+ speaks 2.100; a 2.98 cloud refuses it.
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk._sdk_internals.'
            'stock_server_max_microversion', lambda: '2.100'))
        server = sdk.find_server(self.connect(), self.server_id)
        self.assertEqual(fakes.PROPERTIES, server.embedded_image_properties())
        self.assertEqual('2.98', server.microversion)
        self.assertEqual(['compute 2.100', 'compute 2.98'],
                         versions(self.mocker))
        # Nova's 406 names its maximum: no discovery needed.
        self.assertEqual(
            [], [r for r in self.mocker.request_history
                 if r.hostname == 'compute.test'
                 and VERSION_DOC.match(r.path)])

    def test_refusal_without_a_maximum_discovers_it(self):
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk._sdk_internals.'
            'stock_server_max_microversion', lambda: '2.100'))
        self.mocker.get(
            'http://compute.test/v2.1/servers/%s' % self.server_id,
            response_list=[
                {'status_code': 406, 'json': {'computeFault': {
                    'code': 406, 'message': 'no'}}},
                {'json': {'server': self.cloud.render(self.server_id,
                                                      '2.98')},
                 'headers': {'OpenStack-API-Version': 'compute 2.98'}},
            ])
        server = sdk.find_server(self.connect(), self.server_id)
        self.assertEqual(fakes.PROPERTIES, server.embedded_image_properties())
        self.assertEqual(['compute 2.100', 'compute 2.98'],
                         versions(self.mocker))

    def test_hostile_maximum_in_the_refusal_is_not_trusted(self):
        self.cloud.max_version = '2.96'
        self.mocker.get(
            'http://compute.test/v2.1/servers/%s' % self.server_id,
            status_code=406, json={'computeFault': {
                'code': 406, 'message': 'Version 2.98 is not supported by '
                'the API. Minimum is 2.1 and maximum is 2.98.'}})
        exc = self.assertRaises(
            sdk.ImagePropertiesUnsupported,
            sdk.get_image_properties, self.connect(), self.server_id)
        # The refusal's maximum is tried once and refused again: discovery,
        # not the message, names the maximum in the error.
        self.assertEqual('2.96', exc.cloud_max_version)

    def test_explicit_lower_version_is_refused_before_any_request(self):
        conn = self.connect(compute_api_version='2.90')
        self.assertRaises(sdk.ImagePropertiesVersionConflict,
                          sdk.get_image_properties, conn, self.server_id)
        self.assertEqual([], versions(self.mocker))

    def test_explicit_version_is_sent(self):
        self.cloud.max_version = '2.100'
        conn = self.connect(compute_api_version='2.99')
        sdk.get_image_properties(conn, self.server_id)
        self.assertEqual(['compute 2.99'], versions(self.mocker))


class TestCloudMinimumAboveTheClient(base.TestCase):
    """A compute API whose minimum is above this client's maximum (no Nova
    has raised its minimum yet): every command either works or says
    Nova's refusal in one line; none fails on a version it never got."""

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_server()
        self.cloud.max_version = '2.100'
        self.cloud.min_version = '2.99'

    def test_each_command(self):
        client_max = compute_api.version_key(
            compute_api.client_max_microversion())
        lists = client_max >= compute_api.version_key('2.99')
        # show asks for exactly 2.98 (the properties only); the lists ask
        # for the lower of the two maxima.
        for argv, works in (
            (('server', 'image', 'properties', 'show', self.server_id),
             False),
            (('server', 'image', 'properties', 'drift'), lists),
            (('server', 'vtpm', 'list'), lists),
        ):
            with self.subTest(argv=argv, client_max=client_max):
                status, out, err = self.run_cli(*argv)
                if works:
                    self.assertEqual(0, status, err)
                else:
                    self.assertOneLineError(
                        status, out, err, 'Minimum is 2.99')
