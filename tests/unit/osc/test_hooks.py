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

"""``--image-properties`` on OSC's own ``server list`` and ``server show``."""

import csv
import io
import json

import fixtures
from openstackclient import shell as osc_shell
import yaml

from tests.unit import base
from tests.unit import fakes


def _no_hooks(self):
    self._hooks = []


class HookTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.web = self.cloud.add_server(name='web-1')
        self.other = self.cloud.add_server(
            name='web-2', properties={'hw_machine_type': 'pc'}
        )
        self.volume = self.cloud.add_server(name='vol-1', volume_backed=True)

    def run_without_plugin(self, *argv):
        """Run with no command hooks at all: OSC as if we were not there."""
        with fixtures.MonkeyPatch(
            'cliff.command.Command._load_hooks', _no_hooks
        ):
            result = self.run_cli(*argv)
        requests = self.all_requests()
        self.mocker.reset_mock()
        return result, requests

    def all_requests(self):
        """Every request but version discovery, which a process caches."""
        return [
            (r.method, r.url) for r in self.mocker.request_history
            if r.path.rstrip('/') not in ('', '/v2.1', '/v3')
        ]

    def server_microversions(self):
        return {
            r.headers.get('OpenStack-API-Version')
            for r in self.mocker.request_history
            if '/servers' in r.path
        }


class TestServerList(HookTestCase):

    def test_absent_option_changes_nothing(self):
        for fmt in ('table', 'json', 'csv'):
            args = ('server', 'list', '-f', fmt)
            baseline, baseline_requests = self.run_without_plugin(*args)
            self.assertEqual(baseline, self.run_cli(*args))
            self.assertEqual(baseline_requests, self.all_requests())
            self.mocker.reset_mock()

    def test_same_requests_as_plain_list(self):
        _, plain = self.run_without_plugin('server', 'list')
        status, out, err = self.run_cli('server', 'list', '--image-properties')
        self.assertEqual(0, status, err)
        self.assertEqual(plain, self.all_requests())
        self.assertEqual({'compute 2.98'}, self.server_microversions())

    def test_json_column_is_an_object(self):
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', '-f', 'json'
        )
        self.assertEqual(0, status, err)
        rows = {r['ID']: r['Image Properties'] for r in json.loads(out)}
        self.assertEqual(
            {
                self.web: fakes.PROPERTIES,
                self.other: {'hw_machine_type': 'pc'},
                self.volume: None,
            },
            rows,
        )

    def test_key_filter(self):
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties',
            'hw_machine_type,os_distro', '-f', 'yaml',
        )
        self.assertEqual(0, status, err)
        rows = {r['ID']: r['Image Properties'] for r in yaml.safe_load(out)}
        self.assertEqual(
            {'hw_machine_type': 'q35', 'os_distro': 'ubuntu'}, rows[self.web]
        )
        self.assertEqual({'hw_machine_type': 'pc'}, rows[self.other])

    def test_table_column(self):
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', 'hw_machine_type',
            '-c', 'Name', '-c', 'Image Properties',
        )
        self.assertEqual(0, status, err)
        self.assertIn("| web-1 | hw_machine_type='q35' |", out)
        self.assertIn("| web-2 | hw_machine_type='pc'  |", out)
        self.assertIn('| vol-1 |                       |', out)

    def test_hostile_values(self):
        hostile = self.cloud.add_server(name='evil',
                                        properties=fakes.HOSTILE)
        status, out, err = self.run_cli('server', 'list',
                                        '--image-properties')
        self.assertEqual(0, status, err)
        for line in out.splitlines():
            self.assertTrue(line.isprintable(), repr(line))
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', '-f', 'json'
        )
        rows = {r['ID']: r['Image Properties'] for r in json.loads(out)}
        self.assertEqual(fakes.HOSTILE, rows[hostile])
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', '-f', 'csv',
            '-c', 'ID', '-c', 'Image Properties',
        )
        self.assertEqual(0, status, err)
        parsed = list(csv.reader(io.StringIO(out), escapechar='\\'))
        self.assertEqual(['ID', 'Image Properties'], parsed[0])
        cells = {row[0]: row[1] for row in parsed[1:]}
        # csv carries the dict's repr, the same as OSC's own dict columns.
        self.assertEqual(repr(fakes.HOSTILE), cells[hostile])

    def test_old_cloud(self):
        self.cloud.max_version = '2.96'
        status, out, err = self.run_cli('server', 'list',
                                        '--image-properties')
        self.assertOneLineError(status, out, err, '2.96', '2.98')
        self.assertEqual('', out)

    def test_old_cloud_without_option_still_lists(self):
        self.cloud.max_version = '2.96'
        status, out, err = self.run_cli('server', 'list')
        self.assertEqual(0, status, err)
        self.assertIn('web-1', out)

    def test_explicit_lower_version(self):
        status, out, err = self.run_cli(
            '--os-compute-api-version', '2.90', 'server', 'list',
            '--image-properties',
        )
        self.assertOneLineError(status, out, err, '2.90', '2.98',
                                'requested explicitly')
        self.assertEqual([], fakes.compute_requests(self.mocker))

    def test_missing_field_fails_before_printing(self):
        del self.cloud.servers[self.other]['image']['properties']
        status, out, err = self.run_cli('server', 'list',
                                        '--image-properties')
        self.assertOneLineError(status, out, err, self.other)
        self.assertEqual('', out)


