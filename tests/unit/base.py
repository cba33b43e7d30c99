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

"""Test base: the real client stack against :class:`fakes.FakeCloud`."""

import io
import os
import sys

import fixtures
import openstack
from openstackclient.common import clientmanager as osc_clientmanager
from openstackclient import shell as osc_shell
from osc_lib import clientmanager as osc_lib_clientmanager
import requests_mock
import testtools

from tests.unit import fakes


class TestCase(testtools.TestCase):
    max_version = '2.98'

    def setUp(self):
        super().setUp()
        # Only what a test passes may configure the clients.
        for name in list(os.environ):
            if name.startswith('OS_'):
                self.useFixture(fixtures.EnvironmentVariable(name))
        empty = self.useFixture(fixtures.TempDir()).join('clouds.yaml')
        with open(empty, 'w') as f:
            f.write('clouds: {}\n')
        self.useFixture(
            fixtures.EnvironmentVariable('OS_CLIENT_CONFIG_FILE', empty)
        )
        self.mocker = self.useFixture(
            _MockerFixture(case_sensitive=True)
        ).mocker
        self.cloud = fakes.FakeCloud(self.mocker, max_version=self.max_version)

    def connect(self, **config):
        """An openstacksdk Connection to the fake cloud."""
        args = dict(fakes.SDK_AUTH)
        args.update(config)
        return openstack.connection.Connection(**args)

    def run_cli(self, *argv, auth=True, stdout=None, shell=None):
        """Run ``openstack ARGV`` in-process; return (status, out, err).

        :param stdout: the stream to give the command as standard output
            (default: a StringIO, which is not a terminal); ``out`` is then
            its ``getvalue()``, or its binary buffer's.
        :param shell: the ``OpenStackShell`` to run (default: a new one).
        """
        stdout = io.StringIO() if stdout is None else stdout
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        args = (list(fakes.AUTH_ARGS) if auth else []) + list(argv)
        _forget_cached_clients()
        try:
            status = (shell or osc_shell.OpenStackShell()).run(args)
        finally:
            # osc-lib installs a console log handler per run.
            for handler in list(_root_handlers()):
                if getattr(handler, 'stream', None) is stderr:
                    _remove_handler(handler)
        return status, _written(stdout), stderr.getvalue()

    def assertOneLineError(self, status, out, err, *fragments):
        """Exit 1, no traceback, the error as the last line of stderr.

        Lines before it may only be the libraries' own warnings (OSC's
        "version not in supported versions", keystoneauth's retries).
        """
        self.assertEqual(1, status, err)
        self.assertNotIn('Traceback', err)
        lines = [line for line in err.splitlines() if line.strip()]
        self.assertTrue(lines, 'nothing on stderr')
        for earlier in lines[:-1]:
            self.assertRegex(
                earlier, r'not in supported versions|Retrying in', err
            )
        for fragment in fragments:
            self.assertIn(fragment, lines[-1])
        self.assertTrue(lines[-1].isprintable(), repr(lines[-1]))
        return lines[-1]


class _MockerFixture(fixtures.Fixture):
    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def _setUp(self):
        self.mocker = requests_mock.Mocker(**self._kwargs)
        self.mocker.start()
        self.addCleanup(self.mocker.stop)


def _written(stream):
    if hasattr(stream, 'getvalue'):
        return stream.getvalue()
    stream.flush()
    return stream.buffer.getvalue()


def _forget_cached_clients():
    # OSC caches each service client on the ClientManager CLASS (osc-lib's
    # ClientCache descriptor): one per process, which is one per command in
    # real use. Several commands in one test process must not share them.
    for cls in osc_clientmanager.ClientManager.__mro__:
        for value in vars(cls).values():
            if isinstance(value, osc_lib_clientmanager.ClientCache):
                value._handle = None


def _root_handlers():
    import logging
    return logging.getLogger().handlers


def _remove_handler(handler):
    import logging
    logging.getLogger().removeHandler(handler)


__all__ = ['TestCase', 'sys']
