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

"""What the fake cloud answers, whichever transport carries it.

One description of Keystone, Nova and Glance as the clients see them: a
token with its catalog, the version documents, Nova's server bodies at
each microversion (``image.properties`` from 2.98, 406 above the cloud's
maximum), pages with next links as Nova and Glance send them, Glance's
image list (``id=in:``) and show. requests-mock (:mod:`tests.unit.fakes`)
and a loopback HTTP server (:mod:`tests.unit.loopback`) carry it.

Standard library only: the benchmark's fake fleet (``bench/fakecloud.py``)
serves it without the test requirements.
"""

import collections
import copy
import re
import uuid

PROJECT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
USER_ID = 'f1e2d3c4b5a60718293a4b5c6d7e8f90'
IMAGE_ID = '5b5c9a0e-3b6f-4bde-9f0c-1c2d3e4f5a6b'
# Nova's [api]max_limit: a page holds at most this many servers.
MAX_LIMIT = 1000
# Glance's page size when the request names none.
IMAGE_LIMIT = 25
FLAVOR = {'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0, 'swap': 0,
          'original_name': 'm1.tiny', 'extra_specs': {}}

# query: urllib.parse.parse_qs of the query string; headers: any mapping
# with a case-insensitive get().
Request = collections.namedtuple('Request', 'path query headers')
Answer = collections.namedtuple('Answer', 'status body headers',
                                defaults=({},))

# (method, service, path below the service's root, Cloud method).
ROUTES = (
    ('GET', 'identity', r'/?', 'identity_versions'),
    ('GET', 'identity', r'/v3/?', 'identity_version'),
    ('POST', 'identity', r'/v3/auth/tokens', 'issue_token'),
    ('GET', 'compute', r'/?', 'compute_versions'),
    ('GET', 'compute', r'/v2\.1/?', 'compute_version'),
    ('GET', 'compute', r'/v2\.1/servers/detail', 'list_servers'),
    ('GET', 'compute', r'/v2\.1/servers/(?!detail(?:$|\?))[^/?]+',
     'show_server'),
    ('GET', 'compute', r'/v2\.1/flavors/detail', 'list_flavors'),
    ('GET', 'image', r'/?', 'image_versions'),
    ('GET', 'image', r'/v2/images', 'list_images'),
    ('GET', 'image', r'/v2/images/[^/?]+', 'show_image'),
)


def version_tuple(text):
    major, minor = text.split('.')
    return int(major), int(minor)


def requested_microversion(headers):
    header = headers.get('OpenStack-API-Version', '')
    match = re.match(r'compute\s+(\S+)', header, re.I)
    if match:
        return match.group(1)
    return headers.get('X-OpenStack-Nova-API-Version', '2.1')


def optional_members(version):
    """The members a server body has at ``version`` that 2.1's lacks."""
    members = set()
    if version_tuple(version) >= (2, 98):
        members.add('image.properties')
    if version_tuple(version) >= (2, 100):
        # Nova 2025.1 (2.100) shows the hints given at boot.
        members.add('scheduler_hints')
    return frozenset(members)


def image_id(number):
    return '00000000-0000-4000-8000-%012d' % number


def _compute(handler):
    """Negotiates the microversion as Nova does, then answers at it."""

    def answer(cloud, request):
        version, refused = cloud.negotiate(request.headers)
        if refused:
            return refused
        status, body, headers = handler(cloud, request, version)
        headers = dict(headers, **cloud.version_header(version))
        return Answer(status, body, headers)

    return answer


