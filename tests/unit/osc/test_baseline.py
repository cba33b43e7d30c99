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

"""``server image properties baseline``, ``diff --since``, ``drift
--since``."""

import json

import fixtures

from tests.unit import base
from tests.unit import fakes
from tests.unit.sdk import test_baseline

BASELINE = ('server', 'image', 'properties', 'baseline')
DIFF = ('server', 'image', 'properties', 'diff')
DRIFT = ('server', 'image', 'properties', 'drift')


class CliTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir())
        self.path = self.dir.join('before.json')
        self.web = self.cloud.add_server('web')

    def take(self, *args):
        status, out, err = self.run_cli(*BASELINE, *args,
                                        '--output', self.path)
        self.assertEqual(0, status, err)
        return err


class TestBaselineCommand(CliTestCase):

    def test_writes_the_file_and_says_so(self):
        err = self.take()
        with open(self.path) as f:
            document = json.load(f)
        self.assertEqual(1, document['version'])
        self.assertEqual('project', document['scope'])
        self.assertEqual(
            [{'id': self.web, 'name': 'web', 'image_id': fakes.IMAGE_ID,
              'properties': fakes.PROPERTIES}], document['servers'])
        self.assertRegex(err, r'^Baseline of 1 server \(project\) taken at '
                         r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ written to ')

    def test_standard_output(self):
        status, out, err = self.run_cli(*BASELINE, self.web, '--output', '-')
        self.assertEqual(0, status, err)
        self.assertEqual('servers', json.loads(out)['scope'])

    def test_servers_and_all_projects_exclude_each_other(self):
        result = self.run_cli(*BASELINE, self.web, '--all-projects',
                              '--output', '-')
        self.assertOneLineError(*result, 'give no server with it')

    def test_an_unknown_server_is_named(self):
        result = self.run_cli(*BASELINE, 'nope', '--output', self.path)
        self.assertOneLineError(*result, "'nope'")

    def test_an_unwritable_output_is_one_line(self):
        result = self.run_cli(*BASELINE, '--output', '/nonexistent/b.json')
        self.assertOneLineError(*result, 'Cannot write the baseline')


class TestDiffSince(CliTestCase):

    def test_operator_change_exactly_after_the_image_is_gone(self):
        self.take()
        self.cloud.images[fakes.IMAGE_ID]['os_distro'] = 'debian'
        del self.cloud.images[fakes.IMAGE_ID]
        test_baseline.operator_sets(self.cloud, self.web,
                                    hw_machine_type='pc')
        self.mocker.reset_mock()
        status, out, err = self.run_cli(
            *DIFF, self.web, '--since', self.path, '--exit-code', '-f',
            'json')
        self.assertEqual((3, ''), (status, err))
        self.assertEqual(
            [{'Property': 'hw_machine_type', 'Baseline': 'q35',
              'Now': 'pc', 'State': 'changed'}], json.loads(out))
        self.assertEqual([('GET', '/v2.1/servers/%s' % self.web)],
                         fakes.compute_requests(self.mocker))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_no_change_exit_0_and_all(self):
        self.take()
        status, out, err = self.run_cli(
            *DIFF, self.web, '--since', self.path, '--exit-code', '--all',
            '-f', 'value', '-c', 'State')
        self.assertEqual(0, status, err)
        self.assertEqual({'unchanged'}, set(out.split()))

    def test_rebuilt_and_new_are_changes_with_a_note(self):
        self.take()
        self.cloud.servers[self.web]['image']['id'] = (
            test_baseline.OTHER_IMAGE)
        status, out, err = self.run_cli(
            *DIFF, self.web, '--since', self.path, '--exit-code')
        self.assertEqual(3, status, err)
        self.assertIn('was rebuilt since the baseline', err)
        newer = self.cloud.add_server('newer')
        status, out, err = self.run_cli(
            *DIFF, newer, '--since', self.path, '--exit-code')
        self.assertEqual(3, status, err)
        self.assertIn('is not in the baseline', err)

    def test_every_hostile_file_is_one_line_and_no_request(self):
        for label, data, fragment in test_baseline.HOSTILE_FILES:
            with self.subTest(label):
                with open(self.path, 'wb') as f:
                    f.write(data)
                self.mocker.reset_mock()
                result = self.run_cli(*DIFF, self.web, '--since', self.path)
                self.assertOneLineError(*result, 'is not a baseline', fragment)
                self.assertEqual([], fakes.compute_requests(self.mocker))

    def test_a_missing_file(self):
        result = self.run_cli(*DIFF, self.web, '--since', self.dir.join('x'))
        self.assertOneLineError(*result, 'Cannot read the baseline')

    def test_another_cloud(self):
        self.take()
        with open(self.path) as f:
            document = json.load(f)
        document['cloud']['compute_endpoint'] = 'https://\x1b[2Jelse/v2.1'
        with open(self.path, 'w') as f:
            json.dump(document, f)
        result = self.run_cli(*DIFF, self.web, '--since', self.path)
        self.assertOneLineError(
            *result, 'taken on another cloud', '\\x1b[2Jelse')


class TestDriftSince(CliTestCase):

    def test_rows_for_every_kind_of_change(self):
        gone = self.cloud.add_server('gone')
        self.take()
        del self.cloud.servers[gone]
        newer = self.cloud.add_server('newer')
        test_baseline.operator_sets(self.cloud, self.web,
                                    hw_machine_type='pc')
        self.mocker.reset_mock()
        status, out, err = self.run_cli(
            *DRIFT, '--since', self.path, '--exit-code', '-f', 'json')
        self.assertEqual((3, ''), (status, err))
        rows = json.loads(out)
        self.assertEqual(
            [(self.web, 'hw_machine_type', 'q35', 'pc', 'changed'),
             (newer, None, None, None, 'new'),
             (gone, None, None, None, 'gone')],
            [(r['Server ID'], r['Property'], r['Baseline'], r['Now'],
              r['State']) for r in rows])
        self.assertEqual([('GET', '/v2.1/servers/detail')],
                         fakes.compute_requests(self.mocker))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_filtered_list_counts_what_it_cannot_tell(self):
        self.cloud.add_server('other')
        self.take()
        status, out, err = self.run_cli(
            *DRIFT, '--since', self.path, '--name', '^web$', '--exit-code')
        self.assertEqual(0, status, err)
        self.assertIn('1 server is on one side only', err)

    def test_hostile_file(self):
        with open(self.path, 'wb') as f:
            f.write(b'{"format": ')
        result = self.run_cli(*DRIFT, '--since', self.path)
        self.assertOneLineError(*result, 'cut short')


class TestHostileValues(CliTestCase):

    def test_values_of_the_file_and_the_cloud_are_escaped_in_a_table(self):
        self.take()
        with open(self.path) as f:
            document = json.load(f)
        document['servers'][0]['properties']['os_distro'] = (
            '\x1b[2J\u202eevil')
        with open(self.path, 'w') as f:
            json.dump(document, f)
        test_baseline.operator_sets(self.cloud, self.web,
                                    hw_machine_type='\x1b]0;x\x07')
        status, out, err = self.run_cli(
            *DIFF, self.web, '--since', self.path, '-f', 'table')
        self.assertEqual(0, status, err)
        self.assertTrue(all(line.isprintable() for line in out.splitlines()),
                        repr(out))
        self.assertIn('\\x1b[2J\\u202eevil', out)
        self.assertIn('\\x1b]0;x\\x07', out)
        # -f json carries the exact values.
        status, out, err = self.run_cli(
            *DIFF, self.web, '--since', self.path, '-f', 'json')
        self.assertEqual(
            {('hw_machine_type', 'q35', '\x1b]0;x\x07'),
             ('os_distro', '\x1b[2J\u202eevil', 'ubuntu')},
            {(r['Property'], r['Baseline'], r['Now'])
             for r in json.loads(out)})
