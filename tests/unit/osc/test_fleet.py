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

"""``openstack server image properties drift`` and ``summary``."""

import json
import re

from tests.unit import fakes
from tests.unit.sdk import test_fleet

DRIFT = ('server', 'image', 'properties', 'drift')
SUMMARY = ('server', 'image', 'properties', 'summary')
OTHER = test_fleet.OTHER


class TestDrift(test_fleet.FleetTestCase):

    def setUp(self):
        super().setUp()
        self.web = [self.cloud.add_server('web-%d' % i) for i in range(2)]
        self.legacy = self.cloud.add_server(
            'legacy', properties={'hw_machine_type': 'pc'}, image_id=OTHER)

    def test_no_drift_no_rows_exit_0(self):
        status, out, err = self.run_cli(*DRIFT, '--exit-code', '-f', 'json')
        self.assertEqual((0, [], ''), (status, json.loads(out), err))

    def test_rows_of_the_affected_servers_and_exit_3(self):
        self.change_image(hw_machine_type='pc', os_distro=None)
        status, out, err = self.run_cli(*DRIFT, '--exit-code', '-f', 'json')
        self.assertEqual(3, status, err)
        expected = []
        for server_id, name in zip(self.web, ('web-0', 'web-1')):
            common = {'Server ID': server_id, 'Name': name,
                      'Image': fakes.IMAGE_ID}
            expected += [
                dict(common, Property='hw_machine_type', Embedded='q35',
                     Glance='pc', State='changed'),
                dict(common, Property='os_distro', Embedded='ubuntu',
                     Glance=None, State='only-embedded'),
            ]
        self.assertEqual(expected, json.loads(out))

    def test_drift_without_exit_code_is_0(self):
        self.change_image(hw_machine_type='pc')
        status, out, err = self.run_cli(*DRIFT, '-f', 'value')
        self.assertEqual(0, status, err)
        self.assertEqual(2, len(out.splitlines()))

    def test_property_limits_the_comparison(self):
        self.change_image(hw_machine_type='pc', os_distro='debian')
        status, out, err = self.run_cli(
            *DRIFT, '--property', 'os_distro', '-c', 'Property', '-f',
            'value')
        self.assertEqual((0, 'os_distro\nos_distro\n'), (status, out), err)

    def test_cost_pages_of_one_list_and_one_glance_batch(self):
        status, out, err = self.run_cli(*DRIFT)
        self.assertEqual(0, status, err)
        self.assertEqual(
            [('GET', '/v2.1/servers/detail')],
            fakes.compute_requests(self.mocker))
        self.assertEqual(1, len(test_fleet.glance_requests(self.mocker)))
        self.assertIn('id=in:', test_fleet.glance_requests(self.mocker)[0])

    def test_one_line_each_for_what_is_not_compared(self):
        self.cloud.add_server('vol', volume_backed=True)
        self.cloud.add_partial_server()
        self.cloud.add_partial_server()
        del self.cloud.images[OTHER]
        self.cloud.add_server('legacy-2', image_id=OTHER)
        status, out, err = self.run_cli(*DRIFT, '--exit-code', '-f', 'json')
        # Not "no drift": some servers could not be compared.
        self.assertEqual((4, []), (status, json.loads(out)), err)
        self.assertEqual(
            ['1 server was booted from a volume: no image properties to '
             'compare.',
             '2 servers are in a cell the compute API cannot reach now: '
             'not compared.',
             '2 servers were booted from 1 image that is deleted or not '
             'visible to you: not compared.'],
            err.splitlines())

    def test_filters(self):
        status, out, err = self.run_cli(
            *DRIFT, '--all-projects', '--status', 'ACTIVE', '--name', '^w',
            '--host', 'cmp1', '--marker', self.web[0], '--limit', '1')
        self.assertEqual(0, status, err)
        ((_, query),) = test_fleet.detail_requests(self.mocker)
        self.assertEqual(
            {'all_tenants': ['True'], 'status': ['ACTIVE'], 'name': ['^w'],
             'host': ['cmp1'], 'marker': [self.web[0]], 'limit': ['1']},
            query)

    def test_limit_looks_at_that_many_servers(self):
        self.change_image(hw_machine_type='pc')
        status, out, err = self.run_cli(*DRIFT, '--limit', '1', '-f',
                                        'value', '-c', 'Server ID')
        self.assertEqual((0, self.web[0] + '\n'), (status, out), err)
        self.assertEqual(1, len(test_fleet.detail_requests(self.mocker)))

    def test_limit_minus_one_is_every_server(self):
        status, out, err = self.run_cli(*DRIFT, '--limit', '-1')
        self.assertEqual(0, status, err)
        ((_, query),) = test_fleet.detail_requests(self.mocker)
        self.assertEqual({}, query)

    def test_bad_limit_is_one_line(self):
        status, out, err = self.run_cli(*DRIFT, '--limit', '0')
        self.assertOneLineError(status, out, err, '--limit')
        self.assertEqual([], test_fleet.detail_requests(self.mocker))

    def test_image_by_name(self):
        self.cloud.images[OTHER]['name'] = 'legacy-image'
        status, out, err = self.run_cli(*DRIFT, '--image', 'legacy-image')
        self.assertEqual(0, status, err)
        ((_, query),) = test_fleet.detail_requests(self.mocker)
        self.assertEqual({'image': [OTHER]}, query)

    def test_too_old_cloud_is_one_line_and_no_output(self):
        self.cloud.max_version = '2.96'
        status, out, err = self.run_cli(*DRIFT, '--exit-code')
        self.assertOneLineError(status, out, err, '2.96', '2.98')
        self.assertEqual('', out)

    def test_failure_on_a_later_page_is_one_line(self):
        first = {'servers': [self.cloud.render(self.web[0], '2.98')],
                 'servers_links': [{'rel': 'next', 'href': (
                     fakes.COMPUTE_URL + '/servers/detail?marker=m')}]}
        self.mocker.get(test_fleet.DETAIL, json=first)
        self.mocker.get(fakes.COMPUTE_URL + '/servers/detail?marker=m',
                        status_code=500, text='boom\nboom')
        status, out, err = self.run_cli(*DRIFT, '--exit-code')
        self.assertOneLineError(status, out, err)
        self.assertEqual('', out)

    def test_hostile_values_are_escaped_in_the_table(self):
        self.change_image(hw_machine_type='\x1b]0;owned\x07')
        status, out, err = self.run_cli(*DRIFT)
        self.assertEqual(0, status, err)
        self.assertNotIn('\x1b', out)
        self.assertIn('\\x1b]0;owned\\x07', out)


