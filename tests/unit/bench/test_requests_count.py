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

"""Requests per command, from keystoneauth's ``REQ: curl`` debug lines."""
import os
import stat
import sys

import fixtures
import testtools

from bench import requests_count as rc

# Ports as the devcloud's ports.json gives them (port -> service).
PORTS = {5000: 'keystone', 8774: 'nova-api', 9292: 'glance',
         8778: 'placement'}
TOKEN = '-H "X-Auth-Token: {SHA256}0123abcd"'
DEBUG = '\n'.join([
    'Using auth plugin: password',
    'REQ: curl -g -i -X GET http://127.0.0.1:5000/v3 '
    '-H "Accept: application/json"',
    'RESP: [200] Content-Type: application/json',
    'REQ: curl -g -i -X GET http://127.0.0.1:8774/v2.1/ ' + TOKEN,
    '  REQ: curl -g -i -X GET http://127.0.0.1:8774/v2.1/servers/'
    'abc ' + TOKEN,
    'REQ: curl -g -i --insecure -X GET '
    '"http://127.0.0.1:9292/v2/images?id=in%3Aa%2Cb" ' + TOKEN,
    'REQ: curl -g -i --cacert "/etc/ssl/ca.pem" -X GET '
    'http://127.0.0.1:9292/ ' + TOKEN,
    "REQ: curl -g -i -X POST http://127.0.0.1:9999/x -d '{}'",
    'RESP BODY: {"servers": []}',
])


class TestParse(testtools.TestCase):

    def test_every_request_in_order_with_service_and_role(self):
        found = rc.parse(DEBUG, PORTS)
        self.assertEqual([
            ('GET', 'identity', 'auth', '/v3'),
            ('GET', 'compute', 'discovery', '/v2.1/'),
            ('GET', 'compute', 'api', '/v2.1/servers/abc'),
            ('GET', 'image', 'api', '/v2/images?id=in%3Aa%2Cb'),
            ('GET', 'image', 'discovery', '/'),
            ('POST', 'other', 'api', '/x'),
        ], [(r['method'], r['service'], r['role'], r['path'])
            for r in found])

    def test_the_url_loses_its_quotes(self):
        found = rc.parse(DEBUG, PORTS)
        self.assertEqual('http://127.0.0.1:9292/v2/images?id=in%3Aa%2Cb',
                         found[3]['url'])

    def test_only_a_bare_version_path_is_discovery(self):
        lines = '\n'.join(
            'REQ: curl -g -i -X %s http://127.0.0.1:8774%s' % (m, p)
            for m, p in (('GET', ''), ('GET', '/v2.1'), ('GET', '/v2'),
                         ('GET', '/v2.1/flavors'), ('POST', '/v2.1/')))
        self.assertEqual(
            ['discovery', 'discovery', 'discovery', 'api', 'api'],
            [r['role'] for r in rc.parse(lines, PORTS)])

    def test_text_without_requests(self):
        self.assertEqual([], rc.parse('RESP: [200]\nREQ: nothing\n', PORTS))


class TestCounts(testtools.TestCase):

    def test_summary_counts_roles_and_api_services(self):
        self.assertEqual(
            {'total': 6, 'auth': 1, 'discovery': 2, 'compute': 1,
             'image': 1, 'other': 1},
            rc.summary(rc.parse(DEBUG, PORTS)))

    def test_signature_ignores_when_discovery_happens(self):
        reqs = rc.parse(DEBUG, PORTS)
        moved = [reqs[1]] + reqs[:1] + reqs[2:]
        self.assertEqual(rc.signature(reqs), rc.signature(moved))
        self.assertFalse(rc.same_order(reqs, moved))

    def test_signature_sees_the_order_of_api_requests(self):
        reqs = rc.parse(DEBUG, PORTS)
        swapped = reqs[:2] + [reqs[3], reqs[2]] + reqs[4:]
        self.assertNotEqual(rc.signature(reqs), rc.signature(swapped))
        self.assertNotEqual(rc.signature(reqs), rc.signature(reqs[:-1]))

    def test_render(self):
        self.assertEqual(
            ['GET  compute   api       /v2.1/servers/abc'],
            rc.render(rc.parse(DEBUG, PORTS)[2:3]))


class TestRecord(testtools.TestCase):
    """record() runs ``openstack --debug``: here a script that logs."""

    def openstack(self, code, status=0):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'openstack')
        with open(path, 'w') as dst:
            dst.write('#!%s\nimport sys\n%s\n' % (sys.executable, code))
        os.chmod(path, stat.S_IRWXU)
        return path

    def test_the_requests_of_stdout_and_stderr(self):
        openstack = self.openstack(
            'assert sys.argv[1:] == ["--debug", "server", "list"]\n'
            'print("REQ: curl -g -i -X GET http://h:8774/v2.1/servers")\n'
            'print("REQ: curl -g -i -X GET http://h:9292/v2/images",'
            ' file=sys.stderr)')
        reqs = rc.record(openstack, ('server', 'list'), os.environ, PORTS)
        self.assertEqual(['/v2.1/servers', '/v2/images'],
                         [r['path'] for r in reqs])

    def test_a_failing_command_gives_its_last_line(self):
        openstack = self.openstack(
            'print("REQ: curl -g -i -X GET http://h:8774/", file=sys.stderr)'
            '\nsys.exit("No server with a name or ID of x exists.")')
        exc = self.assertRaises(RuntimeError, rc.record, openstack,
                                ['server', 'show', 'x'], os.environ, PORTS)
        self.assertIn('openstack server show x failed', str(exc))
        self.assertIn('No server with a name or ID of x exists.', str(exc))
        self.assertNotIn('REQ', str(exc))
