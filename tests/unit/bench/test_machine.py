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

"""Where the bench finds things, and the facts it records of a run."""
import io
import os
import platform
import stat
import sys
from importlib import metadata
from unittest import mock

import fixtures
import testtools

from bench import machine
from bench import paths

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


class TestPaths(testtools.TestCase):
    """Paths the bench hands to other processes name real files."""

    def test_the_repository(self):
        self.assertEqual(REPO_ROOT, paths.REPO)
        self.assertTrue(os.path.isfile(os.path.join(paths.REPO, 'setup.cfg')))

    def test_the_scripts_it_runs(self):
        for path in (paths.DEVCLOUD, paths.FAKECLOUD,
                     paths.probe('nova_sql_probe.py'),
                     paths.probe('sdk_probe.py'),
                     paths.CONSTRAINTS, paths.NEWEST_CONSTRAINTS):
            self.assertTrue(os.path.isfile(path), path)

    def test_its_venvs_stay_under_dot_bench(self):
        self.assertEqual(os.path.join(REPO_ROOT, '.bench', 'venv-plugin'),
                         paths.venv('venv-plugin'))


MEMINFO = 'MemFree:  1000 kB\nMemTotal:        8056828 kB\nSwap: 0 kB\n'


class TestMachine(testtools.TestCase):

    def fake_venv(self):
        """A directory whose bin/python runs this interpreter."""
        venv = self.useFixture(fixtures.TempDir()).path
        os.mkdir(os.path.join(venv, 'bin'))
        python = os.path.join(venv, 'bin', 'python')
        with open(python, 'w') as dst:
            dst.write('#!/bin/sh\nexec %s "$@"\n' % sys.executable)
        os.chmod(python, stat.S_IRWXU)
        return venv

    def test_memory_in_gib_from_meminfo(self):
        with mock.patch('builtins.open',
                        return_value=io.StringIO(MEMINFO)):
            self.assertEqual(7.7, machine._mem_gib())
        with mock.patch('builtins.open',
                        return_value=io.StringIO('MemFree: 1 kB\n')):
            self.assertIsNone(machine._mem_gib())

    def test_versions_in_a_venv(self):
        self.assertEqual(
            {'testtools': metadata.version('testtools'),
             'no-such-distribution': '-'},
            machine._versions(self.fake_venv(),
                              ('testtools', 'no-such-distribution')))

    def test_describe(self):
        client, cloud = self.fake_venv(), self.fake_venv()
        with mock.patch('os.getloadavg', return_value=(1.5, 1.0, 0.5)):
            facts = machine.describe(
                {'plugin': client},
                {'DEVCLOUD_VENV': cloud, 'DEVCLOUD_MODE': 'm'})
        self.assertEqual(os.cpu_count(), facts['nproc'])
        self.assertEqual(platform.python_version(), facts['python'])
        self.assertEqual((1.5, 1.0, 0.5), facts['loadavg_at_start'])
        self.assertEqual(metadata.version('openstacksdk'),
                         facts['client']['openstacksdk'])
        self.assertEqual(set(machine.PACKAGES), set(facts['client']))
        self.assertEqual('m', facts['cloud']['mode'])
        self.assertEqual(metadata.version('keystoneauth1'),
                         facts['client']['keystoneauth1'])
        self.assertEqual('-', facts['cloud']['nova'])
