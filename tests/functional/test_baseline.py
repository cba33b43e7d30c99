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

"""A baseline, then an operator's ``nova-manage image_property set``.

The image owner changes the image, the operator changes the server's copy,
the image is deleted: ``diff --since`` reports the operator's change
exactly after each step, where the comparison with Glance cannot tell it
from the image owner's.
"""

import json
import os

import fixtures

from tests.devcloud import set_image_properties
from tests.functional import base

BASELINE = ('server', 'image', 'properties', 'baseline')
DIFF = ('server', 'image', 'properties', 'diff')
DRIFT = ('server', 'image', 'properties', 'drift')
PROPS = {'hw_machine_type': 'q35', 'os_distro': 'fedora'}


class TestBaseline(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.conn = self.connection()
        self.image_id = base.create_image(
            self.conn, base.unique_name('fn-base'), PROPS)
        self.addCleanup(self.conn.image.delete,
                        '/images/%s' % self.image_id, raise_exc=False)
        image = self.conn.image.get_image(self.image_id)
        self.server = base.boot(self.conn, base.unique_name('fn-base'),
                                image.name)
        self.addCleanup(base.delete, self.conn, self.server)
        self.dir = self.useFixture(fixtures.TempDir()).path

    def _diff_since(self, path):
        status, out, err = self.openstack(
            *DIFF, self.server.id, '--since', path, '--exit-code',
            '-f', 'json', check=False)
        return status, json.loads(out) if out.strip() else [], err

    def _operator_sets(self, value):
        self.devcloud(
            'nova-manage', *base.CLOUD_ARGS, 'image_property', 'set',
            self.server.id, '--property', 'hw_machine_type=%s' % value)

    def test_operator_change_after_image_changed_then_deleted(self):
        one = os.path.join(self.dir, 'one.json')
        project = os.path.join(self.dir, 'project.json')
        self.openstack(*BASELINE, self.server.id, '--output', one)
        self.openstack(*BASELINE, '--output', project)
        with open(one) as f:
            document = json.load(f)
        self.assertEqual(1, document['version'])
        (entry,) = document['servers']
        self.assertEqual(self.server.id, entry['id'])
        self.assertEqual(self.image_id, entry['image_id'])
        self.assertEqual('q35', entry['properties']['hw_machine_type'])

        # Nothing changed since.
        self.assertEqual((0, [], ''), self._diff_since(one))

        # The image owner changes the image: the copy has not changed.
        set_image_properties(self.conn, self.image_id,
                                  {'hw_machine_type': 'pc'})
        self.assertEqual((0, []), self._diff_since(one)[:2])

        # The operator changes the copy (of a stopped server).
        self.openstack('server', 'stop', self.server.id)
        self.conn.compute.wait_for_server(
            self.server, status='SHUTOFF', wait=base.BOOT_TIMEOUT)
        self._operator_sets('pc-q35-8.0')
        expected = [{'Property': 'hw_machine_type', 'Baseline': 'q35',
                     'Now': 'pc-q35-8.0', 'State': 'changed'}]
        self.assertEqual((3, expected, ''), self._diff_since(one))

        # The image is deleted; the operator changes the copy again.
        self.conn.image.delete('/images/%s' % self.image_id)
        self._operator_sets('pc-q35-8.2')
        expected[0]['Now'] = 'pc-q35-8.2'
        self.assertEqual((3, expected, ''), self._diff_since(one))
        # Against Glance the server cannot be compared at all now.
        status, out, err = self.openstack(
            *DIFF, self.server.id, '--exit-code', '-f', 'json', check=False)
        self.assertEqual((4, []), (status, json.loads(out)), err)

        # The fleet view of the project says the same of this server.
        status, out, err = self.openstack(
            *DRIFT, '--since', project, '--exit-code', '-f', 'json',
            check=False)
        self.assertEqual(3, status, err)
        mine = [(r['Property'], r['Baseline'], r['Now'], r['State'])
                for r in json.loads(out) if r['Server ID'] == self.server.id]
        self.assertEqual(
            [('hw_machine_type', 'q35', 'pc-q35-8.2', 'changed')], mine)

    def test_a_hostile_file_is_one_line(self):
        path = os.path.join(self.dir, 'bad.json')
        with open(path, 'w') as f:
            f.write('{"format": "osc-image-props-baseline", "version": 9}')
        self.assertOneLineError(
            self.openstack(*DIFF, self.server.id, '--since', path,
                           check=False),
            'its version is 9; this client reads version 1')

    def test_a_baseline_of_another_project_is_refused(self):
        path = os.path.join(self.dir, 'alt.json')
        self.openstack(*BASELINE, '--output', path, cloud='devcloud-alt')
        self.assertOneLineError(
            self.openstack(*DIFF, self.server.id, '--since', path,
                           check=False),
            'taken on another cloud: its project is')
