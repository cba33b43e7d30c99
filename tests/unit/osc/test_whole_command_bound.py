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

"""Every command ends within its bound against a cloud that drips.

The compute API of :mod:`tests.unit.drip_cloud` answers one byte at a
time for ever, which restarts any per-read timeout with every byte: each
command must end with one line on stderr and exit status 1 once its bound
on the whole command passes, and leave no bound behind.
"""

import http.server
import json
import threading

import fixtures
import openstack

from osc_image_props import sdk
from osc_image_props.osc import plumbing
from osc_image_props.sdk import compute_api
from tests.unit import base
from tests.unit import drip_cloud
from tests.unit import fakes

SERVER = '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b'
PROPS = ('server', 'image', 'properties')
PLUGIN_COMMANDS = (
    PROPS + ('show', SERVER),
    PROPS + ('diff', SERVER),
    PROPS + ('drift',),
    PROPS + ('summary',),
    ('server', 'vtpm', 'show', SERVER),
    ('server', 'vtpm', 'list'),
)
HOOKED_COMMANDS = (
    ('server', 'list', '--image-properties'),
    ('server', 'list', '--image-property', 'hw_machine_type'),
    ('server', 'show', SERVER, '--image-properties'),
)


class DripTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        # Real sockets: the HTTP boundary is the drip cloud's server.
        self.mocker.stop()
        self.drip = self.useFixture(drip_cloud.DripCloud())

    def run_dripped(self, *argv):
        status, out, err = self.run_cli(*self.drip.auth_args(), *argv,
                                        auth=False)
        self.assertIsNone(compute_api._end(), 'a bound was left behind')
        return status, out, err

    def assertEnded(self, argv, status, out, err, seconds):
        self.assertTrue(self.drip.dripped, (argv, err))
        line = self.assertOneLineError(status, out, err)
        self.assertIn('did not answer within %s s' % seconds, line, argv)
        self.assertIn(plumbing.COMMAND_ENV, line, argv)
        self.assertEqual('', out, argv)


class TestEveryCommandEnds(DripTestCase):

    def test_plugin_commands_with_the_option(self):
        for argv in PLUGIN_COMMANDS:
            del self.drip.dripped[:]
            status, out, err = self.run_dripped(
                *argv, '--command-timeout', '1')
            self.assertEnded(argv, status, out, err, 1)

    def test_every_command_with_the_environment(self):
        self.useFixture(fixtures.EnvironmentVariable(plumbing.COMMAND_ENV,
                                                     '1.5'))
        for argv in PLUGIN_COMMANDS + HOOKED_COMMANDS:
            del self.drip.dripped[:]
            status, out, err = self.run_dripped(*argv)
            self.assertEnded(argv, status, out, err, 1.5)

    def test_the_option_wins_over_the_environment(self):
        self.useFixture(fixtures.EnvironmentVariable(plumbing.COMMAND_ENV,
                                                     '600'))
        status, out, err = self.run_dripped(
            *PROPS, 'drift', '--command-timeout', '1')
        self.assertEnded('drift', status, out, err, 1)


class TestSdkDeadline(DripTestCase):

    def test_every_function_raises_once_the_bound_passes(self):
        conn = openstack.connection.Connection(
            **dict(fakes.SDK_AUTH, auth=dict(
                fakes.SDK_AUTH['auth'],
                auth_url=self.drip.url + '/identity/v3')))
        calls = {
            'get_image_properties': lambda: sdk.get_image_properties(
                conn, SERVER),
            'image_properties_drift': lambda: sdk.image_properties_drift(
                conn, SERVER),
            'list_image_properties': lambda: list(
                sdk.list_image_properties(conn)),
            'fleet_drift': lambda: list(sdk.fleet_drift(conn)),
            'summarize': lambda: sdk.summarize(conn),
            'get_vtpm': lambda: sdk.get_vtpm(conn, SERVER),
            'list_vtpm': lambda: list(sdk.list_vtpm(conn)),
        }
        for name, call in calls.items():
            del self.drip.dripped[:]
            with sdk.deadline(conn, 1):
                error = self.assertRaises(sdk.ImagePropertiesTimeout, call)
            self.assertEqual(1, error.seconds, name)
            self.assertIsInstance(error, sdk.ImagePropertiesError)
            self.assertTrue(self.drip.dripped, name)
            self.assertIsNone(compute_api._end())


class TestAnswersThatCloseTheConnection(base.TestCase):
    """http.client closes a connection once it has read the headers of an
    answer that ends it, and reads the body after that: a bound must not
    cut such a body short (uwsgi ends the connection after a large list
    of servers)."""

    def test_a_large_answer_is_read_whole_within_the_bound(self):
        self.mocker.stop()
        body = b'x' * 200000  # well past the reader's buffer

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.0'  # the server ends the connection

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.send_header('Connection', 'close')
                self.end_headers()
                self.wfile.write(body)

        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        thread = threading.Thread(target=server.serve_forever)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        conn = self.connect()
        url = 'http://127.0.0.1:%d/' % server.server_port
        with sdk.deadline(conn, 30):
            for _ in range(2):
                response = conn.session.session.get(url, timeout=10)
                self.assertEqual(body, response.content)


class TestBoundSettings(base.TestCase):
    """--command-timeout and OS_COMMAND_TIMEOUT on the fake cloud."""

    def test_bad_values_are_one_line_errors(self):
        self.cloud.add_server(name='web-1')
        for value in ('soon', '-1', 'nan', 'inf'):
            status, out, err = self.run_cli(
                *PROPS, 'show', 'web-1', '--command-timeout', value)
            self.assertOneLineError(status, out, err, '--command-timeout')
        self.useFixture(fixtures.EnvironmentVariable(plumbing.COMMAND_ENV,
                                                     'soon'))
        status, out, err = self.run_cli(*PROPS, 'show', 'web-1')
        self.assertOneLineError(status, out, err, plumbing.COMMAND_ENV)

    def test_a_command_within_its_bound_is_unchanged(self):
        self.cloud.add_server(name='web-1')
        for value in ('0', '30'):
            status, out, err = self.run_cli(
                *PROPS, 'show', 'web-1', '--command-timeout', value,
                '-f', 'json')
            self.assertEqual(0, status, err)
            self.assertEqual(fakes.PROPERTIES, json.loads(out))

    def test_sdk_refuses_a_bound_that_is_not_a_number_of_seconds(self):
        conn = self.connect()

        def bounded(seconds):
            with sdk.deadline(conn, seconds):
                pass

        for seconds in (-1, float('nan'), float('inf'), '5'):
            self.assertRaises(ValueError, bounded, seconds)
