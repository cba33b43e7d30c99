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

"""The fake cloud's answers on a real socket of 127.0.0.1.

For what requests-mock cannot show: a connection that keeps answering, or
another process as the client. Each service sits below its own path of
one server: ``/identity``, ``/compute`` and ``/image``. Standard library
only (see :mod:`tests.unit.cloud_answers`).
"""

import http.server
import json
import urllib.parse

from tests.unit import cloud_answers

SERVICES = ('identity', 'compute', 'image')


def roots(base):
    """The services' roots below ``base`` (``http://127.0.0.1:PORT``)."""
    return {service: '%s/%s' % (base, service) for service in SERVICES}


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers from ``self.server.cloud``, a :class:`cloud_answers.Cloud`."""

    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.answer()

    def do_POST(self):
        self.answer()

    def answer(self):
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        split = urllib.parse.urlsplit(self.path)
        _, service, rest = (split.path + '/').split('/', 2)
        handler = self.server.cloud.route(self.command, service,
                                          '/' + rest[:-1])
        if handler is None:
            return self.send(cloud_answers.Answer(404, {
                'error': 'not found'}))
        self.send(handler(cloud_answers.Request(
            split.path, urllib.parse.parse_qs(split.query), self.headers)))

    def send(self, answer):
        """Sends ``answer``; a body already encoded is sent as it is."""
        status, body, headers = answer
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def server(handler=Handler):
    """A server on a free port of 127.0.0.1 and its base URL; set its
    ``cloud`` before it serves."""
    answering = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    return answering, 'http://127.0.0.1:%d' % answering.server_port
