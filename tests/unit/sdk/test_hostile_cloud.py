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

"""A broken or hostile cloud: only SDK exceptions, no stray requests."""

import re
import sys
import unicodedata

import fixtures
from openstack import exceptions as sdk_exceptions

from osc_image_props import sdk
from tests.unit import base
from tests.unit import fakes
from tests.unit import pins

DEEP_JSON = '[' * 100000 + ']' * 100000


def _compute_url(path):
    return re.compile(r'^%s%s$' % (re.escape(fakes.COMPUTE_URL), path))


class TestImageReference(base.TestCase):

    def test_image_object_without_id_is_a_protocol_error(self):
        server_id = self.cloud.add_server()
        del self.cloud.servers[server_id]['image']['id']
        conn = self.connect()
        for call in (sdk.get_image_properties, sdk.image_properties_drift):
            error = self.assertRaises(
                sdk.ImagePropertiesProtocolError, call, conn, server_id)
            self.assertIn('no valid "id"', str(error))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_image_id_is_quoted_into_the_glance_url(self):
        server_id = self.cloud.add_server(
            image_id='../../../compute/v2.1/servers/detail')
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertFalse(result.image_found)
        self.assertEqual(
            [('GET', '/v2/images/..%2F..%2F..%2Fcompute%2Fv2.1%2Fservers'
              '%2Fdetail')],
            fakes.image_requests(self.mocker),
        )
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % server_id)],
            fakes.compute_requests(self.mocker),
        )

    def test_dot_segment_image_id_is_never_requested(self):
        server_id = self.cloud.add_server(image_id='..')
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertFalse(result.image_found)
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_image_member_keys_that_collide_with_the_sdk(self):
        server_id = self.cloud.add_server()
        image = self.cloud.servers[server_id]['image']
        image.update({'connection': 1, '_synchronized': 'x', 'self': 2})
        self.cloud.servers[server_id].update({'connection': 1, 'self': 2})
        conn = self.connect()
        server = sdk.find_server(conn, server_id)
        self.assertEqual(fakes.IMAGE_ID, server.image.id)
        self.assertEqual(fakes.PROPERTIES, server.embedded_image_properties())
        self.assertFalse(
            sdk.image_properties_drift(conn, server_id).has_drift)
        got = list(sdk.list_image_properties(conn))
        self.assertEqual([fakes.PROPERTIES], [p for _, p in got])


class TestServerLookups(base.TestCase):

    def test_names_and_ids_are_quoted(self):
        pins.as_2024_2_pins(self)
        # Nova takes the name filter as a regular expression: no ? here.
        self.cloud.add_server(name='a/b#c&d')
        props = sdk.get_image_properties(self.connect(), 'a/b#c&d')
        self.assertEqual(fakes.PROPERTIES, props)
        self.assertEqual(
            [('GET', '/v2.1/servers/a%2Fb%23c%26d'),
             ('GET', '/v2.1/servers/detail?name=a%2Fb%23c%26d')],
            fakes.compute_requests(self.mocker),
        )

    def test_dot_segments_are_looked_up_as_names_only(self):
        server_id = self.cloud.add_server(name='..')
        self.assertEqual(
            server_id, sdk.find_server(self.connect(), '..').id)
        self.assertEqual(
            [('GET', '/v2.1/servers/detail?name=..')],
            fakes.compute_requests(self.mocker),
        )

    def test_empty_name_is_not_found_without_a_request(self):
        self.cloud.add_server()
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            sdk.get_image_properties, self.connect(), '')
        self.assertEqual([], fakes.compute_requests(self.mocker))

    def test_response_for_another_server_is_a_protocol_error(self):
        asked = self.cloud.add_server(name='asked')
        other = self.cloud.add_server(name='other')
        self.cloud.servers[asked] = dict(self.cloud.servers[other])
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.get_image_properties, self.connect(), asked)
        self.assertIn('different server', str(error))
        self.assertIn(other, str(error))


