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

"""The SDK functions through openstacksdk/keystoneauth against a fake cloud."""

from openstack.compute.v2 import server as stock_server
from openstack import exceptions as sdk_exceptions

from osc_image_props import sdk
from tests.unit import base
from tests.unit import fakes
from tests.unit import pins


def _microversions(mocker):
    return [
        r.headers.get('OpenStack-API-Version')
        for r in mocker.request_history
        if r.hostname == 'compute.test' and '/servers' in r.path
    ]


def _key(header):
    return tuple(int(n) for n in header.split()[1].split('.'))


def _raised_to_2_98(header):
    """A stock request's microversion header, raised to 2.98 if lower."""
    version = header.split()[1]
    if int(version.split('.')[1]) < 98:
        version = '2.98'
    return 'compute %s' % version


class TestGetImageProperties(base.TestCase):

    def test_by_id_is_one_compute_get_at_2_98(self):
        pins.as_2024_2_pins(self)
        server_id = self.cloud.add_server()
        conn = self.connect()
        self.assertEqual(
            fakes.PROPERTIES, sdk.get_image_properties(conn, server_id)
        )
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % server_id)],
            fakes.compute_requests(self.mocker),
        )
        self.assertEqual(['compute 2.98'], _microversions(self.mocker))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_by_name_costs_what_find_server_costs(self):
        pins.as_2024_2_pins(self)
        self.cloud.add_server(name='web-1')
        self.cloud.add_server(name='web-10')
        conn = self.connect()
        self.assertEqual(
            fakes.PROPERTIES, sdk.get_image_properties(conn, 'web-1')
        )
        self.assertEqual(
            [
                ('GET', '/v2.1/servers/web-1'),
                ('GET', '/v2.1/servers/detail?name=web-1'),
            ],
            fakes.compute_requests(self.mocker),
        )

    def test_by_server_resource(self):
        pins.as_2024_2_pins(self)
        server_id = self.cloud.add_server()
        conn = self.connect()
        stock = conn.compute.get_server(server_id)
        self.mocker.reset_mock()
        self.assertEqual(
            fakes.PROPERTIES, sdk.get_image_properties(conn, stock)
        )
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % server_id)],
            fakes.compute_requests(self.mocker),
        )

    def test_no_properties_is_empty_dict(self):
        server_id = self.cloud.add_server(properties={})
        self.assertEqual(
            {}, sdk.get_image_properties(self.connect(), server_id)
        )

    def test_volume_backed_is_none(self):
        server_id = self.cloud.add_server(volume_backed=True)
        self.assertIsNone(
            sdk.get_image_properties(self.connect(), server_id)
        )

    def test_unknown_server(self):
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            sdk.get_image_properties, self.connect(), 'nope',
        )

    def test_ambiguous_name(self):
        self.cloud.add_server(name='twin')
        self.cloud.add_server(name='twin')
        self.assertRaises(
            sdk_exceptions.DuplicateResource,
            sdk.get_image_properties, self.connect(), 'twin',
        )

    def test_response_without_field_is_protocol_error(self):
        server_id = self.cloud.add_server()
        del self.cloud.servers[server_id]['image']['properties']
        exc = self.assertRaises(
            sdk.ImagePropertiesMissing,
            sdk.get_image_properties, self.connect(), server_id,
        )
        self.assertEqual(server_id, exc.server_id)
        self.assertIn('2.98', str(exc))

    def test_non_string_values_are_protocol_errors(self):
        server_id = self.cloud.add_server(properties={'hw_x': 1})
        self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.get_image_properties, self.connect(), server_id,
        )

    def test_malformed_json_is_protocol_error(self):
        self.mocker.get(
            'http://compute.test/v2.1/servers/abc', text='{not json',
            headers={'OpenStack-API-Version': 'compute 2.98'},
        )
        self.assertRaises(
            sdk.ImagePropertiesProtocolError,
            sdk.get_image_properties, self.connect(), 'abc',
        )

    def test_hostile_values_come_back_exactly(self):
        server_id = self.cloud.add_server(properties=fakes.HOSTILE)
        self.assertEqual(
            fakes.HOSTILE, sdk.get_image_properties(self.connect(), server_id)
        )


