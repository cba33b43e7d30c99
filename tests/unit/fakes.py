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

"""A fake cloud at the HTTP boundary, for unit tests.

Keystone, Nova and Glance are answered by requests-mock, so the code under
test runs through the real keystoneauth, openstacksdk, osc-lib and cliff.
The fake compute API honours the microversion header the way Nova does: it
refuses versions above its maximum with 406 and adds ``image.properties``
at 2.98 and later.
"""

import copy
import re
import urllib.parse
import uuid

from keystoneauth1 import fixture as ksa_fixture

AUTH_URL = 'http://keystone.test/v3'
COMPUTE_URL = 'http://compute.test/v2.1'
IMAGE_URL = 'http://image.test'
PROJECT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
USER_ID = 'f1e2d3c4b5a60718293a4b5c6d7e8f90'
IMAGE_ID = '5b5c9a0e-3b6f-4bde-9f0c-1c2d3e4f5a6b'

AUTH_ARGS = [
    '--os-auth-type', 'v3password',
    '--os-auth-url', AUTH_URL,
    '--os-username', 'demo',
    '--os-password', 'secret',
    '--os-project-name', 'demo',
    '--os-user-domain-id', 'default',
    '--os-project-domain-id', 'default',
    '--os-region-name', 'RegionOne',
]

SDK_AUTH = {
    'auth_type': 'v3password',
    'auth': {
        'auth_url': AUTH_URL,
        'username': 'demo',
        'password': 'secret',
        'project_name': 'demo',
        'user_domain_id': 'default',
        'project_domain_id': 'default',
    },
    'region_name': 'RegionOne',
}

PROPERTIES = {
    'hw_machine_type': 'q35',
    'hw_tpm_model': 'tpm-crb',
    'hw_tpm_version': '2.0',
    'os_distro': 'ubuntu',
}

# What the libvirt driver of nova-compute writes into a server's copy for
# the names its image leaves unset (REGISTER_IMAGE_PROPERTY_DEFAULTS), on a
# host with [libvirt]hw_machine_type = x86_64=pc-q35-8.2.
LIBVIRT_RECORDED = {
    'hw_cdrom_bus': 'sata',
    'hw_disk_bus': 'virtio',
    'hw_input_bus': 'usb',
    'hw_machine_type': 'pc-q35-8.2',
    'hw_pointer_model': 'usbtablet',
    'hw_video_model': 'virtio',
    'hw_vif_model': 'virtio',
}

# An image that sets none of those, and the copy a libvirt cloud shows at
# 2.98 for a server booted from it.
PLAIN_PROPERTIES = {
    k: v for k, v in PROPERTIES.items() if k not in LIBVIRT_RECORDED
}
LIBVIRT_COPY = dict(PLAIN_PROPERTIES, **LIBVIRT_RECORDED)

# Values an image owner could set to attack whoever reads them.
HOSTILE = {
    'hw_esc': '\x1b[31mred\x1b[0m\x07',
    'hw_cr': 'ok\rEVIL',
    'hw_newline': 'line1\nline2',
    'hw_bidi': 'abc\u202edcba\u2066x\u2069',
    'hw_c1': 'x\x9b31my',
    'hw_shell': '$(touch /tmp/pwned) `id` "q" \'s\' \\ ;&|<>*?',
    'hw_nul': 'a\x00b',
}


def _version_tuple(text):
    major, minor = text.split('.')
    return int(major), int(minor)


def _requested_microversion(request):
    header = request.headers.get('OpenStack-API-Version', '')
    match = re.match(r'compute\s+(\S+)', header)
    if match:
        return match.group(1)
    return request.headers.get('X-OpenStack-Nova-API-Version', '2.1')


