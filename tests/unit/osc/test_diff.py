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

"""``openstack server image properties diff``."""

import json

from tests.unit import base
from tests.unit import fakes

DIFF = ('server', 'image', 'properties', 'diff')


class TestDiff(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_server(name='web-1')

    def _change_image(self, **changes):
        props = dict(fakes.PROPERTIES)
        props.update(changes)
        props = {k: v for k, v in props.items() if v is not None}
        self.cloud.images[fakes.IMAGE_ID] = self.cloud.image_body(
            fakes.IMAGE_ID, props)

    def test_no_drift_prints_nothing_and_exit_code_is_0(self):
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code',
                                        '-f', 'json')
        self.assertEqual((0, []), (status, json.loads(out)), err)

    def test_drift_rows_and_exit_code_3(self):
        self._change_image(hw_machine_type='pc', os_distro=None)
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code',
                                        '-f', 'json')
        self.assertEqual(3, status, err)
        self.assertEqual(
            [
                {'Property': 'hw_machine_type', 'Embedded': 'q35',
                 'Glance': 'pc', 'State': 'changed'},
                {'Property': 'os_distro', 'Embedded': 'ubuntu',
                 'Glance': None, 'State': 'only-embedded'},
            ],
            json.loads(out),
        )

    def test_drift_without_exit_code_is_0(self):
        self._change_image(hw_machine_type='pc')
        status, out, err = self.run_cli(*DIFF, 'web-1')
        self.assertEqual(0, status, err)
        self.assertIn('| hw_machine_type | q35      | pc     | changed |',
                      out)

    def test_all_lists_unchanged(self):
        status, out, err = self.run_cli(*DIFF, 'web-1', '--all', '-f', 'csv')
        self.assertEqual(0, status, err)
        self.assertEqual(
            '"Property","Embedded","Glance","State"\n'
            '"hw_machine_type","q35","q35","unchanged"\n'
            '"hw_tpm_model","tpm-crb","tpm-crb","unchanged"\n'
            '"hw_tpm_version","2.0","2.0","unchanged"\n'
            '"os_distro","ubuntu","ubuntu","unchanged"\n',
            out,
        )

    def test_deleted_image_is_not_an_error(self):
        del self.cloud.images[fakes.IMAGE_ID]
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code',
                                        '-f', 'value')
        self.assertEqual(3, status, err)
        self.assertIn('deleted or not visible', err)
        # The image has none of them: an empty field, not "None".
        self.assertEqual(
            'hw_machine_type q35  only-embedded\n'
            'hw_tpm_model tpm-crb  only-embedded\n'
            'hw_tpm_version 2.0  only-embedded\n'
            'os_distro ubuntu  only-embedded\n',
            out,
        )

    def test_cost(self):
        status, out, err = self.run_cli(*DIFF, self.server_id)
        self.assertEqual(0, status, err)
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % self.server_id)],
            fakes.compute_requests(self.mocker))
        self.assertEqual(
            [('GET', '/v2/images/%s' % fakes.IMAGE_ID)],
            fakes.image_requests(self.mocker))

    def test_hostile_values_escaped_in_table(self):
        self._change_image(hw_machine_type='\x1b]0;owned\x07')
        status, out, err = self.run_cli(*DIFF, 'web-1')
        self.assertEqual(0, status, err)
        self.assertNotIn('\x1b', out)
        self.assertIn('\\x1b]0;owned\\x07', out)

    def test_errors_exit_1(self):
        status, out, err = self.run_cli(*DIFF, 'nope', '--exit-code')
        self.assertOneLineError(status, out, err, 'nope')
        self.cloud.max_version = '2.96'
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code')
        self.assertOneLineError(status, out, err, '2.96', '2.98')

    def test_glance_failure_exit_1(self):
        self.mocker.get(
            'http://image.test/v2/images/%s' % fakes.IMAGE_ID,
            status_code=500, text='boom\nboom')
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code')
        self.assertOneLineError(status, out, err)


class TestDiffOnLibvirt(base.TestCase):
    """The copy has names nova-compute recorded; the image never had them."""

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_libvirt_server(name='web-1')

    def _recorded_rows(self):
        return [
            {'Property': name, 'Embedded': value, 'Glance': None,
             'State': 'recorded-by-nova'}
            for name, value in sorted(fakes.LIBVIRT_RECORDED.items())
        ]

    def test_recorded_names_are_no_drift_exit_0(self):
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code',
                                        '-f', 'json')
        self.assertEqual((0, [], ''), (status, json.loads(out), err))

    def test_all_lists_them_as_recorded_by_nova(self):
        status, out, err = self.run_cli(*DIFF, 'web-1', '--all', '-f', 'json')
        self.assertEqual(0, status, err)
        rows = json.loads(out)
        self.assertEqual(
            self._recorded_rows(),
            [r for r in rows if r['State'] == 'recorded-by-nova'])
        self.assertEqual(
            sorted(fakes.PLAIN_PROPERTIES),
            [r['Property'] for r in rows if r['State'] == 'unchanged'])

    def test_include_recorded_lists_and_counts_them(self):
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code',
                                        '--include-recorded', '-f', 'json')
        self.assertEqual(3, status, err)
        self.assertEqual(self._recorded_rows(), json.loads(out))

    def test_image_with_another_value_is_changed_exit_3(self):
        self.cloud.images[fakes.IMAGE_ID]['hw_machine_type'] = 'q35'
        status, out, err = self.run_cli(*DIFF, 'web-1', '--exit-code',
                                        '-f', 'json')
        self.assertEqual(3, status, err)
        self.assertEqual(
            [{'Property': 'hw_machine_type', 'Embedded': 'pc-q35-8.2',
              'Glance': 'q35', 'State': 'changed'}],
            json.loads(out))
