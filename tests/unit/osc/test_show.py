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

"""``openstack server image properties show`` through the real OSC stack."""

import json
import os
import re
import subprocess

import requests
import yaml

from tests.unit import base
from tests.unit import fakes
from tests.unit import pins

SHOW = ('server', 'image', 'properties', 'show')


class TestShowOutput(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_server(name='web-1')

    def test_table_sorted_one_row_per_property(self):
        # Nova's order, which the table must not keep: not sorted.
        unsorted = {'os_distro': 'ubuntu', 'hw_tpm_version': '2.0',
                    'architecture': 'x86_64', 'hw_machine_type': 'q35'}
        self.assertNotEqual(sorted(unsorted), list(unsorted))
        server_id = self.cloud.add_server(properties=unsorted)
        status, out, err = self.run_cli(*SHOW, server_id)
        self.assertEqual(0, status, err)
        rows = [
            [cell.strip() for cell in line.strip('|').split('|')]
            for line in out.splitlines() if line.startswith('|')
        ]
        self.assertEqual(['Field', 'Value'], rows[0])
        self.assertEqual(sorted(unsorted.items()),
                         [tuple(r) for r in rows[1:]])

    def test_json(self):
        status, out, err = self.run_cli(*SHOW, self.server_id, '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual(fakes.PROPERTIES, json.loads(out))

    def test_yaml(self):
        status, out, err = self.run_cli(*SHOW, self.server_id, '-f', 'yaml')
        self.assertEqual(0, status, err)
        self.assertEqual(fakes.PROPERTIES, yaml.safe_load(out))

    def test_value(self):
        status, out, err = self.run_cli(
            *SHOW, self.server_id, '-f', 'value', '-c', 'hw_tpm_version'
        )
        self.assertEqual((0, '2.0\n'), (status, out))

    def test_property_option_limits_and_ignores_unknown(self):
        status, out, err = self.run_cli(
            *SHOW, self.server_id, '--property', 'hw_tpm_version',
            '--property', 'os_distro', '--property', 'no_such_key',
            '-f', 'json',
        )
        self.assertEqual(0, status, err)
        self.assertEqual(
            {'hw_tpm_version': '2.0', 'os_distro': 'ubuntu'}, json.loads(out)
        )

    def test_by_name(self):
        status, out, err = self.run_cli(*SHOW, 'web-1', '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual(fakes.PROPERTIES, json.loads(out))

    def test_volume_backed_prints_nothing_and_notes_it(self):
        volume = self.cloud.add_server(name='vol-1', volume_backed=True)
        status, out, err = self.run_cli(*SHOW, volume, '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual({}, json.loads(out))
        self.assertEqual(
            'Server %s was booted from a volume: it has no image '
            'properties.\n' % volume,
            err,
        )
        status, out, err = self.run_cli(*SHOW, volume)
        self.assertEqual((0, ''), (status, out.strip()))


class TestShowCost(base.TestCase):

    def test_one_compute_get_by_id_and_no_glance(self):
        pins.as_2024_2_pins(self)
        server_id = self.cloud.add_server()
        status, out, err = self.run_cli(*SHOW, server_id)
        self.assertEqual(0, status, err)
        # Every request, version discovery of any service included.
        self.assertEqual(
            [('POST', fakes.AUTH_URL + '/auth/tokens'),
             ('GET', '%s/servers/%s' % (fakes.COMPUTE_URL, server_id))],
            [(r.method, r.url) for r in self.mocker.request_history],
        )
        request, = [
            r for r in self.mocker.request_history if '/servers/' in r.path
        ]
        self.assertEqual(
            'compute 2.98', request.headers['OpenStack-API-Version']
        )

    def test_by_name_costs_what_server_show_costs(self):
        pins.as_2024_2_pins(self)
        self.cloud.add_server(name='web-1')
        self.run_cli('server', 'show', 'web-1')
        plain = fakes.compute_requests(self.mocker)
        self.mocker.reset_mock()
        status, out, err = self.run_cli(*SHOW, 'web-1')
        self.assertEqual(0, status, err)
        self.assertEqual(plain, fakes.compute_requests(self.mocker))


class TestShowHostileValues(base.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(__import__('fixtures').TempDir()).path
        self.marker = os.path.join(self.tmp, 'pwned')
        self.hostile = dict(fakes.HOSTILE)
        self.hostile['hw_shell'] = (
            "$(touch %s) `touch %s` \"'$HOME\\ ;&|<>*?" % (
                self.marker, self.marker)
        )
        del self.hostile['hw_nul']  # a shell variable cannot hold NUL
        self.server_id = self.cloud.add_server(properties=self.hostile)

    def test_table_passes_no_control_characters(self):
        status, out, err = self.run_cli(*SHOW, self.server_id)
        self.assertEqual(0, status, err)
        for line in out.splitlines():
            self.assertTrue(line.isprintable(), repr(line))
        self.assertIn('\\x1b[31mred\\x1b[0m\\x07', out)
        self.assertIn('abc\\u202edcba', out)
        self.assertIn('ok\\rEVIL', out)
        self.assertIn('x\\x9b31my', out)

    def test_table_escapes_hostile_names_too(self):
        server_id = self.cloud.add_server(
            properties={'hw_\x1b[2Jname': 'v'}
        )
        status, out, err = self.run_cli(*SHOW, server_id)
        self.assertEqual(0, status, err)
        self.assertIn('hw_\\x1b[2Jname', out)
        self.assertNotIn('\x1b', out)

    def test_json_yaml_csv_round_trip_exactly(self):
        _, out, _ = self.run_cli(*SHOW, self.server_id, '-f', 'json')
        self.assertEqual(self.hostile, json.loads(out))
        _, out, _ = self.run_cli(*SHOW, self.server_id, '-f', 'yaml')
        self.assertEqual(self.hostile, yaml.safe_load(out))

    def test_shell_output_is_safe_to_eval(self):
        status, out, err = self.run_cli(
            *SHOW, self.server_id, '-f', 'shell', '--prefix', 'img_'
        )
        self.assertEqual(0, status, err)
        script = out + ''.join(
            'printf "%%s\\0" "$img_%s"\n' % name
            for name in sorted(self.hostile)
        )
        result = subprocess.run(
            ['bash', '-c', 'eval "$1"', 'bash', script],
            capture_output=True, check=True,
        )
        self.assertFalse(os.path.exists(self.marker))
        values = result.stdout.decode('utf-8').split('\0')[:-1]
        self.assertEqual(
            [self.hostile[n] for n in sorted(self.hostile)], values
        )

    def test_shell_names_are_sanitised(self):
        server_id = self.cloud.add_server(
            properties={'hw_a$(id)': 'v', '0start': 'w'}
        )
        status, out, err = self.run_cli(*SHOW, server_id, '-f', 'shell')
        self.assertEqual(0, status, err)
        self.assertEqual('_0start=w\nhw_a__id_=v\n', out)


class TestShowErrors(base.TestCase):

    def test_unknown_server(self):
        status, out, err = self.run_cli(*SHOW, 'nope')
        self.assertOneLineError(
            status, out, err, "No server with a name or ID of 'nope' exists."
        )

    def test_ambiguous_name(self):
        self.cloud.add_server(name='twin')
        self.cloud.add_server(name='twin')
        status, out, err = self.run_cli(*SHOW, 'twin')
        self.assertOneLineError(
            status, out, err, "More than one server is named 'twin'"
        )

    def test_old_cloud(self):
        self.cloud.max_version = '2.96'
        server_id = self.cloud.add_server()
        status, out, err = self.run_cli(*SHOW, server_id)
        self.assertOneLineError(status, out, err, '2.96', '2.98', 'Nova')
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_explicit_lower_version(self):
        server_id = self.cloud.add_server()
        status, out, err = self.run_cli(
            '--os-compute-api-version', '2.95', *SHOW, server_id
        )
        self.assertOneLineError(
            status, out, err, '2.95', 'explicitly', '2.98'
        )

    def test_explicit_lower_version_from_environment(self):
        server_id = self.cloud.add_server()
        self.useFixture(__import__('fixtures').EnvironmentVariable(
            'OS_COMPUTE_API_VERSION', '2.1'))
        status, out, err = self.run_cli(*SHOW, server_id)
        self.assertOneLineError(status, out, err, '2.1', '2.98')

    def test_wrong_credentials(self):
        self.mocker.post(
            fakes.AUTH_URL + '/auth/tokens', status_code=401,
            json={'error': {'code': 401, 'title': 'Unauthorized',
                            'message': 'The request you have made requires '
                                       'authentication.'}},
        )
        status, out, err = self.run_cli(*SHOW, 'web-1')
        self.assertOneLineError(status, out, err)

    def _fail_server_get(self, **kwargs):
        server_id = self.cloud.add_server()
        self.mocker.get(
            'http://compute.test/v2.1/servers/%s' % server_id, **kwargs
        )
        return self.run_cli(*SHOW, server_id)

    def test_forbidden(self):
        status, out, err = self._fail_server_get(
            status_code=403,
            json={'forbidden': {'code': 403, 'message': 'Policy says no'}},
        )
        self.assertOneLineError(status, out, err)

    def test_server_error_with_hostile_multiline_body(self):
        status, out, err = self._fail_server_get(
            status_code=500, text='boom\n\x1b[2Jmore\nlines',
        )
        line = self.assertOneLineError(status, out, err)
        self.assertNotIn('\x1b', line)

    def test_connection_refused(self):
        status, out, err = self._fail_server_get(
            exc=requests.exceptions.ConnectionError('refused'),
        )
        self.assertOneLineError(status, out, err)

    def test_timeout(self):
        status, out, err = self._fail_server_get(
            exc=requests.exceptions.ConnectTimeout('too slow'),
        )
        self.assertOneLineError(status, out, err)

    def test_malformed_json(self):
        status, out, err = self._fail_server_get(
            text='{"server": ', status_code=200,
            headers={'OpenStack-API-Version': 'compute 2.98'},
        )
        self.assertOneLineError(status, out, err, 'image')

    def test_missing_field_is_protocol_error(self):
        server_id = self.cloud.add_server()
        del self.cloud.servers[server_id]['image']['properties']
        status, out, err = self.run_cli(*SHOW, server_id)
        self.assertOneLineError(
            status, out, err, 'image.properties', server_id
        )

    def test_debug_traceback_names_the_cloud_error_behind_ours(self):
        # --debug prints tracebacks (cliff); the plugin's one-line error
        # keeps the SDK's as its cause, so the cloud's own answer shows.
        status, out, err = self.run_cli('--debug', *SHOW, 'nope')
        self.assertEqual(1, status)
        self.assertRegex(err, re.compile(
            r'^openstack\.exceptions\.NotFoundException: No Server found '
            r'for nope$'
            r'.*^The above exception was the direct cause of the following '
            r'exception:$'
            r".*^osc_lib\.exceptions\.CommandError: No server with a name "
            r"or ID of 'nope' exists\.$", re.DOTALL | re.MULTILINE))


class TestUnreadableMicroversionHeader(base.TestCase):
    """Every command reads a compute answer's microversion headers the same
    way: one it cannot read is a one-line protocol error naming it."""

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_server()

    def answer(self, **headers):
        self.mocker.get(
            'http://compute.test/v2.1/servers/%s' % self.server_id,
            json={'server': self.cloud.render(self.server_id, '2.98')},
            headers=headers,
        )

    def commands(self):
        return (
            SHOW + (self.server_id,),
            ('server', 'vtpm', 'show', self.server_id),
            ('server', 'show', self.server_id, '--image-properties'),
        )

    def test_a_header_a_proxy_repeated_is_read(self):
        self.answer(**{'OpenStack-API-Version': 'compute 2.98, compute 2.98',
                       'X-OpenStack-Nova-API-Version': '2.98, 2.98'})
        for argv in self.commands():
            with self.subTest(argv=argv):
                status, out, err = self.run_cli(*argv)
                self.assertEqual(0, status, err)

    def test_each_command(self):
        for header, value in (
            ('OpenStack-API-Version', 'compute two.ninety-eight'),
            ('OpenStack-API-Version', 'compute 2.98, compute 2.100'),
            ('X-OpenStack-Nova-API-Version', '2.98\x1b[2J'),
        ):
            self.answer(**{header: value})
            for argv in self.commands():
                with self.subTest(header=header, argv=argv):
                    status, out, err = self.run_cli(*argv)
                    line = self.assertOneLineError(
                        status, out, err, 'unreadable %s header' % header)
                    self.assertNotIn('\x1b', line)
