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

"""The local cloud under test (tools/devcloud), for the suites that use one.

The functional and the browser tests bring the cloud up themselves
(``tools/devcloud up`` is idempotent and reuses a running cloud) and never
skip: a cloud that cannot start is an error of every test.
``DEVCLOUD_NOVA`` picks the mode (default ``2024.2``, patched; ``tools/devcloud
modes`` lists them) and ``DEVCLOUD_CELLS`` the number of cells (default 1).
What the tests expect of a mode comes from the table of modes and the seed
facts of devcloud/, the ones the cloud was built from.
"""

import json
import os
import subprocess
import sys
import time
import types
import uuid

import openstack

from devcloud import facts, modes, paths, wait
from devcloud.services import mariadb

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVCLOUD = os.path.join(REPO_ROOT, 'tools', 'devcloud')

MODE = modes.get(os.environ.get('DEVCLOUD_NOVA', modes.DEFAULT))
NOVA_MODE = MODE.name
CELLS = int(os.environ.get('DEVCLOUD_CELLS') or 1)
CLOUD_ARGS = ('--nova', NOVA_MODE, '--cells', str(CELLS))
BOOT_TIMEOUT = 120

_cloud_env = None


def cloud_env():
    """Start (or find) the cloud once per process; return its environment."""
    global _cloud_env
    if _cloud_env is None:
        up = subprocess.run(
            [sys.executable, DEVCLOUD, 'up', *CLOUD_ARGS],
            capture_output=True, text=True,
        )
        if up.returncode != 0:
            raise RuntimeError(
                'tools/devcloud up %s failed (exit %d):\n%s%s'
                % (' '.join(CLOUD_ARGS), up.returncode, up.stdout, up.stderr)
            )
        _cloud_env = devcloud_env()['env']
    return _cloud_env


def devcloud_env():
    """``tools/devcloud env --json`` of the cloud under test."""
    return json.loads(subprocess.run(
        [sys.executable, DEVCLOUD, 'env', '--json', *CLOUD_ARGS],
        capture_output=True, text=True, check=True,
    ).stdout)


def run_devcloud(*args):
    """Output of tools/devcloud ARGS; RuntimeError unless it exits 0."""
    result = subprocess.run(
        [sys.executable, DEVCLOUD] + list(args),
        capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError('tools/devcloud %s exited %d:\n%s%s' % (
            ' '.join(args), result.returncode, result.stdout, result.stderr))
    return result.stdout


def _cloud_config(cloud):
    config = openstack.config.OpenStackConfig(
        config_files=[cloud_env()['OS_CLIENT_CONFIG_FILE']],
    )
    return config.get_one(cloud=cloud)


def connection(cloud='devcloud'):
    """An SDK connection as the user of a clouds.yaml entry
    (``facts.CLOUDS`` names them)."""
    return openstack.connection.Connection(config=_cloud_config(cloud))


def credentials(cloud):
    """(username, password) of a clouds.yaml entry."""
    auth = _cloud_config(cloud).config['auth']
    return auth['username'], auth['password']


def run_sql(statement):
    """Run SQL on the cloud's MariaDB (every service's databases), as
    root."""
    layout = paths.Layout(NOVA_MODE, cells=CELLS)
    cloud = types.SimpleNamespace(layout=layout)
    subprocess.run(
        ['mariadb', '--no-defaults', '--user=root',
         '--socket=' + mariadb.socket_path(cloud), '-e', statement],
        check=True, capture_output=True, text=True,
    )


def seeded_embedded(conn, image=facts.IMAGE):
    """What this mode's Nova embeds for a server of a seeded image."""
    image_id = conn.image.find_image(image, ignore_missing=False).id
    return facts.seeded_embedded(MODE, image_id, image)


def unique_name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


def boot(conn, name, image_name=facts.IMAGE, network=None,
         flavor_name=facts.FLAVOR['name'], **attrs):
    """Boot a server from an image (name or ID) on a flavor (name or ID,
    default the seed flavor), with no network or a port on ``network`` (a
    name); wait for ACTIVE."""
    image = conn.image.find_image(image_name, ignore_missing=False)
    flavor = conn.compute.find_flavor(flavor_name, ignore_missing=False)
    networks = 'none'
    if network:
        found = conn.network.find_network(network, ignore_missing=False)
        networks = [{'uuid': found.id}]
    server = conn.compute.create_server(
        name=name, image_id=image.id, flavor_id=flavor.id, networks=networks,
        **attrs
    )
    return conn.compute.wait_for_server(server, wait=BOOT_TIMEOUT)


def delete(conn, server):
    """Delete a server (a Server or an ID) and wait until it is gone."""
    conn.compute.delete_server(server, ignore_missing=True)
    server_id = getattr(server, 'id', server)
    deadline = time.time() + BOOT_TIMEOUT
    while time.time() < deadline:
        if conn.compute.find_server(server_id) is None:
            return
        time.sleep(1)


# A migration Nova is still working on.
_MIGRATING = ('pre-migrating', 'migrating', 'post-migrating', 'finished',
              'confirming', 'reverting')


def wait_resize_confirmed(admin, server_id):
    """Wait until Nova has confirmed the server's resize.

    The status turns ACTIVE before the source host is done confirming, and
    a request in between (a delete, say) races with it: Nova then confirms
    again and fails. ``admin``: a connection that may list migrations.
    """
    def done():
        migrations = checked(admin.compute.get(
            '/os-migrations?instance_uuid=%s' % server_id,
            microversion='2.59')).json()['migrations']
        return not any(m['status'] in _MIGRATING for m in migrations)

    if not wait.poll(done, BOOT_TIMEOUT, interval=1):
        raise AssertionError('the resize of %s was not confirmed within '
                             '%ds' % (server_id, BOOT_TIMEOUT))


def checked(response):
    """The response of a raw SDK request; AssertionError on an error."""
    if response.status_code >= 400:
        raise AssertionError('%s %s: %s' % (
            response.status_code, response.url, response.text))
    return response


def create_image(conn, name, properties, data=b'functional test image\n'):
    """A tiny raw image in Glance with these properties; its ID."""
    image = checked(conn.image.post('/images', json=dict(
        name=name, visibility='private', **facts.IMAGE_FORMAT, **properties,
    ))).json()
    checked(conn.image.put(
        '/images/%s/file' % image['id'], data=data,
        headers={'Content-Type': 'application/octet-stream'},
    ))
    return image['id']


def set_image_properties(conn, image_id, changes):
    """Add or replace properties of a Glance image."""
    patch = [{'op': 'add', 'path': '/' + name, 'value': value}
             for name, value in changes.items()]
    checked(conn.image.patch(
        '/images/%s' % image_id, json=patch,
        headers={'Content-Type':
                 'application/openstack-images-v2.1-json-patch'},
    ))