class TestMicroversionRules(base.TestCase):

    def test_never_lower_than_the_stock_sdk_only_raised_to_2_98(self):
        for cloud_max in ('2.98', '2.100', '2.104'):
            self.cloud.max_version = cloud_max
            server_id = self.cloud.add_server()
            conn = self.connect()
            conn.compute.get_server(server_id)
            list(conn.compute.servers())
            stock = _microversions(self.mocker)
            self.mocker.reset_mock()
            expected = [_raised_to_2_98(header) for header in stock]
            # The functions that hand whole servers to their caller.
            sdk.find_server(conn, server_id)
            list(sdk.list_image_properties(conn))
            # Without discovery, an ID is first asked at the client's
            # maximum: a request the cloud refused (406) is not one it
            # answered lower.
            answered = [
                header for header in _microversions(self.mocker)
                if _key(header) <= _key('compute ' + cloud_max)
            ]
            self.assertEqual(expected, answered, cloud_max)
            self.mocker.reset_mock()

    def test_server_resource_negotiates_no_lower_than_the_stock_one(self):
        self.cloud.max_version = '2.104'
        server_id = self.cloud.add_server()
        conn = self.connect()
        conn.compute.get_server(server_id)
        stock = _microversions(self.mocker)
        self.mocker.reset_mock()
        server = sdk.Server.existing(id=server_id).fetch(conn.compute)
        self.assertEqual(
            [_raised_to_2_98(h) for h in stock], _microversions(self.mocker))
        self.assertEqual(fakes.PROPERTIES, server.embedded_image_properties())

    def test_newest_sdk_keeps_2_100_on_a_2_100_cloud(self):
        # openstacksdk 4.5 and later speak 2.100; 4.0 stops at 2.96.
        self.cloud.max_version = '2.100'
        server_id = self.cloud.add_server()
        sdk.find_server(self.connect(), server_id)
        expected = (
            '2.100' if stock_server.Server._max_microversion == '2.100'
            else '2.98'
        )
        self.assertEqual(
            ['compute %s' % expected], _microversions(self.mocker))

    def test_old_cloud_is_unsupported(self):
        self.cloud.max_version = '2.96'
        server_id = self.cloud.add_server()
        exc = self.assertRaises(
            sdk.ImagePropertiesUnsupported,
            sdk.get_image_properties, self.connect(), server_id,
        )
        self.assertEqual('2.96', exc.cloud_max_version)
        self.assertIn('2.96', str(exc))
        self.assertIn('2.98', str(exc))
        self.assertIn('nova_patch', str(exc))
        self.assertIsInstance(exc, sdk_exceptions.SDKException)
        # One server request, which Nova refused, and nothing of Glance.
        self.assertEqual(1, len(fakes.compute_requests(self.mocker)))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_cloud_without_microversions_is_unsupported(self):
        self.cloud.max_version = ''
        exc = self.assertRaises(
            sdk.ImagePropertiesUnsupported,
            sdk.get_image_properties, self.connect(), 'x',
        )
        self.assertIsNone(exc.cloud_max_version)

    def test_explicit_lower_version_is_refused(self):
        conn = self.connect(compute_api_version='2.95')
        exc = self.assertRaises(
            sdk.ImagePropertiesVersionConflict,
            sdk.get_image_properties, conn, 'x',
        )
        self.assertEqual('2.95', exc.requested_version)
        self.assertIn('2.95', str(exc))
        self.assertEqual([], fakes.compute_requests(self.mocker))

    def test_explicit_higher_version_is_kept(self):
        self.cloud.max_version = '2.100'
        server_id = self.cloud.add_server()
        conn = self.connect(compute_api_version='2.100')
        self.assertEqual(
            fakes.PROPERTIES, sdk.get_image_properties(conn, server_id)
        )
        self.assertEqual(['compute 2.100'], _microversions(self.mocker))

    def test_explicit_2_98_is_fine(self):
        server_id = self.cloud.add_server()
        conn = self.connect(compute_api_version='2.98')
        self.assertEqual(
            fakes.PROPERTIES, sdk.get_image_properties(conn, server_id)
        )


