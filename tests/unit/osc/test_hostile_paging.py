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

"""Every command that pages, against clouds whose next links are hostile.

Four clouds: a next link to the page itself, one back to the page seen
two pages before, one to another host (which must never see a request,
let alone the token), and new links every time to the same page of
servers. Each command stops with one line and exit 1 after a bounded
number of pages.
"""

import re
import urllib.parse

from tests.unit import base
from tests.unit import fakes

DETAIL = re.compile(r'^http://compute\.test/v2\.1/servers/detail(\?.*)?$')
ELSEWHERE = re.compile(r'^http://evil\.test/')
# A client without guards would page on forever: past this many pages the
# fake answers 500, so such a client fails the test instead of hanging it.
MAX_PAGES = 12

# Each command, with the words its one-line error carries.
PAGING_COMMANDS = (
    ('server', 'list', '--image-properties'),
    ('server', 'list', '--image-property', 'hw_machine_type'),
    ('server', 'list', '--image-property', 'hw_machine_type=nothing'),
    ('server', 'list', '--long', '--image-properties', 'os_distro'),
    ('server', 'image', 'properties', 'drift'),
    ('server', 'image', 'properties', 'drift', '--exit-code'),
    ('server', 'image', 'properties', 'summary'),
    ('server', 'vtpm', 'list'),
)


class HostilePagesCase(base.TestCase):
    """A compute API that pages one server at a time with chosen links."""

    def setUp(self):
        super().setUp()
        self.ids = [self.cloud.add_server(name='s%d' % i) for i in range(3)]
        self.elsewhere = self.mocker.get(ELSEWHERE, json={'servers': []})

    def serve(self, next_href):
        """Pages of one server; ``next_href(page_number, request)``."""

        def page(request, context):
            version, error = self.cloud._negotiate(request, context)
            if error:
                return error
            if len(self.detail_requests()) > MAX_PAGES:
                context.status_code = 500
                return {'computeFault': {'code': 500,
                                         'message': 'still paging'}}
            query = urllib.parse.parse_qs(request.query)
            number = 0
            if 'marker' in query:
                number = self.ids.index(query['marker'][0]) + 1
            server_id = self.ids[number % len(self.ids)]
            return {
                'servers': [self.cloud.render(server_id, version)],
                'servers_links': [{
                    'rel': 'next', 'href': next_href(number, request),
                }],
            }

        self.mocker.get(DETAIL, json=page)

    def detail_requests(self):
        return [r for r in self.mocker.request_history
                if r.hostname == 'compute.test'
                and r.path.endswith('/servers/detail')]

    def marker_href(self, number):
        return '%s/servers/detail?marker=%s' % (
            fakes.COMPUTE_URL, self.ids[number])

    def self_link(self, number, request):
        return request.url

    def two_pages_back(self, number, request):
        # Page 0 links to 1, 1 to 2, and 2 back to page 0.
        if number < 2:
            return self.marker_href(number)
        return '%s/servers/detail' % fakes.COMPUTE_URL

    def new_link_same_servers(self, number, request):
        # No marker, so the same first server; a new URL every time.
        return '%s/servers/detail?page=%d' % (
            fakes.COMPUTE_URL, len(self.detail_requests()))

    def other_host(self, number, request):
        return 'http://evil.test/v2.1/servers/detail?marker=%s' % (
            self.ids[number])

    def assertStoppedPaging(self, argv, status, out, err, *fragments):
        self.assertOneLineError(status, out, err, *fragments)
        self.assertLessEqual(len(self.detail_requests()), 3, argv)
        self.assertEqual([], self.elsewhere.request_history, argv)


class TestEveryPagingCommand(HostilePagesCase):

    def _each_command(self, next_href):
        self.serve(next_href)
        for argv in PAGING_COMMANDS:
            self.mocker.reset_mock()
            yield argv, self.run_cli(*argv)

    def test_next_link_to_the_page_itself(self):
        for argv, (status, out, err) in self._each_command(self.self_link):
            self.assertStoppedPaging(argv, status, out, err, 'already sent')

    def test_next_link_to_the_page_two_pages_back(self):
        for argv, (status, out, err) in self._each_command(
                self.two_pages_back):
            self.assertStoppedPaging(argv, status, out, err, 'already sent')
            self.assertEqual(3, len(self.detail_requests()), argv)

    def test_new_next_links_to_the_same_servers(self):
        for argv, (status, out, err) in self._each_command(
                self.new_link_same_servers):
            self.assertStoppedPaging(argv, status, out, err, 'already sent')
            self.assertEqual(2, len(self.detail_requests()), argv)

    def test_next_link_to_another_host(self):
        for argv, (status, out, err) in self._each_command(self.other_host):
            self.assertStoppedPaging(
                argv, status, out, err, 'outside its endpoint', 'evil.test')
            self.assertEqual(1, len(self.detail_requests()), argv)

    def test_no_row_is_printed_before_the_error(self):
        for argv, (status, out, _) in self._each_command(self.self_link):
            self.assertEqual(1, status, argv)
            self.assertNotIn(self.ids[0], out, argv)
