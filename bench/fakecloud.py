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

Keystone, Nova (max microversion 2.98) and Glance answer just enough for
``openstack server list`` and the fleet commands over many servers: a
token with a catalog, version documents, ``GET /servers/detail`` in pages
of 1000 with next links as Nova sends them, flavors, and Glance's image
list (with ``id=in:``) and image show. Server bodies are Nova's 2.98
shape, with ``image.properties`` only at 2.98 or later; each server has
8 embedded properties; one of the images has changed one property since
its servers booted, so ``drift`` has rows to print.

Not a Nova: it serves fixed data as fast as it can, so the figures are
the clients' costs. Runs as ``python3 fakecloud.py SERVERS`` and prints
``PORT`` once it listens; every request is counted by path, see
``GET /_requests`` (and ``DELETE /_requests`` to reset).
"""
import collections
import http.server
import json
import re
import sys
import threading
import urllib.parse

PAGE = 1000
IMAGES = 5
PROJECT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
USER = 'f1e2d3c4b5a60718293a4b5c6d7e8f90'
FLAVOR = {'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0, 'swap': 0,
          'original_name': 'm1.tiny', 'extra_specs': {}}
PROPERTIES = {
    'hw_machine_type': 'q35', 'hw_disk_bus': 'virtio',
    'hw_vif_model': 'virtio', 'hw_scsi_model': 'virtio-scsi',
    'hw_rng_model': 'virtio', 'hw_video_model': 'virtio',
    'os_distro': 'ubuntu', 'os_type': 'linux',
}
# What the first image says now: its servers have drifted.
CHANGED = {'hw_machine_type': 'pc'}
_MICROVERSION = re.compile(r'compute\s+(\S+)', re.I)


def image_id(number):
    return '00000000-0000-4000-8000-%012d' % number


def server_id(number):
    return '10000000-0000-4000-8000-%012d' % number


def _version(text):
    major, minor = text.split('.')
    return int(major), int(minor)


class Cloud:
    def __init__(self, count):
        self.count = count
        self.requests = collections.Counter()
        self.lock = threading.Lock()
        self.base = None
        self._pages = {}

    def image(self, number, base):
        body = {
            'id': image_id(number), 'name': 'bench-image-%d' % number,
            'status': 'active', 'visibility': 'public',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'min_ram': 0, 'min_disk': 0, 'size': 1024, 'protected': False,
            'os_hidden': False, 'owner': PROJECT, 'tags': [],
            'created_at': '2026-11-25T09:00:00Z',
            'updated_at': '2026-11-25T09:00:00Z',
            'self': '/v2/images/%s' % image_id(number),
            'file': '/v2/images/%s/file' % image_id(number),
            'schema': '/v2/schemas/image',
        }
        body.update(PROPERTIES)
        if number == 0:
            body.update(CHANGED)
        return body

    def server(self, number, with_properties):
        sid = server_id(number)
        image = {'id': image_id(number % IMAGES), 'links': [{
            'rel': 'bookmark',
            'href': '%s/compute/images/%s' % (self.base,
                                             image_id(number % IMAGES))}]}
        if with_properties:
            image['properties'] = dict(PROPERTIES)
        return {
            'id': sid, 'name': 'fleet-%05d' % number, 'status': 'ACTIVE',
            'tenant_id': PROJECT, 'user_id': USER, 'metadata': {},
            'hostId': 'c0ffee', 'image': image, 'flavor': FLAVOR,
            'created': '2026-11-25T09:00:00Z',
            'updated': '2026-11-25T09:00:05Z',
            'addresses': {'private': [{
                'version': 4, 'addr': '10.0.%d.%d' % (number // 250,
                                                      number % 250),
                'OS-EXT-IPS:type': 'fixed',
                'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01'}]},
            'accessIPv4': '', 'accessIPv6': '',
            'links': [{'rel': 'self',
                       'href': '%s/compute/v2.1/servers/%s' % (self.base,
                                                               sid)}],
            'OS-DCF:diskConfig': 'MANUAL', 'progress': 0,
            'OS-EXT-AZ:availability_zone': 'nova', 'config_drive': '',
            'key_name': None,
            'OS-SRV-USG:launched_at': '2026-11-25T09:00:05.000000',
            'OS-SRV-USG:terminated_at': None,
            'security_groups': [{'name': 'default'}],
            'OS-EXT-STS:task_state': None, 'OS-EXT-STS:vm_state': 'active',
            'OS-EXT-STS:power_state': 1,
            'os-extended-volumes:volumes_attached': [], 'locked': False,
            'locked_reason': None, 'description': None, 'tags': [],
            'trusted_image_certificates': None, 'server_groups': [],
        }

    def page(self, start, limit, with_properties):
        key = (start, limit, with_properties)
        with self.lock:
            if key not in self._pages:
                numbers = range(start, min(start + limit, self.count))
                body = {'servers': [self.server(n, with_properties)
                                    for n in numbers]}
                if len(numbers) == limit:
                    body['servers_links'] = [{'rel': 'next', 'href': (
                        '%s/compute/v2.1/servers/detail?limit=%d&marker=%s'
                        % (self.base, limit, server_id(start + limit - 1)))}]
                self._pages[key] = json.dumps(body).encode()
            return self._pages[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    cloud = None

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _count(self):
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith('/_'):
            with self.cloud.lock:
                self.cloud.requests['%s %s' % (self.command, re.sub(
                    r'/[0-9a-f-]{36}$', '/{id}', path))] += 1

    def do_DELETE(self):
        self.cloud.requests.clear()
        self._send(204, b'')

    def do_POST(self):
        self._count()
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if self.path.rstrip('/') == '/identity/v3/auth/tokens':
            return self._send(201, self._token(),
                              [('X-Subject-Token', 'fake-token')])
        self._send(404, {'error': 'not found'})

    def do_GET(self):
        self._count()
        split = urllib.parse.urlsplit(self.path)
        path = split.path.rstrip('/')
        query = urllib.parse.parse_qs(split.query)
        base = self.cloud.base
        if path == '/_requests':
            return self._send(200, dict(self.cloud.requests))
        if path in ('/identity', '/identity/v3'):
            return self._send(200, {'version': {
                'id': 'v3.14', 'status': 'stable',
                'links': [{'rel': 'self', 'href': base + '/identity/v3/'}]}})
        if path in ('/compute', '/compute/v2.1'):
            doc = {'id': 'v2.1', 'status': 'CURRENT', 'version': '2.98',
                   'min_version': '2.1', 'updated': '2013-07-23T11:33:21Z',
                   'links': [{'rel': 'self',
                              'href': base + '/compute/v2.1/'}]}
            if path == '/compute':
                return self._send(200, {'versions': [doc]})
            return self._send(200, {'version': doc})
        if path.startswith('/compute/v2.1/'):
            return self._compute(path[len('/compute/v2.1'):], query)
        if path == '/image':
            return self._send(200, {'versions': [{
                'id': 'v2.16', 'status': 'CURRENT',
                'links': [{'rel': 'self', 'href': base + '/image/v2/'}]}]})
        if path.startswith('/image/v2/images'):
            return self._images(path[len('/image/v2/images'):], query)
        self._send(404, {'error': 'not found'})

    def _microversion(self):
        header = self.headers.get('OpenStack-API-Version', '')
        match = _MICROVERSION.match(header)
        version = match.group(1) if match else '2.1'
        return '2.98' if version == 'latest' else version

    def _compute(self, path, query):
        version = self._microversion()
        if _version(version) > (2, 98):
            return self._send(406, {'computeFault': {
                'code': 406, 'message': 'Version %s is not supported by '
                'the API.' % version}})
        headers = [('OpenStack-API-Version', 'compute %s' % version)]
        if path == '/servers/detail':
            limit = min(int(query.get('limit', [PAGE])[0]), PAGE)
            start = 0
            if 'marker' in query:
                start = int(query['marker'][0].rsplit('-', 1)[1]) + 1
            return self._send(200, self.cloud.page(
                start, limit, _version(version) >= (2, 98)), headers)
        if path == '/flavors/detail':
            return self._send(200, {'flavors': [dict(
                FLAVOR, id='1', name='m1.tiny', links=[],
                **{'os-flavor-access:is_public': True})]}, headers)
        self._send(404, {'itemNotFound': {'code': 404,
                                          'message': 'not found'}})

    def _images(self, rest, query):
        base = self.cloud.base
        everything = [self.cloud.image(n, base) for n in range(IMAGES)]
        if rest:
            wanted = rest.lstrip('/')
            for image in everything:
                if image['id'] == wanted:
                    return self._send(200, image)
            return self._send(404, {'message': 'not found'})
        found = everything
        value = query.get('id', [''])[0]
        if value.startswith('in:'):
            ids = value[3:].split(',')
            found = [i for i in found if i['id'] in ids]
        limit = int(query.get('limit', ['25'])[0])
        if 'marker' in query:
            ids = [i['id'] for i in found]
            marker = query['marker'][0]
            found = found[ids.index(marker) + 1:] if marker in ids else []
        body = {'images': found[:limit], 'first': '/v2/images',
                'schema': '/v2/schemas/images'}
        if len(found) > limit:
            body['next'] = '/v2/images?limit=%d&marker=%s' % (
                limit, found[limit - 1]['id'])
        self._send(200, body)

    def _token(self):
        base = self.cloud.base

        def service(kind, name, url):
            return {'type': kind, 'name': name, 'id': name, 'endpoints': [{
                'id': name + '-public', 'interface': 'public',
                'region': 'RegionOne', 'region_id': 'RegionOne',
                'url': url}]}

        return {'token': {
            'methods': ['password'],
            'expires_at': '2099-01-01T00:00:00.000000Z',
            'issued_at': '2026-11-25T09:00:00.000000Z',
            'user': {'id': USER, 'name': 'demo',
                     'domain': {'id': 'default', 'name': 'Default'}},
            'project': {'id': PROJECT, 'name': 'demo',
                        'domain': {'id': 'default', 'name': 'Default'}},
            'roles': [{'id': 'r1', 'name': 'member'},
                      {'id': 'r2', 'name': 'reader'}],
            'catalog': [
                service('identity', 'keystone', base + '/identity/v3'),
                service('compute', 'nova', base + '/compute/v2.1'),
                service('image', 'glance', base + '/image'),
            ],
        }}


def main(argv):
    count = int(argv[0])
    cloud = Cloud(count)
    Handler.cloud = cloud
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    cloud.base = 'http://127.0.0.1:%d' % server.server_port
    # Render every page before the port is announced: the clients'
    # timings must not include the server's first rendering.
    for start in range(0, count + 1, PAGE):
        for props in (True, False):
            cloud.page(start, PAGE, props)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main(sys.argv[1:])