class TestDriftOnLibvirt(test_fleet.FleetTestCase):
    """Names nova-compute recorded itself: listed, not drift."""

    def setUp(self):
        super().setUp()
        self.web = [self.cloud.add_libvirt_server('web-%d' % i)
                    for i in range(2)]

    def _rows(self, out):
        return [(r['Server ID'], r['Property'], r['Embedded'], r['Glance'],
                 r['State']) for r in json.loads(out)]

    def _recorded(self):
        return [(server_id, name, value, None, 'recorded-by-nova')
                for server_id in self.web
                for name, value in sorted(fakes.LIBVIRT_RECORDED.items())]

    def test_listed_but_not_drift_exit_0(self):
        status, out, err = self.run_cli(*DRIFT, '--exit-code', '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual(self._recorded(), self._rows(out))
        self.assertEqual(
            ['2 servers differ from their image only by properties that '
             'nova-compute recorded itself (recorded-by-nova): not drift.'],
            err.splitlines())

    def test_include_recorded_counts_them_exit_3(self):
        status, out, err = self.run_cli(*DRIFT, '--exit-code',
                                        '--include-recorded', '-f', 'json')
        self.assertEqual((3, ''), (status, err))
        self.assertEqual(self._recorded(), self._rows(out))

    def test_image_with_another_value_is_changed_exit_3(self):
        self.change_image(hw_machine_type='q35')
        status, out, err = self.run_cli(
            *DRIFT, '--exit-code', '--property', 'hw_machine_type',
            '-f', 'json')
        self.assertEqual((3, ''), (status, err))
        self.assertEqual(
            [(server_id, 'hw_machine_type', 'pc-q35-8.2', 'q35', 'changed')
             for server_id in self.web],
            self._rows(out))

    def test_real_drift_beside_recorded_names_exit_3(self):
        self.change_image(os_distro='debian')
        status, out, err = self.run_cli(*DRIFT, '--exit-code', '-f', 'json')
        self.assertEqual((3, ''), (status, err))
        rows = self._rows(out)
        self.assertEqual(
            [(server_id, 'os_distro', 'ubuntu', 'debian', 'changed')
             for server_id in self.web],
            [r for r in rows if r[4] == 'changed'])
        self.assertEqual(self._recorded(),
                         [r for r in rows if r[4] == 'recorded-by-nova'])


class TestSummary(test_fleet.FleetTestCase):

    def setUp(self):
        super().setUp()
        self.cloud.add_server('a')
        self.cloud.add_server('b')
        other = self.cloud.add_server(
            'c', properties={'hw_machine_type': 'pc', 'hw_tpm_version': None},
            image_id=OTHER)
        self.cloud.servers[other]['tenant_id'] = 'another-project'

    def test_counts_sorted(self):
        status, out, err = self.run_cli(*SUMMARY, '-f', 'csv')
        self.assertEqual(0, status, err)
        self.assertEqual(
            '"Property","Value","Servers"\n'
            '"hw_machine_type","pc",1\n'
            '"hw_machine_type","q35",2\n'
            '"hw_tpm_model","tpm-crb",2\n'
            '"hw_tpm_version","2.0",2\n'
            '"hw_tpm_version","",1\n'
            '"os_distro","ubuntu",2\n',
            out)
        self.assertEqual([], test_fleet.glance_requests(self.mocker))

    def test_projects_with_all_projects(self):
        self.cloud.servers[next(iter(self.cloud.servers))]['tenant_id'] = 'x'
        status, out, err = self.run_cli(*SUMMARY, '--all-projects',
                                        '--property', 'hw_machine_type',
                                        '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual(
            [{'Property': 'hw_machine_type', 'Value': 'pc', 'Servers': 1,
              'Projects': 1},
             {'Property': 'hw_machine_type', 'Value': 'q35', 'Servers': 2,
              'Projects': 2}],
            json.loads(out))
        ((_, query),) = test_fleet.detail_requests(self.mocker)
        self.assertEqual({'all_tenants': ['True']}, query)

    def test_volume_and_unreachable_are_counted_on_stderr(self):
        self.cloud.add_server('vol', volume_backed=True)
        self.cloud.add_partial_server()
        status, out, err = self.run_cli(*SUMMARY, '-f', 'value')
        self.assertEqual(0, status, err)
        self.assertEqual(
            ['1 server was booted from a volume: no image properties to '
             'count.',
             '1 server is in a cell the compute API cannot reach now: not '
             'counted.'],
            err.splitlines())

    def test_drift_and_summary_count_skipped_servers_alike(self):
        # Two servers booted from a volume, one in a cell out of reach.
        self.cloud.add_server('vol-1', volume_backed=True)
        self.cloud.add_server('vol-2', volume_backed=True)
        self.cloud.add_partial_server()
        for command, verb, done in ((DRIFT, 'compare', 'compared'),
                                    (SUMMARY, 'count', 'counted')):
            with self.subTest(command=command[-1]):
                status, out, err = self.run_cli(*command, '-f', 'value')
                self.assertEqual(0, status, err)
                self.assertEqual(
                    ['2 servers were booted from a volume: no image '
                     'properties to %s.' % verb,
                     '1 server is in a cell the compute API cannot reach '
                     'now: not %s.' % done],
                    err.splitlines())

    def test_project_by_id_for_a_member(self):
        for url in ('http://keystone.test/v3/projects/p1',
                    re.compile(r'^http://keystone\.test/v3/projects\?')):
            self.mocker.get(url, status_code=403, json={
                'error': {'code': 403, 'message': 'forbidden'}})
        status, out, err = self.run_cli(*SUMMARY, '--project', 'p1')
        self.assertEqual(0, status, err)
        ((_, query),) = test_fleet.detail_requests(self.mocker)
        self.assertEqual({'all_tenants': ['True'], 'project_id': ['p1']},
                         query)

    def test_too_old_cloud_is_one_line(self):
        self.cloud.max_version = '2.96'
        status, out, err = self.run_cli(*SUMMARY)
        self.assertOneLineError(status, out, err, '2.96', '2.98')

