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

"""A cloud on a real socket whose compute API drips its answers.

requests-mock answers at once, and a bound on a whole command is about a
socket that keeps answering, one byte at a time, for ever: so this cloud is
a real HTTP server on 127.0.0.1 in a thread. Keystone (its version
documents, token and catalog), the compute API's version document and
Glance answer at once; every request
under ``/servers`` gets an answer that never ends, its status line
included, one byte every :data:`BYTE_EVERY` seconds (well under any
per-read timeout, so only a bound on the whole command ends it).
"""

import http.server
import json
import threading

import fixtures
from keystoneauth1 import fixture as ksa_fixture

from tests.unit import fakes

BYTE_EVERY = 0.05
ANSWER = (b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
          b'Content-Length: 1000000\r\n\r\n{"servers": [' + b' ' * 999985)


class DripCloud(fixtures.Fixture):
    """The server and its URL; ``auth_args`` for ``openstack``."""

    def _setUp(self):
        self.stop = threading.Event()
        self.dripped = []  # the paths that got a drip
        cloud = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _json(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length', 0)))
                if self.path == '/identity/v3/auth/tokens':
                    self._json(201, cloud.token(),
                               [('X-Subject-Token', 'drip-token')])
                else:
                    self._json(404, {})

            def do_GET(self):
                identity = {'id': 'v3.14', 'status': 'stable', 'links': [{
                    'rel': 'self', 'href': cloud.url + '/identity/v3/'}]}
                if self.path.rstrip('/') == '/identity':
                    # Newer clients ask Keystone's versions first.
                    self._json(300, {'versions': {'values': [identity]}})
                elif self.path.rstrip('/') == '/identity/v3':
                    self._json(200, {'version': identity})
                elif self.path.rstrip('/') in ('/compute', '/compute/v2.1'):
                    self._json(200, {'version': cloud.version()})
                elif self.path.rstrip('/') == '/image':
                    self._json(200, {'versions': [{
                        'id': 'v2.16', 'status': 'CURRENT',
                        'links': [{'rel': 'self',
                                   'href': cloud.url + '/image/v2/'}]}]})
                elif self.path.startswith('/image/v2/images'):
                    self._json(200, {'images': []})
                elif self.path.startswith('/compute/v2.1/servers'):
                    cloud.dripped.append(self.path)
                    self._drip()
                else:
                    self._json(404, {})

            def _drip(self):
                for byte in ANSWER:
                    if cloud.stop.wait(BYTE_EVERY):
                        return
                    try:
                        self.connection.sendall(bytes((byte,)))
                    except OSError:  # the client gave up
                        return
                self.close_connection = True

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.server.server_port
        thread = threading.Thread(target=self.server.serve_forever,
                                  kwargs={'poll_interval': 0.05})
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.addCleanup(self.stop.set)

    def token(self):
        token = ksa_fixture.V3Token(
            project_id=fakes.PROJECT_ID, project_name='demo',
            user_id=fakes.USER_ID, user_name='demo')
        token.add_role(name='member')
        for kind, name, path in (('identity', 'keystone', '/identity'),
                                 ('compute', 'nova', '/compute/v2.1'),
                                 ('image', 'glance', '/image')):
            service = token.add_service(kind, name=name)
            service.add_standard_endpoints(public=self.url + path,
                                           region='RegionOne')
        return token

    def version(self):
        return {'id': 'v2.1', 'status': 'CURRENT', 'version': '2.98',
                'min_version': '2.1', 'updated': '2013-07-23T11:33:21Z',
                'links': [{'rel': 'self',
                           'href': self.url + '/compute/v2.1/'}]}

    def auth_args(self):
        args = list(fakes.AUTH_ARGS)
        args[args.index(fakes.AUTH_URL)] = self.url + '/identity/v3'
        return args
