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

Keystone, Nova and Glance give the answers of :mod:`tests.unit.cloud_answers`
through requests-mock, so the code under test runs through the real
keystoneauth, openstacksdk, osc-lib and cliff. The fake compute API honours
the microversion header the way Nova does: it refuses versions above its
maximum with 406 and adds ``image.properties`` at 2.98 and later.
"""

import re
import urllib.parse

from tests.unit import cloud_answers

ROOTS = {
    'identity': 'http://keystone.test',
    'compute': 'http://compute.test',
    'image': 'http://image.test',
}
AUTH_URL = ROOTS['identity'] + '/v3'
COMPUTE_URL = ROOTS['compute'] + '/v2.1'
IMAGE_URL = ROOTS['image']
PROJECT_ID = cloud_answers.PROJECT_ID
USER_ID = cloud_answers.USER_ID
IMAGE_ID = cloud_answers.IMAGE_ID

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


def url_pattern(method, name):
    """The URLs of a route of :data:`cloud_answers.ROUTES`, by its name."""
    for known, service, path, answer in cloud_answers.ROUTES:
        if (known, answer) == (method, name):
            return re.compile(
                '^' + re.escape(ROOTS[service]) + path + r'(\?.*)?$')
    raise LookupError(name)


# Tests put their own answers there.
IMAGE_LIST = url_pattern('GET', 'list_images')


class FakeCloud(cloud_answers.Cloud):
    """The fake cloud's answers, registered on a requests-mock Mocker."""

    def __init__(self, mocker, max_version='2.98'):
        super().__init__(ROOTS, max_version)
        self.mocker = mocker
        self.images[IMAGE_ID] = self.image_body(IMAGE_ID, PROPERTIES)
        for method, _service, _path, name in cloud_answers.ROUTES:
            mocker.register_uri(method, url_pattern(method, name),
                                json=self._carry(getattr(self, name)))
        # For tests that wrap the list in answers of their own.
        self._list_servers = self._carry(self.list_servers)

    @staticmethod
    def _carry(answer):
        def callback(request, context):
            status, body, headers = answer(cloud_answers.Request(
                request.path, urllib.parse.parse_qs(request.query),
                request.headers))
            context.status_code = status
            context.headers.update(headers)
            return body

        return callback

    def add_server(self, name='web-1', properties=None, volume_backed=False,
                   server_id=None, image_id=IMAGE_ID):
        return super().add_server(
            name, PROPERTIES if properties is None else properties,
            volume_backed, server_id, image_id)

    def add_libvirt_server(self, name='web-1', image_id=IMAGE_ID):
        """A server of a libvirt cloud, booted from a PLAIN_PROPERTIES image.

        The image (made or replaced) sets none of LIBVIRT_RECORDED; the
        server's copy has them, as nova-compute recorded them.
        """
        self.images[image_id] = self.image_body(image_id, PLAIN_PROPERTIES)
        return self.add_server(name, properties=LIBVIRT_COPY,
                               image_id=image_id)

    def _negotiate(self, request, context):
        """For a test's own compute answer: (version, None) or (None,
        Nova's refusal), with the status and header set on ``context``."""
        version, refused = self.negotiate(request.headers)
        if refused:
            context.status_code = refused.status
            return None, refused.body
        context.headers.update(self.version_header(version))
        return version, None


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
