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

"""Where the plugin's commands live in OSC, and which runs on a name clash.

A python-openstackclient release that ships a command of the same name as
one of the plugin's puts it in its compute group, ``openstack.compute.v2``.
The release is played by a distribution on ``sys.path`` that declares such
a command, found before the installed packages or after them: the order
in which packages are found is up to the installation (the directory
listing of site-packages, the order of ``sys.path``), and the command that
runs must not depend on it.
"""

import argparse
import importlib.metadata
import json
import os
import sys

from openstackclient import shell as osc_shell
from osc_lib.command import command
import stevedore
from stevedore import _cache as stevedore_cache

from osc_image_props.osc import plugin
from tests.unit import base
from tests.unit import fakes
from tests.unit.osc import distributions

SHOW = ('server', 'image', 'properties', 'show')
# The group of python-openstackclient's own compute commands.
OSC_COMPUTE_GROUP = 'openstack.compute.v2'
RELEASE = 'osc-next-release'
RELEASED = 'the release ran'


class ReleasedCommand(command.Command):
    """The release's command: says that it ran."""

    auth_required = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('words', nargs=argparse.REMAINDER)
        return parser

    def take_action(self, parsed_args):
        self.app.stdout.write(RELEASED + '\n')
        return 0


def _released(first):
    here = '%s:%s' % (__name__, ReleasedCommand.__name__)
    return distributions.Distribution(RELEASE, {
        OSC_COMPUTE_GROUP: {
            '_'.join(SHOW): here,
            # A name only the release has: proves it is installed.
            'server_released_probe': here,
        },
    }, first=first)


class TestSameNameInARelease(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_server(name='web-1')

    def assertPluginRuns(self):
        status, out, err = self.run_cli('server', 'released', 'probe')
        self.assertEqual((0, RELEASED + '\n'), (status, out), err)
        status, out, err = self.run_cli(*SHOW, self.server_id, '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertNotIn(RELEASED, out)
        self.assertEqual(fakes.PROPERTIES, json.loads(out))
        # As documented: nothing says so (osc-lib keeps cliff's log of
        # the clash at ERROR).
        self.assertEqual('', err)

    def test_plugin_runs_when_the_release_is_found_first(self):
        self.useFixture(_released(first=True))
        self.assertPluginRuns()

    def test_plugin_runs_when_the_release_is_found_last(self):
        self.useFixture(_released(first=False))
        self.assertPluginRuns()


class TestCommandGroup(base.TestCase):
    """``openstack command list`` shows the plugin's commands apart."""

    def _groups(self):
        status, out, err = self.run_cli('command', 'list', '-f', 'json')
        self.assertEqual(0, status, err)
        return {row['Command Group']: row['Commands']
                for row in json.loads(out)}

    def test_own_group(self):
        groups = self._groups()
        own = groups['openstack.%s.v%s' % (plugin.API_NAME,
                                           plugin.DEFAULT_API_VERSION)]
        self.assertIn(' '.join(SHOW), own)
        self.assertIn('server vtpm show', own)
        compute = groups[OSC_COMPUTE_GROUP]
        self.assertIn('server show', compute)
        self.assertNotIn(' '.join(SHOW), compute)
        self.assertNotIn('server vtpm show', compute)


class TestPluginModule(base.TestCase):
    """OSC's client for the plugin is OSC's own openstacksdk connection."""

    def test_client(self):
        shell = osc_shell.OpenStackShell()
        server_id = self.cloud.add_server(name='web-1')
        status, out, err = self.run_cli(*SHOW, server_id, shell=shell)
        self.assertEqual(0, status, err)
        manager = shell.client_manager
        self.assertIs(manager.sdk_connection,
                      getattr(manager, plugin.API_NAME))


class TestDistributionFixture(base.TestCase):
    """The stand-in release is found, then leaves nothing behind."""

    def _names(self):
        return stevedore.ExtensionManager(OSC_COMPUTE_GROUP).names()

    def test_installed_then_gone(self):
        path = list(sys.path)
        caches = (stevedore.ExtensionManager.ENTRY_POINT_CACHE,
                  stevedore_cache._c._internal)
        before = [dict(cache) for cache in caches]
        release = _released(first=False)
        with release:
            self.assertEqual(
                '0', importlib.metadata.distribution(RELEASE).version)
            self.assertIn('server_released_probe', self._names())
        self.assertEqual(path, sys.path)
        self.assertNotIn(release.root, sys.path_importer_cache)
        self.assertFalse(os.path.exists(release.root))
        for cache, cached in zip(caches, before):
            self.assertEqual(cached, cache)
        self.assertIs(caches[0], stevedore.ExtensionManager.ENTRY_POINT_CACHE)
        self.assertIs(caches[1], stevedore_cache._c._internal)
        self.assertRaises(importlib.metadata.PackageNotFoundError,
                          importlib.metadata.distribution, RELEASE)
        self.assertNotIn('server_released_probe', self._names())