class Cloud:
    """Keystone, Nova and Glance whose services sit at ``roots``.

    ``roots`` maps ``identity``, ``compute`` and ``image`` to the URL of
    the service's root (where its version documents are).
    """

    def __init__(self, roots, max_version='2.98'):
        self.roots = roots
        self.max_version = max_version
        self.min_version = '2.1'
        self.servers = {}  # id -> body as Nova 2.98 would render it
        # id -> what GET /servers/{id} adds to a down cell's partial record
        self.partial_show_members = {}
        self.images = {}
        self.flavors = []
        self._routes = [(method, service, re.compile(pattern), name)
                        for method, service, pattern, name in ROUTES]

    @property
    def compute_url(self):
        return self.roots['compute'] + '/v2.1'

    def route(self, method, service, path):
        """The answering method for ``path`` below a service's root."""
        for known, owner, pattern, name in self._routes:
            if (known, owner) == (method, service) and pattern.fullmatch(
                    path):
                return getattr(self, name)
        return None

    # -- contents --------------------------------------------------------
    def add_server(self, name, properties, volume_backed=False,
                   server_id=None, image_id=IMAGE_ID, addresses=None):
        server_id = server_id or str(uuid.uuid4())
        image = ''
        if not volume_backed:
            image = dict(self._image_ref(image_id),
                         properties=dict(properties))
        self.servers[server_id] = {
            'id': server_id,
            'name': name,
            'status': 'ACTIVE',
            'tenant_id': PROJECT_ID,
            'user_id': USER_ID,
            'metadata': {},
            'hostId': 'c0ffee',
            'image': image,
            'flavor': dict(FLAVOR),
            'created': '2026-11-25T09:00:00Z',
            'updated': '2026-11-25T09:00:05Z',
            'addresses': addresses or {},
            'accessIPv4': '',
            'accessIPv6': '',
            'links': self._server_links(server_id),
            'OS-DCF:diskConfig': 'MANUAL',
            'progress': 0,
            'OS-EXT-AZ:availability_zone': 'nova',
            'config_drive': '',
            'key_name': None,
            'OS-SRV-USG:launched_at': '2026-11-25T09:00:05.000000',
            'OS-SRV-USG:terminated_at': None,
            'security_groups': [{'name': 'default'}],
            'OS-EXT-STS:task_state': None,
            'OS-EXT-STS:vm_state': 'active',
            'OS-EXT-STS:power_state': 1,
            'os-extended-volumes:volumes_attached': [],
            'locked': False,
            'locked_reason': None,
            'description': None,
            'tags': [],
            'trusted_image_certificates': None,
            'server_groups': [],
        }
        return server_id

    def add_partial_server(self, server_id=None):
        """A server of a cell Nova cannot reach: the partial record.

        Nova (2.69 and later) lists such a server with only these members
        and status ``UNKNOWN``; there is no ``image`` member. Shown alone
        (``GET /servers/{id}``) it also carries the image reference without
        properties, the flavor and a few more members.
        """
        server_id = server_id or str(uuid.uuid4())
        self.partial_show_members[server_id] = {
            'image': self._image_ref(IMAGE_ID),
            'flavor': dict(FLAVOR),
            'user_id': USER_ID,
            'OS-EXT-AZ:availability_zone': 'UNKNOWN',
            'OS-EXT-STS:power_state': 0,
            'server_groups': [],
        }
        self.servers[server_id] = {
            'id': server_id,
            'status': 'UNKNOWN',
            'tenant_id': PROJECT_ID,
            'created': '2026-11-25T09:00:00Z',
            'links': self._server_links(server_id),
        }
        return server_id

    def add_image(self, image_id, properties, **fields):
        self.images[image_id] = self.image_body(image_id, properties)
        self.images[image_id].update(fields)
        return image_id

    @staticmethod
    def image_body(image_id, properties, name='cirros-like'):
        """A Glance v2 image: base fields and properties side by side."""
        body = {
            'id': image_id, 'name': name, 'status': 'active',
            'visibility': 'public', 'disk_format': 'qcow2',
            'container_format': 'bare', 'min_ram': 0, 'min_disk': 0,
            'size': 4096, 'protected': False, 'os_hidden': False,
            'owner': PROJECT_ID, 'tags': [],
            'owner_specified.note': 'custom, never drift',
            'self': '/v2/images/%s' % image_id,
            'file': '/v2/images/%s/file' % image_id,
            'schema': '/v2/schemas/image',
        }
        body.update(properties)
        return body

    def _image_ref(self, image_id):
        return {'id': image_id, 'links': [{
            'rel': 'bookmark',
            'href': '%s/images/%s' % (self.roots['compute'], image_id),
        }]}

    def _server_links(self, server_id):
        return [{'rel': 'self',
                 'href': '%s/servers/%s' % (self.compute_url, server_id)}]

    # -- rendering -------------------------------------------------------
    def render(self, server_id, version):
        """The server body as Nova renders it at ``version``."""
        return self._render(server_id, optional_members(version))

    def _render(self, server_id, members):
        body = copy.deepcopy(self.servers[server_id])
        if (isinstance(body.get('image'), dict)
                and 'image.properties' not in members):
            del body['image']['properties']
        if 'name' in body and 'scheduler_hints' in members:
            body['scheduler_hints'] = {}
        return body

    def servers_page(self, members, limit, marker, name):
        """``GET /servers/detail``'s body; Nova links every full page."""
        ids = list(self.servers)
        if name is not None:
            pattern = re.compile(name)
            ids = [i for i in ids
                   if pattern.search(self.servers[i].get('name', ''))]
        if marker is not None:
            ids = ids[ids.index(marker) + 1:]
        body = {}
        if len(ids) >= limit:
            body['servers_links'] = [{
                'rel': 'next',
                'href': '%s/servers/detail?limit=%d&marker=%s'
                % (self.compute_url, limit, ids[limit - 1]),
            }]
        body['servers'] = [self._render(i, members) for i in ids[:limit]]
        return body

    # -- Keystone --------------------------------------------------------
    def _identity_document(self):
        return {'id': 'v3.14', 'status': 'stable', 'links': [{
            'rel': 'self', 'href': self.roots['identity'] + '/v3/'}]}

    def identity_versions(self, request):
        return Answer(300, {'versions': {
            'values': [self._identity_document()]}})

    def identity_version(self, request):
        return Answer(200, {'version': self._identity_document()})

    def issue_token(self, request):
        return Answer(201, self.token(), {'X-Subject-Token': 'fake-token'})

    def token(self):
        def service(kind, name, url):
            return {'type': kind, 'name': name, 'id': name, 'endpoints': [{
                'id': name + '-public', 'interface': 'public',
                'region': 'RegionOne', 'region_id': 'RegionOne',
                'url': url}]}

        domain = {'id': 'default', 'name': 'Default'}
        return {'token': {
            'methods': ['password'],
            'expires_at': '2099-01-01T00:00:00.000000Z',
            'issued_at': '2026-11-25T09:00:00.000000Z',
            'audit_ids': ['fake-audit'],
            'user': {'id': USER_ID, 'name': 'demo', 'domain': domain},
            'project': {'id': PROJECT_ID, 'name': 'demo', 'domain': domain},
            'roles': [{'id': 'r1', 'name': 'member'},
                      {'id': 'r2', 'name': 'reader'}],
            'catalog': [
                service('identity', 'keystone',
                        self.roots['identity'] + '/v3'),
                service('compute', 'nova', self.compute_url),
                service('image', 'glance', self.roots['image']),
            ],
        }}

    # -- Nova ------------------------------------------------------------
    def version_document(self):
        return {
            'id': 'v2.1',
            'status': 'CURRENT',
            'version': self.max_version or '',
            'min_version': self.min_version if self.max_version else '',
            'updated': '2013-07-23T11:33:21Z',
            'links': [{'rel': 'self', 'href': self.compute_url + '/'}],
        }

    def compute_versions(self, request):
        return Answer(200, {'versions': [self.version_document()]})

    def compute_version(self, request):
        return Answer(200, {'version': self.version_document()})

    def negotiate(self, headers):
        """(version, None), or (None, Nova's 406) above the maximum."""
        version = requested_microversion(headers)
        if version == 'latest':
            version = self.max_version
        if not self.max_version or not (
                version_tuple(self.min_version) <= version_tuple(version)
                <= version_tuple(self.max_version)):
            return None, Answer(406, {'computeFault': {
                'code': 406,
                # Nova's text, which names its minimum and maximum.
                'message': 'Version %s is not supported by the API. '
                'Minimum is %s and maximum is %s.'
                % (version, self.min_version, self.max_version),
            }})
        return version, None

    @staticmethod
    def version_header(version):
        return {'OpenStack-API-Version': 'compute %s' % version}

    @_compute
    def show_server(self, request, version):
        server_id = request.path.rsplit('/', 1)[1]
        if server_id not in self.servers:
            return Answer(404, {'itemNotFound': {
                'code': 404,
                'message': 'Instance %s could not be found.' % server_id,
            }})
        extra = self.partial_show_members.get(server_id)
        if extra is not None and 'image.properties' in optional_members(
                version):
            # What Nova does: it reads the embedded properties from the
            # cell's database, which it cannot reach.
            return Answer(500, {'computeFault': {
                'code': 500,
                'message': 'Unexpected API Error. Please report this at '
                           'http://bugs.launchpad.net/nova/ and attach the '
                           'Nova API log if possible.\n<class '
                           "'oslo_db.exception.DBConnectionError'>",
            }})
        body = self.render(server_id, version)
        body.update(copy.deepcopy(extra or {}))
        return Answer(200, {'server': body})

    @_compute
    def list_servers(self, request, version):
        query = request.query
        limit = min(int(query.get('limit', [MAX_LIMIT])[0]), MAX_LIMIT)
        marker = query.get('marker', [None])[0]
        if marker is not None and marker not in self.servers:
            return Answer(400, {'badRequest': {
                'code': 400, 'message': 'marker [%s] not found' % marker}})
        name = query.get('name', [None])[0]
        return Answer(200, self.servers_page(
            optional_members(version), limit, marker, name))

    @_compute
    def list_flavors(self, request, version):
        return Answer(200, {'flavors': self.flavors})

    # -- Glance ----------------------------------------------------------
    def image_versions(self, request):
        return Answer(200, {'versions': [{
            'id': 'v2.16', 'status': 'CURRENT',
            'links': [{'rel': 'self',
                       'href': self.roots['image'] + '/v2/'}]}]})

    def show_image(self, request):
        image_id = request.path.rsplit('/', 1)[1]
        if image_id not in self.images:
            return Answer(404, {
                'message': 'No image found with ID %s' % image_id})
        return Answer(200, self.images[image_id])

    def list_images(self, request):
        """Glance's list: no hidden image, ``limit`` a page, next links
        on every full page with the filters kept."""
        query = request.query
        images = [i for i in self.images.values() if not i.get('os_hidden')]
        kept = ''
        if 'id' in query:
            value = query['id'][0]
            wanted = value[3:].split(',') if value.startswith('in:') else [
                value]
            images = [i for i in images if i['id'] in wanted]
            kept += '&id=' + value
        if 'name' in query:
            images = [i for i in images if i['name'] == query['name'][0]]
            kept += '&name=' + query['name'][0]
        if 'marker' in query:
            ids = [i['id'] for i in images]
            marker = query['marker'][0]
            images = images[ids.index(marker) + 1:] if marker in ids else []
        body = {'first': '/v2/images', 'schema': '/v2/schemas/images'}
        limit = int(query.get('limit', [IMAGE_LIMIT])[0])
        if len(images) >= limit:
            body['next'] = '/v2/images?marker=%s&limit=%d%s' % (
                images[limit - 1]['id'], limit, kept)
        body['images'] = images[:limit]
        return Answer(200, body)
