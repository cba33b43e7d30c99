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
the fake cloud on loopback (:mod:`tests.unit.loopback`) in a thread. Every
request under ``/servers`` gets an answer that never ends, its status line
included, one byte every :data:`BYTE_EVERY` seconds (well under any
per-read timeout, so only a bound on the whole command ends it); the rest
of the fake cloud answers at once.
"""

import threading

import fixtures

from tests.unit import cloud_answers
from tests.unit import fakes
from tests.unit import loopback

BYTE_EVERY = 0.05
ANSWER = (b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
          b'Content-Length: 1000000\r\n\r\n{"servers": [' + b' ' * 999985)
DRIPPING = '/compute/v2.1/servers'


class _DripHandler(loopback.Handler):

    def do_GET(self):
        drip = self.server.drip
        if not self.path.startswith(DRIPPING):
            return self.answer()
        drip.dripped.append(self.path)
        for byte in ANSWER:
            if drip.stop.wait(BYTE_EVERY):
                return
            try:
                self.connection.sendall(bytes((byte,)))
            except OSError:  # the client gave up
                return
        self.close_connection = True


class DripCloud(fixtures.Fixture):
    """The server and its URL; ``auth_args`` for ``openstack``."""

    def _setUp(self):
        self.stop = threading.Event()
        self.dripped = []  # the paths that got a drip
        self.server, self.url = loopback.server(_DripHandler)
        self.server.daemon_threads = True
        self.server.drip = self
        self.server.cloud = cloud_answers.Cloud(loopback.roots(self.url))
        thread = threading.Thread(target=self.server.serve_forever,
                                  kwargs={'poll_interval': 0.05})
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.addCleanup(self.stop.set)

    def auth_args(self):
        args = list(fakes.AUTH_ARGS)
        args[args.index(fakes.AUTH_URL)] = self.url + '/identity/v3'
        return args
