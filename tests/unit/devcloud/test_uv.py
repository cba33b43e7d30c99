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

"""How tox environments and devcloud venvs are installed into."""
import os
from unittest import mock

import testtools

from devcloud import uv

# The checkout these tests are in, where tools/run-tests makes .venv-tools.
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


class TestInstallCommand(testtools.TestCase):

    def test_uv_installs_into_the_given_venv(self):
        with mock.patch.object(uv, 'binary', return_value='/x/uv'):
            self.assertEqual(
                ['/x/uv', 'pip', 'install', '--python', '/venv/bin/python'],
                uv.install_command('/venv/bin/python', environ={}))

    def test_a_cold_pip_cache_makes_a_cold_uv_cache(self):
        with mock.patch.object(uv, 'binary', return_value='/x/uv'):
            argv = uv.install_command(
                '/venv/bin/python', environ={'PIP_CACHE_DIR': '/tmp/c'})
            self.assertEqual(['--cache-dir', '/tmp/c/uv'], argv[-2:])
            # uv's own setting wins.
            argv = uv.install_command('/venv/bin/python', environ={
                'PIP_CACHE_DIR': '/tmp/c', 'UV_CACHE_DIR': '/tmp/u'})
            self.assertNotIn('--cache-dir', argv)

    def test_pip_without_uv(self):
        with mock.patch.object(uv, 'binary', return_value=None):
            self.assertEqual(
                ['/venv/bin/python', '-m', 'pip', 'install'],
                uv.install_command('/venv/bin/python',
                                   environ={'PIP_CACHE_DIR': '/tmp/c'}))

    def test_the_project_tool_venv_first(self):
        with mock.patch('os.access', return_value=True):
            self.assertEqual(os.path.join(REPO_ROOT, '.venv-tools', 'bin',
                                          'uv'), uv.binary())
        with mock.patch('os.access', return_value=False), \
                mock.patch('shutil.which', return_value='/usr/bin/uv'):
            self.assertEqual('/usr/bin/uv', uv.binary())
