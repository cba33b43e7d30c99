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

"""Our own paging of GET /servers/detail, and partial records, at the edge."""

import re

from osc_image_props import sdk
from tests.unit import base
from tests.unit import fakes

DETAIL = re.compile(r'^http://compute\.test/v2\.1/servers/detail(\?.*)?$')


class TestPagingGuards(base.TestCase):

    def _serve_pages(self, next_href):
        """Every detail page: the fake's servers, and a next link."""
        real = self.cloud._list_servers

        def page(request, context):
            if len(self._detail_requests()) > 20:
                # A client without guards: fail the test, do not hang it.
                context.status_code = 500
                return {'computeFault': {'message': 'still paging'}}
            body = real(request, context)
            body['servers_links'] = [{'rel': 'next', 'href': next_href(
                request)}]
            return body

        self.mocker.get(DETAIL, json=page)

    def _detail_requests(self):
        return [r for r in self.mocker.request_history
                if '/servers/detail' in r.path]

    def test_self_link_with_a_filter_that_matches_nothing_returns(self):
        self.cloud.add_server()
        self._serve_pages(lambda request: request.url)
        servers = sdk.list_image_properties(
            self.connect(), match={'hw_machine_type': 'nothing-has-this'})
        error = self.assertRaises(
            sdk.ImagePropertiesPagingError, list, servers)
        self.assertIn('already sent', str(error))
        self.assertIsInstance(error, sdk.ImagePropertiesProtocolError)
        self.assertEqual(1, len(self._detail_requests()))

    def test_cycle_of_two_pages_stops(self):
        ids = [self.cloud.add_server(name='s%d' % i) for i in range(2)]
        hrefs = {
            None: '%s/servers/detail?limit=1&marker=%s'
            % (fakes.COMPUTE_URL, ids[0]),
            ids[0]: '%s/servers/detail?limit=1' % fakes.COMPUTE_URL,
        }

        def next_href(request):
            marker = request.qs.get('marker', [None])[0]
            return hrefs[marker]

        self._serve_pages(next_href)
        servers = sdk.list_image_properties(self.connect(), limit=1)
        self.assertRaises(sdk.ImagePropertiesPagingError, list, servers)
        self.assertEqual(2, len(self._detail_requests()))

    def test_links_that_differ_only_in_decoration_stop(self):
        self.cloud.add_server()
        self._serve_pages(
            lambda request: '%s/servers/detail?n=%d' % (
                fakes.COMPUTE_URL, len(self._detail_requests())))
        servers = sdk.list_image_properties(
            self.connect(), match={'hw_machine_type': 'nothing-has-this'})
        error = self.assertRaises(
            sdk.ImagePropertiesPagingError, list, servers)
        self.assertIn('already sent', str(error))
        self.assertEqual(2, len(self._detail_requests()))

    def test_next_link_to_another_endpoint_is_not_followed(self):
        self.cloud.add_server()
        for href in (
            'http://evil.test/v2.1/servers/detail?marker=x',
            # A host that sorts before the endpoint's.
            'http://attacker.test/v2.1/servers/detail?marker=x',
            'https://compute.test/v2.1/servers/detail?marker=x',
            'http://compute.test:8774/v2.1/servers/detail?marker=x',
            'http://compute.test/identity/v3/servers/detail?marker=x',
            'http://compute.test/v2.10/servers/detail?marker=x',
        ):
            self.mocker.reset_mock()
            self._serve_pages(lambda request, href=href: href)
            servers = sdk.list_image_properties(self.connect())
            error = self.assertRaises(
                sdk.ImagePropertiesPagingError, list, servers)
            self.assertIn('outside its endpoint', str(error))
            self.assertEqual(
                ['compute.test'],
                sorted({r.hostname for r in self._detail_requests()}),
            )
            self.assertEqual(1, len(self._detail_requests()), href)

    def test_hostile_next_link_is_escaped_in_the_message(self):
        self.cloud.add_server()
        self._serve_pages(lambda request: 'http://evil.test/\x1b[31m')
        error = self.assertRaises(
            sdk.ImagePropertiesPagingError, list,
            sdk.list_image_properties(self.connect()))
        self.assertTrue(str(error).isprintable(), repr(str(error)))

    def test_name_lookup_over_a_looping_cloud_stops(self):
        self.cloud.add_server(name='web-1')
        self._serve_pages(lambda request: request.url)
        self.assertRaises(
            sdk.ImagePropertiesPagingError,
            sdk.get_image_properties, self.connect(), 'web')

    def test_plain_paging_still_matches_the_sdk(self):
        ids = [self.cloud.add_server(name='s%d' % i) for i in range(3)]
        conn = self.connect()
        stock = [s.id for s in conn.compute.servers(details=True, limit=2)]
        stock_requests = fakes.compute_requests(self.mocker)
        self.mocker.reset_mock()
        got = [s.id for s, _ in sdk.list_image_properties(conn, limit=2)]
        self.assertEqual(ids, got)
        self.assertEqual(stock, got)
        self.assertEqual(stock_requests, fakes.compute_requests(self.mocker))


    def test_repeated_page_message(self):
        self.cloud.add_server()
        self._serve_pages(lambda request: request.url)
        error = self.assertRaises(
            sdk.ImagePropertiesPagingError, list,
            sdk.list_image_properties(self.connect()))
        self.assertEqual(
            'The compute API sent a next page link to a page it had already '
            'sent (%s/servers/detail); stopped paging.' % fakes.COMPUTE_URL,
            str(error))

    def test_outside_link_message(self):
        self.cloud.add_server()
        self._serve_pages(lambda request: 'http://evil.test/v2.1/x')
        error = self.assertRaises(
            sdk.ImagePropertiesPagingError, list,
            sdk.list_image_properties(self.connect()))
        self.assertEqual(
            'The compute API sent a next page link outside its endpoint '
            '(http://evil.test/v2.1/x); it was not followed.', str(error))

    def _serve_body(self, body):
        self.mocker.get(DETAIL, json=body)
        return self.assertRaises(
            sdk.ImagePropertiesProtocolError, list,
            sdk.list_image_properties(self.connect()))

    def test_server_that_is_not_an_object_with_an_id(self):
        for server in ('abc', {'name': 'no-id'}, {'id': 7}):
            with self.subTest(server=server):
                error = self._serve_body({'servers': [server]})
                self.assertEqual(
                    'The compute API answered GET /servers/detail with a '
                    'server that is not an object with an "id".', str(error))

    def test_next_link_without_a_usable_href(self):
        server = self.cloud.render(self.cloud.add_server(), '2.98')
        for href in (5, '', None, ['x']):
            with self.subTest(href=href):
                error = self._serve_body({
                    'servers': [server],
                    'servers_links': [{'rel': 'next', 'href': href}]})
                self.assertEqual(
                    'The compute API sent a next page link without a valid '
                    '"href".', str(error))

    def test_links_other_than_next_end_the_list(self):
        sid = self.cloud.add_server()
        real = self.cloud._list_servers

        def page(request, context):
            body = real(request, context)
            body['servers_links'] = [
                {'rel': rel, 'href': '%s/servers/detail?marker=%s'
                 % (fakes.COMPUTE_URL, sid)}
                for rel in ('first', 'last', 'bookmark', 'self', 'prev')]
            return body

        self.mocker.get(DETAIL, json=page)
        found = [s.id for s, _ in sdk.list_image_properties(self.connect())]
        self.assertEqual([sid], found)
        self.assertEqual(1, len(self._detail_requests()))

    def test_filters_stay_on_every_page(self):
        for name in ('db-1', 'db-2', 'web-1', 'db-3'):
            self.cloud.add_server(name=name)
        found = [s.name for s, _ in sdk.list_image_properties(
            self.connect(), name='^db', limit=2, all_projects=True)]
        self.assertEqual(['db-1', 'db-2', 'db-3'], found)
        # Filters named before and after "limit".
        self.assertEqual(
            [(['True'], ['^db'])] * 3,
            [(r.qs.get('all_tenants'), r.qs.get('name'))
             for r in self._detail_requests()])