class FakeCloud:
    """Registers Keystone, Nova and Glance on a requests-mock Mocker."""

    def __init__(self, mocker, max_version='2.98'):
        self.mocker = mocker
        self.max_version = max_version
        self.servers = {}  # id -> body as Nova 2.98 would render it
        # id -> what GET /servers/{id} adds to a down cell's partial record
        self.partial_show_members = {}
        self.images = {IMAGE_ID: self.image_body(IMAGE_ID, PROPERTIES)}
        self._register_identity()
        self._register_compute()
        self._register_image()

    # -- servers -------------------------------------------------------
    def add_server(self, name='web-1', properties=None, volume_backed=False,
                   server_id=None, image_id=IMAGE_ID):
        server_id = server_id or str(uuid.uuid4())
        if volume_backed:
            image = ''
        else:
            image = {
                'id': image_id,
                'links': [{
                    'rel': 'bookmark',
                    'href': 'http://compute.test/images/%s' % image_id,
                }],
                'properties': dict(
                    PROPERTIES if properties is None else properties
                ),
            }
        self.servers[server_id] = {
            'id': server_id,
            'name': name,
            'status': 'ACTIVE',
            'tenant_id': PROJECT_ID,
            'user_id': USER_ID,
            'metadata': {},
            'hostId': 'c0ffee',
            'image': image,
            'flavor': {
                'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0,
                'swap': 0, 'original_name': 'm1.tiny', 'extra_specs': {},
            },
            'created': '2026-11-25T09:00:00Z',
            'updated': '2026-11-25T09:00:05Z',
            'addresses': {},
            'accessIPv4': '',
            'accessIPv6': '',
            'links': [{
                'rel': 'self',
                'href': '%s/servers/%s' % (COMPUTE_URL, server_id),
            }],
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

    def add_libvirt_server(self, name='web-1', image_id=IMAGE_ID):
        """A server of a libvirt cloud, booted from a PLAIN_PROPERTIES image.

        The image (made or replaced) sets none of LIBVIRT_RECORDED; the
        server's copy has them, as nova-compute recorded them.
        """
        self.images[image_id] = self.image_body(image_id, PLAIN_PROPERTIES)
        return self.add_server(name, properties=LIBVIRT_COPY,
                               image_id=image_id)

    def add_partial_server(self, server_id=None):
        """A server of a cell Nova cannot reach: the partial record.

        Nova (2.69 and later) lists such a server with only these members
        and status ``UNKNOWN``; there is no ``image`` member. Shown alone
        (``GET /servers/{id}``) it also carries the image reference without
        properties, the flavor and a few more members.
        """
        server_id = server_id or str(uuid.uuid4())
        self.partial_show_members[server_id] = {
            'image': {
                'id': IMAGE_ID,
                'links': [{
                    'rel': 'bookmark',
                    'href': 'http://compute.test/images/%s' % IMAGE_ID,
                }],
            },
            'flavor': {
                'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0,
                'swap': 0, 'original_name': 'm1.tiny', 'extra_specs': {},
            },
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
            'links': [{
                'rel': 'self',
                'href': '%s/servers/%s' % (COMPUTE_URL, server_id),
            }],
        }
        return server_id

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

    def render(self, server_id, version):
        """The server body as Nova renders it at ``version``."""
        body = copy.deepcopy(self.servers[server_id])
        if (
            isinstance(body.get('image'), dict)
            and _version_tuple(version) < (2, 98)
        ):
            del body['image']['properties']
        if 'name' in body and _version_tuple(version) >= (2, 100):
            # Nova 2025.1 (2.100) shows the hints given at boot.
            body['scheduler_hints'] = {}
        return body

    # -- registration --------------------------------------------------
    def _register_identity(self):
        token = ksa_fixture.V3Token(
            project_id=PROJECT_ID, project_name='demo', user_id=USER_ID,
            user_name='demo',
        )
        token.add_role(name='member')
        identity = token.add_service('identity', name='keystone')
        identity.add_standard_endpoints(public=AUTH_URL, region='RegionOne')
        compute = token.add_service('compute', name='nova')
        compute.add_standard_endpoints(public=COMPUTE_URL, region='RegionOne')
        image = token.add_service('image', name='glance')
        image.add_standard_endpoints(public=IMAGE_URL, region='RegionOne')
        self.mocker.post(
            AUTH_URL + '/auth/tokens',
            json=token,
            headers={'X-Subject-Token': 'fake-token'},
            status_code=201,
        )

    def _version_document(self):
        return {
            'id': 'v2.1',
            'status': 'CURRENT',
            'version': self.max_version or '',
            'min_version': '2.1' if self.max_version else '',
            'updated': '2013-07-23T11:33:21Z',
            'links': [{'rel': 'self', 'href': COMPUTE_URL + '/'}],
        }

    def _register_compute(self):
        self.mocker.get(
            re.compile(r'^http://compute\.test/?$'),
            json=lambda r, c: {'versions': [self._version_document()]},
        )
        self.mocker.get(
            re.compile(r'^http://compute\.test/v2\.1/?$'),
            json=lambda r, c: {'version': self._version_document()},
        )
        self.mocker.get(
            re.compile(r'^http://compute\.test/v2\.1/servers/detail(\?.*)?$'),
            json=self._list_servers,
        )
        self.mocker.get(
            re.compile(r'^http://compute\.test/v2\.1/servers/(?!detail)[^/?]+$'),
            json=self._show_server,
        )
        self.mocker.get(
            re.compile(r'^http://compute\.test/v2\.1/flavors/detail'),
            json={'flavors': []},
        )

    def _register_image(self):
        self.mocker.get(
            re.compile(r'^http://image\.test/?$'),
            json={'versions': [{
                'id': 'v2.16', 'status': 'CURRENT',
                'links': [{'rel': 'self', 'href': IMAGE_URL + '/v2/'}],
            }]},
        )
        self.mocker.get(
            re.compile(r'^http://image\.test/v2/images/[^/?]+$'),
            json=self._show_image,
        )
        self.mocker.get(
            re.compile(r'^http://image\.test/v2/images(\?.*)?$'),
            json={'images': [{'id': IMAGE_ID, 'name': 'cirros-like'}]},
        )

    def _show_image(self, request, context):
        image_id = request.path.rsplit('/', 1)[1]
        if image_id not in self.images:
            context.status_code = 404
            return {'message': 'No image found with ID %s' % image_id}
        return self.images[image_id]

    # -- compute handlers ----------------------------------------------
    def _negotiate(self, request, context):
        version = _requested_microversion(request)
        if version == 'latest':
            version = self.max_version
        if not self.max_version or _version_tuple(version) > _version_tuple(
            self.max_version
        ):
            context.status_code = 406
            return None, {
                'computeFault': {
                    'code': 406,
                    # Nova's text, which names its maximum.
                    'message': 'Version %s is not supported by the API. '
                    'Minimum is 2.1 and maximum is %s.'
                    % (version, self.max_version),
                }
            }
        context.headers['OpenStack-API-Version'] = 'compute %s' % version
        return version, None

    def _show_server(self, request, context):
        version, error = self._negotiate(request, context)
        if error:
            return error
        server_id = request.path.rsplit('/', 1)[1]
        if server_id not in self.servers:
            context.status_code = 404
            return {'itemNotFound': {
                'code': 404,
                'message': 'Instance %s could not be found.' % server_id,
            }}
        extra = self.partial_show_members.get(server_id)
        if extra is not None and _version_tuple(version) >= (2, 98):
            # What Nova does: it reads the embedded properties from the
            # cell's database, which it cannot reach.
            context.status_code = 500
            return {'computeFault': {
                'code': 500,
                'message': 'Unexpected API Error. Please report this at '
                           'http://bugs.launchpad.net/nova/ and attach the '
                           'Nova API log if possible.\n<class '
                           "'oslo_db.exception.DBConnectionError'>",
            }}
        body = self.render(server_id, version)
        body.update(copy.deepcopy(extra or {}))
        return {'server': body}

    def _list_servers(self, request, context):
        version, error = self._negotiate(request, context)
        if error:
            return error
        query = urllib.parse.parse_qs(request.query)
        ids = list(self.servers)
        if 'name' in query:
            pattern = re.compile(query['name'][0])
            ids = [i for i in ids if pattern.search(self.servers[i]['name'])]
        if 'marker' in query:
            ids = ids[ids.index(query['marker'][0]) + 1:]
        body = {}
        if 'limit' in query:
            limit = int(query['limit'][0])
            if len(ids) >= limit:  # Nova links on every full page
                body['servers_links'] = [{
                    'rel': 'next',
                    'href': '%s/servers/detail?limit=%d&marker=%s'
                    % (COMPUTE_URL, limit, ids[limit - 1]),
                }]
            ids = ids[:limit]
        body['servers'] = [self.render(i, version) for i in ids]
        return body


def compute_requests(mocker):
    """The compute API requests made, excluding version discovery."""
    return [
        (r.method, r.path + ('?' + r.query if r.query else ''))
        for r in mocker.request_history
        if r.hostname == 'compute.test'
        and not re.match(r'^/(v2\.1/?)?$', r.path)
    ]


def image_requests(mocker):
    return [
        (r.method, r.path)
        for r in mocker.request_history
        if r.hostname == 'image.test' and r.path not in ('', '/')
    ]
