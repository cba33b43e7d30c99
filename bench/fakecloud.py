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

"""A fake cloud on loopback for the fleet benchmark's large tier.

The unit tests' fake cloud (tests/unit/cloud_answers.py, served by
tests/unit/loopback.py) with a fleet: ``SERVERS`` servers of Nova's 2.98
shape in pages of 1000 with next links as Nova sends them, each with 8
embedded properties (``image.properties`` only at 2.98 or later), one
flavor and 5 images; the first image has changed one property since its
servers booted, so ``drift`` has rows to print.

Not a Nova: it serves fixed data as fast as it can, so the figures are
the clients' costs. Runs as ``python3 fakecloud.py SERVERS`` and prints
``PORT`` once it listens; every request is counted by path, see
``GET /_requests`` (and ``DELETE /_requests`` to reset).
"""
import collections
import json
import os
import re
import sys
import threading
import urllib.parse

# Run as a script: the fake cloud's answers are in the repository's tests.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from tests.unit import cloud_answers  # noqa: E402
from tests.unit import loopback  # noqa: E402

PAGE = cloud_answers.MAX_LIMIT
IMAGES = 5
PROPERTIES = {
    'hw_machine_type': 'q35', 'hw_disk_bus': 'virtio',
    'hw_vif_model': 'virtio', 'hw_scsi_model': 'virtio-scsi',
    'hw_rng_model': 'virtio', 'hw_video_model': 'virtio',
    'os_distro': 'ubuntu', 'os_type': 'linux',
}
# What the first image says now: its servers have drifted.
CHANGED = {'hw_machine_type': 'pc'}
image_id = cloud_answers.image_id


def server_id(number):
    return '10000000-0000-4000-8000-%012d' % number


class Fleet(cloud_answers.Cloud):
    """The fake cloud with ``count`` servers; pages are encoded once."""

    def __init__(self, count, roots):
        super().__init__(roots)
        self.requests = collections.Counter()
        self.lock = threading.Lock()
        self._pages = {}
        self.flavors.append(dict(
            cloud_answers.FLAVOR, id='1', name='m1.tiny', links=[],
            **{'os-flavor-access:is_public': True}))
        for number in range(IMAGES):
            self.add_image(image_id(number), dict(
                PROPERTIES, **(CHANGED if number == 0 else {})),
                name='bench-image-%d' % number)
        for number in range(count):
            self.add_server(
                'fleet-%05d' % number, PROPERTIES,
                server_id=server_id(number),
                image_id=image_id(number % IMAGES),
                addresses={'private': [{
                    'version': 4, 'addr': '10.0.%d.%d' % (number // 250,
                                                          number % 250),
                    'OS-EXT-IPS:type': 'fixed',
                    'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01'}]})

    def servers_page(self, members, limit, marker, name):
        key = (members, limit, marker, name)
        with self.lock:
            if key not in self._pages:
                self._pages[key] = json.dumps(super().servers_page(
                    members, limit, marker, name)).encode()
            return self._pages[key]

    def render_pages(self):
        """Every page, before the port is announced: the clients' timings
        must not include the server's first rendering."""
        for version in ('2.1', self.max_version):
            members = cloud_answers.optional_members(version)
            for marker in [None] + list(self.servers)[PAGE - 1::PAGE]:
                self.servers_page(members, PAGE, marker, None)


class Handler(loopback.Handler):

    def do_GET(self):
        if urllib.parse.urlsplit(self.path).path == '/_requests':
            return self.send(cloud_answers.Answer(200, dict(
                self.server.cloud.requests)))
        self._count()
        self.answer()

    def do_POST(self):
        self._count()
        self.answer()

    def do_DELETE(self):
        self.server.cloud.requests.clear()
        self.send(cloud_answers.Answer(204, b''))

    def _count(self):
        path = urllib.parse.urlsplit(self.path).path
        with self.server.cloud.lock:
            self.server.cloud.requests['%s %s' % (self.command, re.sub(
                r'/[0-9a-f-]{36}$', '/{id}', path))] += 1


def main(argv):
    server, base = loopback.server(Handler)
    server.cloud = Fleet(int(argv[0]), loopback.roots(base))
    server.cloud.render_pages()
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main(sys.argv[1:])
