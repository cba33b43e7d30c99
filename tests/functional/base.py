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

The cloud under test, its mode and the resources the tests make on it come
from :mod:`tests.devcloud`.
"""

import json
import os
import shutil
import subprocess
import sys

import testtools

from tests.devcloud import (  # noqa: F401  (the tests' names for them)
    BOOT_TIMEOUT, CELLS, CLOUD_ARGS, MODE, NOVA_MODE, boot, cloud_env,
    connection, create_image, delete, devcloud_env, facts, modes,
    run_devcloud, seeded_embedded, unique_name, wait_resize_confirmed,
)

# The standard properties of the image servers boot from.
STANDARD = facts.IMAGES[facts.IMAGE]['standard']

# ``openstack`` with no command hooks at all: OSC as if the plugin were
# not there (as the unit tests' run_without_plugin).
_WITHOUT_HOOKS = (
    'import sys\n'
    'from cliff import command\n'
    "command.Command._load_hooks = lambda self: setattr(self, '_hooks', [])\n"
    'from openstackclient import shell\n'
    'sys.exit(shell.main(sys.argv[1:]))\n'
)


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
        return connection(cloud)

    def openstack(self, *args, cloud='devcloud', check=True,
                  plugin_hooks=True):
        """Run the real CLI; return (status, stdout, stderr).

        :param plugin_hooks: False runs it without any command hook, as if
            the plugin were not installed (its own commands aside).
        """
        if plugin_hooks:
            command = [shutil.which(
                'openstack', path=os.path.dirname(sys.executable)
            ) or 'openstack']
        else:
            command = [sys.executable, '-c', _WITHOUT_HOOKS]
        result = subprocess.run(
            command + ['--os-cloud', cloud] + list(args),
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