class TestUnreadableBodies(base.TestCase):

    def _serve_server(self, **response):
        self.mocker.get(_compute_url('/servers/abc'), **response)

    def test_html_200_says_what_came_back(self):
        self._serve_server(
            text='<html><body>Gateway login</body></html>',
            headers={'Content-Type': 'text/html'})
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.get_image_properties, self.connect(), 'abc')
        self.assertIn('not readable JSON', str(error))
        self.assertIn('text/html', str(error))
        self.assertNotIn('image" member', str(error))

    def test_empty_200_says_what_came_back(self):
        self._serve_server(text='')
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.get_image_properties, self.connect(), 'abc')
        self.assertIn('0 bytes', str(error))

    def test_json_without_a_server_object(self):
        self._serve_server(json={'servers': []})
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.get_image_properties, self.connect(), 'abc')
        self.assertIn('"server"', str(error))

    def test_deeply_nested_server_body(self):
        self._serve_server(text=DEEP_JSON)
        self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.get_image_properties, self.connect(), 'abc')

    def test_deeply_nested_list_body(self):
        self.mocker.get(_compute_url(r'/servers/detail(\?.*)?'),
                        text=DEEP_JSON)
        self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            list, sdk.list_image_properties(self.connect()))

    def test_deeply_nested_glance_body(self):
        server_id = self.cloud.add_server()
        self.mocker.get(
            'http://image.test/v2/images/%s' % fakes.IMAGE_ID,
            text=DEEP_JSON)
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.image_properties_drift, self.connect(), server_id)
        self.assertIn('image API', str(error))

    def test_hostile_server_id_is_escaped_in_messages(self):
        server_id = self.cloud.add_partial_server(server_id='x\x1b]52;c;')
        self.cloud.servers[server_id]['status'] = 'ERROR'
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            list, sdk.list_image_properties(self.connect()))
        self.assertTrue(str(error).isprintable(), repr(str(error)))

    def test_every_format_character_is_escaped_in_messages(self):
        # Bidi overrides and isolates, zero-width and tag characters: Cf,
        # every one of which str.isprintable() refuses.
        cf = ''.join(chr(c) for c in range(sys.maxunicode + 1)
                     if unicodedata.category(chr(c)) == 'Cf')
        self.assertIn('\u202e', cf)
        server_id = self.cloud.add_partial_server(server_id='x' + cf)
        self.cloud.servers[server_id]['status'] = 'ERROR'
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            list, sdk.list_image_properties(self.connect()))
        self.assertIn('x' + cf.encode('unicode_escape').decode('ascii'),
                      str(error))
        self.assertTrue(str(error).isascii(), repr(str(error)))

    def test_long_server_id_is_cut_in_messages(self):
        server_id = self.cloud.add_partial_server(server_id='x' * 10000)
        self.cloud.servers[server_id]['status'] = 'ERROR'
        error = self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            list, sdk.list_image_properties(self.connect()))
        self.assertIn(' %s... ' % ('x' * 200), str(error))
        self.assertNotIn('x' * 201, str(error))


class TestOwnBugsAreNotCloudErrors(base.TestCase):

    def test_programming_errors_pass_through(self):
        self.cloud.add_server()

        def broken(*args, **kwargs):
            raise KeyError('a bug of ours')

        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk.compute_api.properties_from_body', broken))
        self.assertRaises(
            KeyError, list, sdk.list_image_properties(self.connect()))


class TestVersionDiscovery(base.TestCase):

    def test_hostile_max_version(self):
        self.cloud.max_version = 'two.ninety-eight\x1b[31m'
        error = self.assertRaises(
            sdk.ImagePropertiesDiscoveryError,
            sdk.list_image_properties, self.connect())
        self.assertIsInstance(error, sdk_exceptions.SDKException)
        self.assertNotIn('\x1b', str(error))
        self.assertIn('two.ninety-eight\\x1b[31m', str(error))
        self.assertTrue(str(error).isprintable())

    def _discovery_answers(self, **response):
        for url in (r'^http://compute\.test/?$',
                    r'^http://compute\.test/v2\.1/?$'):
            self.mocker.get(re.compile(url), **response)

    def test_malformed_discovery_documents(self):
        for document in (
            DEEP_JSON,
            '{"version": 5}',
            '{"versions": [1]}',
            '{"version": {"id": 5, "status": "CURRENT", "version": "2.98",'
            ' "min_version": "2.1", "links": [{"rel": "self", "href": 5}]}}',
            '{"version": {"id": "v2.1", "status": "CURRENT",'
            ' "version": ["2.98"], "min_version": "2.1", "links": []}}',
        ):
            self._discovery_answers(text=document)
            error = self.assertRaises(
                sdk.ImagePropertiesDiscoveryError,
                sdk.list_image_properties, self.connect())
            self.assertIn('version discovery', str(error))
        self.assertEqual([], fakes.compute_requests(self.mocker))

    def test_malformed_image_discovery_document(self):
        server_id = self.cloud.add_server()
        for document in (DEEP_JSON, '{"versions": [1]}',
                         '{"versions": "x"}'):
            self.mocker.get(re.compile(r'^http://image\.test/?$'),
                            text=document)
            error = self.assertRaises(
                sdk.ImagePropertiesDiscoveryError,
                sdk.image_properties_drift, self.connect(), server_id)
            self.assertIn('image API', str(error))

    def test_discovery_error_is_not_no_microversions(self):
        for response in (
            {'status_code': 500, 'text': 'boom'},
            {'text': '<html>maintenance</html>',
             'headers': {'Content-Type': 'text/html'}},
        ):
            self._discovery_answers(**response)
            error = self.assertRaises(
                sdk.ImagePropertiesDiscoveryError,
                sdk.list_image_properties, self.connect())
            self.assertNotIn('announces no', str(error))
            self.assertIn('version discovery', str(error))
        self.assertEqual([], fakes.compute_requests(self.mocker))
