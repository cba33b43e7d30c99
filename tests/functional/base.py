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

"""Functional tests: the real ``openstack`` CLI against tools/devcloud.

The suite brings the local cloud up itself (``tools/devcloud up`` is
idempotent and reuses a running cloud) and never skips: a cloud that cannot
start is an error of every test. ``DEVCLOUD_NOVA`` picks the mode (default
``2024.2``, patched; ``tools/devcloud modes`` lists them) and
``DEVCLOUD_CELLS`` the number of cells (default 1).  What the tests expect
of a mode comes from the table of modes and the seed facts of
tools/devcloud_lib, the ones the cloud was built from.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import openstack
import testtools

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TOOLS = os.path.join(REPO_ROOT, 'tools')
DEVCLOUD = os.path.join(TOOLS, 'devcloud')
sys.path.insert(0, TOOLS)
from devcloud_lib import facts, modes  # noqa: E402

MODE = modes.get(os.environ.get('DEVCLOUD_NOVA', modes.DEFAULT))
NOVA_MODE = MODE.name
CELLS = int(os.environ.get('DEVCLOUD_CELLS') or 1)
CLOUD_ARGS = ('--nova', NOVA_MODE, '--cells', str(CELLS))
# The standard properties of the image servers boot from.
STANDARD = facts.IMAGES[facts.IMAGE]['standard']
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


class FunctionalTestCase(testtools.TestCase):
    """Runs the ``openstack`` of this virtualenv against the devcloud."""

    def setUp(self):
        super().setUp()
        self.env = dict(os.environ)
        for name in list(self.env):
            if name.startswith('OS_'):
                del self.env[name]
        self.env.update(cloud_env())

    @classmethod
    def connection(cls, cloud='devcloud'):
        config = openstack.config.OpenStackConfig(
            config_files=[cloud_env()['OS_CLIENT_CONFIG_FILE']],
        )
        return openstack.connection.Connection(
            config=config.get_one(cloud=cloud)
        )

    def openstack(self, *args, cloud='devcloud', check=True):
        """Run the real CLI; return (status, stdout, stderr)."""
        executable = shutil.which(
            'openstack', path=os.path.dirname(sys.executable)
        ) or 'openstack'
        result = subprocess.run(
            [executable, '--os-cloud', cloud] + list(args),
            capture_output=True, text=True, env=self.env, timeout=120,
        )
        if check and result.returncode != 0:
            self.fail(
                'openstack %s exited %d:\n%s%s'
                % (' '.join(args), result.returncode, result.stdout,
                   result.stderr)
            )
        return result.returncode, result.stdout, result.stderr

    def openstack_json(self, *args, cloud='devcloud'):
        _, out, _ = self.openstack(*args, '-f', 'json', cloud=cloud)
        return json.loads(out)

    def devcloud(self, *args):
        """Run tools/devcloud ARGS; the test fails unless it exits 0."""
        try:
            return run_devcloud(*args)
        except RuntimeError as exc:
            self.fail(str(exc))

    def assertOneLineError(self, result, *fragments):
        status, out, err = result
        self.assertEqual(1, status, out + err)
        self.assertNotIn('Traceback', err)
        lines = [line for line in err.splitlines() if line.strip()]
        self.assertTrue(lines)
        for fragment in fragments:
            self.assertIn(fragment, lines[-1])
        return lines[-1]


def seeded_embedded(conn, image=facts.IMAGE):
    """What this mode's Nova embeds for a server of a seeded image."""
    image_id = conn.image.find_image(image, ignore_missing=False).id
    return facts.seeded_embedded(MODE, image_id, image)


def unique_name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


def boot(conn, name, image_name=facts.IMAGE, network=None, **attrs):
    """Boot a server from an image, with no network or a port on
    ``network`` (a name); wait for ACTIVE."""
    image = conn.image.find_image(image_name, ignore_missing=False)
    flavor = conn.compute.find_flavor(
        facts.FLAVOR['name'], ignore_missing=False
    )
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
    conn.compute.delete_server(server, ignore_missing=True)
    deadline = time.time() + BOOT_TIMEOUT
    while time.time() < deadline:
        if conn.compute.find_server(server.id) is None:
            return
        time.sleep(1)


def create_image(conn, name, properties):
    """A tiny raw image in Glance with these properties."""
    image = conn.image.post('/images', json=dict(
        name=name, visibility='private', **facts.IMAGE_FORMAT, **properties,
    )).json()
    conn.image.put(
        '/images/%s/file' % image['id'], data=b'functional test image\n',
        headers={'Content-Type': 'application/octet-stream'},
    )
    return image['id']