class TestListImageProperties(base.TestCase):

    def test_explicit_lower_version_is_refused(self):
        self.cloud.add_server()
        conn = self.connect(compute_api_version='2.95')
        for call in (sdk.list_image_properties, sdk.fleet_drift):
            exc = self.assertRaises(
                sdk.ImagePropertiesVersionConflict,
                lambda call=call: list(call(conn)))
            self.assertEqual('2.95', exc.requested_version)
        self.assertEqual([], fakes.compute_requests(self.mocker))

    def test_pages_through_detail_list(self):
        ids = [self.cloud.add_server(name='s%d' % i) for i in range(5)]
        volume = self.cloud.add_server(name='vol', volume_backed=True)
        conn = self.connect()
        stock = [s.id for s in conn.compute.servers(details=True, limit=4)]
        stock_requests = fakes.compute_requests(self.mocker)
        self.mocker.reset_mock()

        got = list(sdk.list_image_properties(conn, limit=4))

        self.assertEqual(ids + [volume], [s.id for s, _ in got])
        self.assertEqual(stock, [s.id for s, _ in got])
        self.assertEqual([fakes.PROPERTIES] * 5 + [None], [p for _, p in got])
        self.assertIsInstance(got[0][0], sdk.Server)
        # The same pages as conn.compute.servers(), each at 2.98.
        requests = fakes.compute_requests(self.mocker)
        self.assertEqual(stock_requests, requests)
        self.assertEqual(
            ('GET', '/v2.1/servers/detail?limit=4&marker=%s' % ids[3]),
            requests[1],
        )
        self.assertEqual(
            ['compute 2.98'] * len(requests), _microversions(self.mocker)
        )

    def test_filters_pass_through(self):
        self.cloud.add_server(name='db-1')
        list(sdk.list_image_properties(
            self.connect(), all_projects=True, name='db', status='ACTIVE',
        ))
        (method, path), = fakes.compute_requests(self.mocker)
        self.assertIn('all_tenants=True', path)
        self.assertIn('name=db', path)
        self.assertIn('status=ACTIVE', path)

    def test_old_cloud_fails_before_iterating(self):
        self.cloud.max_version = '2.96'
        self.assertRaises(
            sdk.ImagePropertiesUnsupported,
            sdk.list_image_properties, self.connect(),
        )

    def test_malformed_list_is_protocol_error(self):
        self.mocker.get(
            'http://compute.test/v2.1/servers/detail', text='<html>',
        )
        servers = sdk.list_image_properties(self.connect())
        self.assertRaises(
            sdk.ImagePropertiesProtocolError, list, servers
        )


class TestResource(base.TestCase):

    def test_image_ref_parsing(self):
        server = sdk.Server.existing(
            id='x',
            image={'id': 'img', 'links': [{'rel': 'bookmark'}],
                   'properties': {}},
        )
        self.assertIsInstance(server.image, sdk.ImageRef)
        self.assertEqual('img', server.image.id)
        self.assertEqual([{'rel': 'bookmark'}], server.image.links)
        self.assertEqual({}, server.image.properties)

    def test_absent_properties_are_none(self):
        server = sdk.Server.existing(id='x', image={'id': 'img', 'links': []})
        self.assertIsNone(server.image.properties)

    def test_volume_backed_image_is_none(self):
        self.assertIsNone(sdk.Server.existing(id='x', image='').image)


class TestOtherNovaDialects(base.TestCase):
    """Bodies that upstream's 2.98 allows besides plain strings."""

    def test_null_values_are_kept(self):
        server_id = self.cloud.add_server(
            properties={'hw_machine_type': None, 'os_distro': 'debian'})
        conn = self.connect()
        self.assertEqual(
            {'hw_machine_type': None, 'os_distro': 'debian'},
            sdk.get_image_properties(conn, server_id),
        )

    def test_partial_record_of_a_down_cell(self):
        server_id = self.cloud.add_partial_server()
        conn = self.connect()
        error = self.assertRaises(
            sdk.ImagePropertiesUnreachable,
            sdk.get_image_properties, conn, server_id)
        self.assertEqual(server_id, error.server_id)
        self.assertIn('cannot reach', str(error))

    def test_server_error_of_a_reachable_server_stays_an_error(self):
        server_id = self.cloud.add_server()
        self.mocker.get(
            '%s/servers/%s' % (fakes.COMPUTE_URL, server_id),
            status_code=500,
            json={'computeFault': {'code': 500, 'message': 'boom'}},
        )
        conn = self.connect()
        self.assertRaises(
            sdk_exceptions.HttpException,
            sdk.get_image_properties, conn, server_id)
        # The one extra GET below 2.98 that tells a down cell apart.
        self.assertEqual(
            ['GET', 'GET'],
            [method for method, path in fakes.compute_requests(self.mocker)
             if path.endswith(server_id)])
