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

"""Reading Tempest's results and comparing modes (tests/tempest)."""
import io

import subunit
import testtools

from tests.tempest import report
from tests.tempest import run

T298 = ('tempest.api.compute.servers.test_servers.ServersListShow298Test.'
        'test_list_show_update_rebuild_server_298')
LIST = 'tempest.api.compute.servers.test_servers.ServersTestJSON.test_list'


def stream(*events):
    """A subunit v2 stream of (test id, status, skip reason or None)."""
    out = io.BytesIO()
    writer = subunit.StreamResultToBytes(out)
    for test_id, status, reason in events:
        writer.status(test_id=test_id, test_status='inprogress')
        if reason:
            writer.status(test_id=test_id, file_name='reason',
                          file_bytes=reason.encode(), mime_type='text/plain')
        writer.status(test_id=test_id, test_status=status)
    return out.getvalue()


class TestParse(testtools.TestCase):

    def test_statuses_and_reasons(self):
        found = run.parse_subunit(stream(
            (LIST + '[id-1,smoke]', 'success', None),
            (T298 + '[id-2]', 'skip', 'The microversion range'),
            ('tempest.api.compute.x.T.test_broken', 'fail', None),
            ('setUpClass (tempest.api.compute.admin.test_servers.'
             'ServersAdminTestJSON)', 'fail', None),
            ('setUpClass (tempest.api.compute.y.NoCinder)', 'skip',
             'Cinder is not available'),
        ))
        self.assertEqual([LIST], found['passed'])
        self.assertEqual(
            {T298: 'The microversion range',
             'tempest.api.compute.y.NoCinder': 'Cinder is not available'},
            found['skipped'])
        self.assertEqual(
            ['tempest.api.compute.x.T.test_broken',
             'tempest.api.compute.admin.test_servers.ServersAdminTestJSON'],
            found['failed'])


def results(mode, passed, regex='R'):
    return {'mode': mode, 'passed': passed, 'skipped': {}, 'failed': [],
            'regex': regex}


class TestCheck(testtools.TestCase):

    def test_patched_passing_all_the_baseline_passes(self):
        baseline = results('unpatched', [LIST])
        self.assertEqual([], report.check(
            results('2024.2', [LIST, T298]), baseline))

    def test_a_baseline_pass_missing_on_the_patched_cloud(self):
        baseline = results('unpatched', [LIST])
        self.assertEqual(
            ['passes on unpatched, not here: ' + LIST],
            report.check(results('2024.2', [T298]), baseline))

    def test_a_cloud_with_298_must_pass_the_298_tests(self):
        self.assertEqual(['no ServersListShow298Test test passed'],
                         report.check(results('2025.1', [LIST]), None))

    def test_the_baseline_must_not_pass_them(self):
        self.assertEqual(['ServersListShow298Test passed without 2.98'],
                         report.check(results('unpatched', [T298]), None))

    def test_a_cloud_without_neutron(self):
        found = results('2024.2', [LIST, T298])
        found['skipped'] = {LIST + '2': 'Neutron is not available'}
        self.assertEqual(['skipped without Neutron: ' + LIST + '2'],
                         report.check(found, None))

    def test_other_tests_than_the_baseline(self):
        baseline = results('unpatched', [LIST], regex='servers')
        self.assertIn('ran other tests than the baseline (--regex)',
                      report.check(results('2024.2', [LIST, T298]),
                                   baseline))
