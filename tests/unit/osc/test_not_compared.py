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

"""One answer for a server that cannot be compared, and the exit statuses.

A libvirt cloud's server (its copy holds names nova-compute records) whose
image is deleted: ``diff``, ``drift`` and the SDK's two views all say "not
compared", none says drift, and ``--exit-code`` gives 4 in both commands.
"""

import json

from osc_image_props import sdk
from osc_image_props.osc import plumbing
from osc_image_props.sdk import drift as drift_mod
from tests.unit import fakes
from tests.unit.osc import test_diff
from tests.unit.osc import test_fleet as test_fleet_cli
from tests.unit.sdk import test_fleet

class TestDeletedImageOfALibvirtServer(test_fleet.FleetTestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_libvirt_server('lv-1')
        del self.cloud.images[fakes.IMAGE_ID]

    def test_diff_and_drift_exit_4_with_no_rows(self):
        for argv in (test_diff.DIFF + ('lv-1',), test_fleet_cli.DRIFT):
            status, out, err = self.run_cli(*argv, '--exit-code',
                                            '-f', 'json')
            self.assertEqual((plumbing.NOT_COMPARED, []),
                             (status, json.loads(out)), argv)
            self.assertEqual(1, len(err.splitlines()), err)
            self.assertIn('deleted or not visible to you', err)
            self.assertTrue(err.rstrip().endswith('not compared.'), err)

    def test_include_recorded_changes_nothing(self):
        for argv in (test_diff.DIFF + ('lv-1',), test_fleet_cli.DRIFT):
            status, out, err = self.run_cli(
                *argv, '--exit-code', '--include-recorded', '-f', 'json')
            self.assertEqual((plumbing.NOT_COMPARED, []),
                             (status, json.loads(out)), argv)

    def test_sdk_views_agree(self):
        conn = self.connect()
        one = sdk.image_properties_drift(conn, self.server_id,
                                         include_recorded=True)
        (listed,) = sdk.fleet_drift(conn, include_recorded=True)
        self.assertEqual(drift_mod.IMAGE_MISSING, one.outcome)
        self.assertEqual(one.outcome, listed.outcome)
        self.assertEqual(((), ()), (one.drifted, one.recorded))
        self.assertEqual(((), ()), (listed.drifted, listed.recorded))
        self.assertFalse(one.has_drift or listed.has_drift)


class TestExitStatuses(test_fleet.FleetTestCase):
    """--exit-code: drift first, then not compared, then no drift."""

    def _statuses(self):
        diff = self.run_cli(*test_diff.DIFF, 'one', '--exit-code')[0]
        drift = self.run_cli(*test_fleet_cli.DRIFT, '--exit-code')[0]
        return diff, drift

    def test_compared_without_drift(self):
        self.cloud.add_server('one')
        self.assertEqual((0, 0), self._statuses())

    def test_volume_booted_has_nothing_to_compare(self):
        self.cloud.add_server('one', volume_backed=True)
        self.assertEqual((0, 0), self._statuses())

    def test_unreachable_cell_is_not_compared(self):
        self.cloud.add_server('one')
        self.cloud.add_partial_server()
        status, out, err = self.run_cli(*test_fleet_cli.DRIFT, '--exit-code')
        self.assertEqual(4, status, err)

    def test_drift_beside_a_server_not_compared_is_drift(self):
        self.cloud.add_server('one')
        self.cloud.add_server('two', image_id=test_fleet.OTHER)
        del self.cloud.images[test_fleet.OTHER]
        self.change_image(hw_machine_type='pc')
        self.assertEqual((3, 3), self._statuses())

    def test_without_exit_code_0(self):
        self.cloud.add_server('one')
        del self.cloud.images[fakes.IMAGE_ID]
        for argv in (test_diff.DIFF + ('one',), test_fleet_cli.DRIFT):
            self.assertEqual(0, self.run_cli(*argv)[0], argv)

    def test_help_shows_the_one_table(self):
        for argv in (test_diff.DIFF, test_fleet_cli.DRIFT):
            status, out, err = self.run_cli('help', *argv, auth=False)
            self.assertEqual(0, status, err)
            help_text = ' '.join(out.split())
            for code, meaning in plumbing.TABLE:
                self.assertIn('%d %s' % (code, ' '.join(meaning.split())),
                              help_text, argv)