class TestPartialRecords(base.TestCase):

    def test_list_yields_partial_records_with_unknown_properties(self):
        image = self.cloud.add_server(name='img')
        partial = self.cloud.add_partial_server()
        volume = self.cloud.add_server(name='vol', volume_backed=True)
        got = list(sdk.list_image_properties(self.connect()))
        self.assertEqual(
            [(image, fakes.PROPERTIES, False), (partial, None, True),
             (volume, None, False)],
            [(s.id, p, s.is_unreachable) for s, p in got],
        )

    def test_match_skips_partial_records(self):
        self.cloud.add_partial_server()
        image = self.cloud.add_server(name='img')
        for match in ({'hw_machine_type': None}, {'os_distro': 'ubuntu'}):
            got = sdk.list_image_properties(self.connect(), match=match)
            self.assertEqual([image], [s.id for s, _ in got])

    def test_show_and_drift_of_a_partial_record_raise_unreachable(self):
        partial = self.cloud.add_partial_server()
        conn = self.connect()
        for call in (sdk.get_image_properties, sdk.image_properties_drift):
            error = self.assertRaises(
                sdk.ImagePropertiesUnreachable, call, conn, partial)
            self.assertEqual(partial, error.server_id)
        self.assertEqual([], fakes.image_requests(self.mocker))
