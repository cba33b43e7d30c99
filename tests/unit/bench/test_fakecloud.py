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

"""The fake cloud of part fleet10k, over HTTP as the clients see it.

It runs as a script (``python3 bench/fakecloud.py SERVERS``), the way the
benchmark starts it; one process serves the tests of a class.
"""
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import openstack
import testtools

from bench import fakecloud
from bench import paths
from osc_image_props import sdk

SERVERS = 2500  # two full pages of 1000 and one of 500


class FakeCloudTest(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        proc = subprocess.Popen([sys.executable, paths.FAKECLOUD,
                                 str(SERVERS)], stdout=subprocess.PIPE,
                                text=True)
        cls.addClassCleanup(proc.wait)
        cls.addClassCleanup(proc.stdout.close)
        cls.addClassCleanup(proc.terminate)
        cls.base = 'http://127.0.0.1:%d' % int(proc.stdout.readline())

    def setUp(self):
        super().setUp()
        self.call('/_requests', method='DELETE')

    def call(self, path, method='GET', version=None, body=None):
        """(status, headers, decoded JSON body or None)."""
        headers = {'Content-Type': 'application/json'}
        if version:
            headers['OpenStack-API-Version'] = 'compute ' + version
        url = path if path.startswith('http') else self.base + path
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, head, raw = answer.status, answer.headers, \
                    answer.read()
        except urllib.error.HTTPError as error:
            status, head, raw = error.code, error.headers, error.read()
        return status, head, json.loads(raw) if raw else None

    def counted(self):
        return self.call('/_requests')[2]


class TestHTTP(FakeCloudTest):

    def test_a_token_with_a_catalog_of_this_cloud(self):
        status, head, body = self.call(
            '/identity/v3/auth/tokens', 'POST', body={'auth': {}})
        self.assertEqual(201, status)
        self.assertEqual('fake-token', head['X-Subject-Token'])
        urls = {s['type']: s['endpoints'][0]['url']
                for s in body['token']['catalog']}
        self.assertEqual({'identity': self.base + '/identity/v3',
                          'compute': self.base + '/compute/v2.1',
                          'image': self.base + '/image'}, urls)

    def test_compute_offers_2_98_and_refuses_more(self):
        self.assertEqual('2.98', self.call(
            '/compute')[2]['versions'][0]['version'])
        status, head, _body = self.call('/compute/v2.1/flavors/detail',
                                        version='latest')
        self.assertEqual((200, 'compute 2.98'),
                         (status, head['OpenStack-API-Version']))
        status, _head, body = self.call('/compute/v2.1/servers/detail',
                                        version='2.99')
        self.assertEqual(406, status)
        self.assertIn('2.99', body['computeFault']['message'])

    def test_pages_follow_next_links_to_every_server(self):
        url, sizes, ids = '/compute/v2.1/servers/detail', [], []
        while url:
            status, _head, body = self.call(url, version='2.98')
            self.assertEqual(200, status)
            sizes.append(len(body['servers']))
            ids += [s['id'] for s in body['servers']]
            links = body.get('servers_links', [])
            url = links[0]['href'] if links else None
        self.assertEqual([1000, 1000, 500], sizes)
        self.assertEqual(SERVERS, len(set(ids)))
        self.assertEqual(fakecloud.server_id(SERVERS - 1), ids[-1])

    def test_embedded_properties_only_from_2_98(self):
        query = '/compute/v2.1/servers/detail?limit=2'
        new = self.call(query, version='2.98')[2]['servers']
        old = self.call(query, version='2.96')[2]['servers']
        self.assertEqual([fakecloud.PROPERTIES] * 2,
                         [s['image']['properties'] for s in new])
        self.assertEqual([None, None],
                         [s['image'].get('properties') for s in old])
        self.assertEqual(2, len(old))

    def test_a_limit_above_a_page_gets_a_page(self):
        body = self.call('/compute/v2.1/servers/detail?limit=5000',
                         version='2.98')[2]
        self.assertEqual(1000, len(body['servers']))

    def test_images_by_id_and_the_changed_one(self):
        wanted = [fakecloud.image_id(0), fakecloud.image_id(3)]
        body = self.call('/image/v2/images?id=in:' + ','.join(wanted))[2]
        self.assertEqual(wanted, [i['id'] for i in body['images']])
        self.assertEqual('pc', body['images'][0]['hw_machine_type'])
        self.assertEqual('q35', body['images'][1]['hw_machine_type'])
        self.assertEqual(404, self.call('/image/v2/images/nope')[0])

    def test_images_page_with_a_marker(self):
        first = self.call('/image/v2/images?limit=3')[2]
        self.assertEqual(3, len(first['images']))
        rest = self.call('/image' + first['next'])[2]
        self.assertEqual(
            [fakecloud.image_id(n) for n in range(3, fakecloud.IMAGES)],
            [i['id'] for i in rest['images']])
        self.assertNotIn('next', rest)

    def test_requests_are_counted_by_path_until_reset(self):
        self.call('/image/v2/images/' + fakecloud.image_id(1))
        self.call('/image/v2/images/' + fakecloud.image_id(2))
        self.call('/compute/v2.1/servers/detail?limit=1', version='2.98')
        self.assertEqual({'GET /image/v2/images/{id}': 2,
                          'GET /compute/v2.1/servers/detail': 1},
                         self.counted())
        self.call('/_requests', method='DELETE')
        self.assertEqual({}, self.counted())


class TestThroughTheSDK(FakeCloudTest):
    """The plugin's SDK layer lists the whole fleet from the fake."""

    def test_list_image_properties(self):
        conn = openstack.connection.Connection(
            auth_url=self.base + '/identity/v3', username='demo',
            password='secret', project_name='demo',
            user_domain_id='default', project_domain_id='default',
            region_name='RegionOne')
        self.addCleanup(conn.close)
        rows = list(sdk.list_image_properties(conn))
        self.assertEqual(SERVERS, len(rows))
        self.assertEqual(fakecloud.PROPERTIES, rows[-1][1])
        self.assertEqual(3, self.counted()['GET /compute/v2.1/servers/detail'])