class TestServerShow(HookTestCase):

    def test_absent_option_changes_nothing(self):
        for fmt in ('table', 'json', 'shell'):
            args = ('server', 'show', self.web, '-f', fmt)
            baseline, baseline_requests = self.run_without_plugin(*args)
            self.assertEqual(baseline, self.run_cli(*args))
            self.assertEqual(baseline_requests, self.all_requests())
            self.mocker.reset_mock()

    def test_same_requests_plus_one_field(self):
        (_, plain_out, _), plain = self.run_without_plugin(
            'server', 'show', self.web, '-f', 'json'
        )
        status, out, err = self.run_cli(
            'server', 'show', self.web, '--image-properties', '-f', 'json'
        )
        self.assertEqual(0, status, err)
        self.assertEqual(plain, self.all_requests())
        self.assertEqual({'compute 2.98'}, self.server_microversions())
        shown = json.loads(out)
        self.assertEqual(fakes.PROPERTIES, shown.pop('image_properties'))
        self.assertEqual(json.loads(plain_out), shown)

    def test_key_filter_with_equals(self):
        status, out, err = self.run_cli(
            'server', 'show', '--image-properties=hw_tpm_version', 'web-1',
            '-f', 'json', '-c', 'image_properties',
        )
        self.assertEqual(0, status, err)
        self.assertEqual(
            {'image_properties': {'hw_tpm_version': '2.0'}}, json.loads(out)
        )

    def test_volume_backed_is_null(self):
        status, out, err = self.run_cli(
            'server', 'show', self.volume, '--image-properties', '-f', 'json'
        )
        self.assertEqual(0, status, err)
        self.assertIsNone(json.loads(out)['image_properties'])

    def test_shell_output_is_quoted(self):
        evil = self.cloud.add_server(
            name='evil', properties={'hw_x': '$(id)`id`"'}
        )
        status, out, err = self.run_cli(
            'server', 'show', evil, '--image-properties', '-f', 'shell',
            '-c', 'image_properties', '-c', 'name',
        )
        self.assertEqual(0, status, err)
        q = "'\"'\"'"  # how shlex.quote writes a single quote
        self.assertEqual(
            "image_properties='{%shw_x%s: %s$(id)`id`\"%s}'\nname=evil\n"
            % (q, q, q, q),
            out,
        )

    def test_diagnostics_conflict(self):
        status, out, err = self.run_cli(
            'server', 'show', self.web, '--diagnostics', '--image-properties'
        )
        self.assertOneLineError(status, out, err, '--diagnostics')

    def test_old_cloud(self):
        self.cloud.max_version = '2.96'
        status, out, err = self.run_cli(
            'server', 'show', self.web, '--image-properties'
        )
        self.assertOneLineError(status, out, err, '2.96', '2.98')


class TestServerListFilter(HookTestCase):

    def _ids(self, *options):
        status, out, err = self.run_cli(
            'server', 'list', *options, '-f', 'json')
        self.assertEqual(0, status, err)
        return {row['ID'] for row in json.loads(out)}, json.loads(out)

    def test_value_filter(self):
        ids, rows = self._ids('--image-property', 'hw_machine_type=pc')
        self.assertEqual({self.other}, ids)
        self.assertNotIn('Image Properties', rows[0])

    def test_presence_filter_and_and(self):
        ids, _ = self._ids('--image-property', 'hw_tpm_version')
        self.assertEqual({self.web}, ids)
        ids, _ = self._ids('--image-property', 'hw_tpm_version',
                           '--image-property', 'hw_machine_type=pc')
        self.assertEqual(set(), ids)

    def test_filter_with_column(self):
        ids, rows = self._ids('--image-property', 'hw_machine_type',
                              '--image-properties', 'hw_machine_type')
        self.assertEqual({self.web, self.other}, ids)
        self.assertEqual(
            {self.web: {'hw_machine_type': 'q35'},
             self.other: {'hw_machine_type': 'pc'}},
            {r['ID']: r['Image Properties'] for r in rows})

    def test_same_requests_as_plain_list(self):
        _, plain = self.run_without_plugin(
            'server', 'list', '--all-projects')
        status, out, err = self.run_cli(
            'server', 'list', '--all-projects',
            '--image-property', 'os_distro=ubuntu')
        self.assertEqual(0, status, err)
        self.assertEqual(plain, self.all_requests())
        self.assertIn('all_tenants=True', plain[0][1] + plain[1][1])

    def test_bad_condition(self):
        status, out, err = self.run_cli(
            'server', 'list', '--image-property', '=pc')
        self.assertOneLineError(status, out, err, 'property name')
        self.assertEqual([], fakes.compute_requests(self.mocker))


def _with_own_option(command_class, *option_strings):
    """A stand-in for a future OSC whose command defines our options."""
    real_get_parser = command_class.get_parser
    real_take_action = command_class.take_action
    seen = []

    def get_parser(self, prog_name):
        parser = real_get_parser(self, prog_name)
        for option in option_strings:
            parser.add_argument(option, action='store_true',
                                dest='stock' + option.replace('-', '_'))
        return parser

    def take_action(self, parsed_args):
        seen.append({o: getattr(parsed_args, 'stock' + o.replace('-', '_'))
                     for o in option_strings})
        return real_take_action(self, parsed_args)

    return seen, (
        fixtures.MonkeyPatch(
            '%s.%s.get_parser' % (command_class.__module__,
                                  command_class.__name__), get_parser),
        fixtures.MonkeyPatch(
            '%s.%s.take_action' % (command_class.__module__,
                                   command_class.__name__), take_action),
    )


class TestOptionClash(HookTestCase):
    """OSC defines one of the plugin's options: the plugin steps aside."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.osc.hooks._WARNED', set()))

    def stand_in(self, command_class, *option_strings):
        seen, patches = _with_own_option(command_class, *option_strings)
        for patch in patches:
            self.useFixture(patch)
        return seen

    def assertWarnedOnce(self, errs, *fragments):
        warned = [line for err in errs for line in err.splitlines()
                  if 'osc-image-props' in line]
        self.assertEqual(1, len(warned), errs)
        for fragment in fragments:
            self.assertIn(fragment, warned[0])
        self.assertTrue(warned[0].isprintable(), warned[0])

    def test_show_with_its_own_image_properties(self):
        from openstackclient.compute.v2 import server as osc_server
        args = ('server', 'show', self.web, '-f', 'json')
        (_, stock_out, _), stock = self.run_without_plugin(*args)
        seen = self.stand_in(osc_server.ShowServer, '--image-properties')
        errs = []
        for _ in range(2):
            status, out, err = self.run_cli(*args, '--image-properties')
            self.assertEqual(0, status, err)
            errs.append(err)
            self.assertEqual(json.loads(stock_out), json.loads(out))
            self.assertEqual(stock, self.all_requests())
            self.mocker.reset_mock()
        # The command's own option got the value, twice.
        self.assertEqual([{'--image-properties': True}] * 2, seen)
        self.assertWarnedOnce(errs, "'openstack server show'",
                              '--image-properties')

    def test_list_with_its_own_image_property(self):
        from openstackclient.compute.v2 import server as osc_server
        args = ('server', 'list', '-f', 'json')
        (_, stock_out, _), stock = self.run_without_plugin(*args)
        seen = self.stand_in(osc_server.ListServer, '--image-property')
        status, out, err = self.run_cli(*args, '--image-property')
        self.assertEqual(0, status, err)
        self.assertEqual(json.loads(stock_out), json.loads(out))
        self.assertEqual(stock, self.all_requests())
        self.assertEqual([{'--image-property': True}], seen)
        self.assertWarnedOnce([err], "'openstack server list'",
                              '--image-property')
        # Neither option of the plugin is left on the command: argparse
        # refuses the other one, as without the plugin.
        stderr = self.useFixture(fixtures.MonkeyPatch(
            'sys.stderr', io.StringIO())).new_value
        error = self.assertRaises(
            SystemExit, osc_shell.OpenStackShell().run,
            list(fakes.AUTH_ARGS) + list(args) + ['--image-properties'])
        self.assertEqual(2, error.code)
        self.assertIn('unrecognized arguments: --image-properties',
                      stderr.getvalue())

    def test_list_with_both(self):
        from openstackclient.compute.v2 import server as osc_server
        seen = self.stand_in(osc_server.ListServer, '--image-properties',
                             '--image-property')
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertNotIn('Image Properties', json.loads(out)[0])
        self.assertEqual(
            [{'--image-properties': True, '--image-property': False}], seen)
        self.assertWarnedOnce(
            [err], '--image-properties and --image-property')

    def test_other_commands_keep_the_plugin(self):
        from openstackclient.compute.v2 import server as osc_server
        self.stand_in(osc_server.ListServer, '--image-property')
        status, out, err = self.run_cli(
            'server', 'show', self.web, '--image-properties', '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual(fakes.PROPERTIES,
                         json.loads(out)['image_properties'])
        self.assertNotIn('osc-image-props', err)
