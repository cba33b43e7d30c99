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

"""Fleet views on the local cloud: drift and summary across two projects.

One fixture (four servers from three images in two projects) is booted
once; the steps run in order because later ones change the images.
"""

import json

from tests.functional import base

DRIFT = ('server', 'image', 'properties', 'drift')
SUMMARY = ('server', 'image', 'properties', 'summary')
PROPS = {'hw_machine_type': 'q35', 'os_distro': 'fedora'}


class TestFleet(base.FunctionalTestCase):

    def _image(self, conn, prefix):
        image_id = base.create_image(conn, base.unique_name(prefix), PROPS)
        self.addCleanup(conn.image.delete, '/images/%s' % image_id,
                        raise_exc=False)
        return image_id

    def _boot(self, conn, image_id):
        image = conn.image.get_image(image_id)
        server = base.boot(conn, '%s-%s' % (self.prefix, image.name),
                           image.name)
        self.addCleanup(base.delete, conn, server)
        return server.id

    def setUp(self):
        super().setUp()
        self.prefix = base.unique_name('fn-fleet')
        demo = self.connection()
        alt = self.connection('devcloud-alt')
        self.changed = self._image(demo, 'fn-changed')
        self.deleted = self._image(demo, 'fn-deleted')
        self.alts = self._image(alt, 'fn-alt')
        self.demo_changed = [self._boot(demo, self.changed)
                             for _ in range(2)]
        self.demo_deleted = self._boot(demo, self.deleted)
        self.alt_server = self._boot(alt, self.alts)
        self.demo_conn = demo

    def _drift(self, *args, cloud='devcloud'):
        status, out, err = self.openstack(
            *DRIFT, '--name', '^' + self.prefix, '--exit-code', '-f', 'json',
            *args, cloud=cloud, check=False)
        self.assertIn(status, (0, 3, 4), err)
        return status, json.loads(out), err

    def test_fleet_views(self):
        # Nothing has drifted right after boot.
        status, rows, err = self._drift()
        self.assertEqual((0, [], ''), (status, rows, err))

        # Counted across both projects by the admin, per project otherwise.
        summary = self.openstack_json(*SUMMARY, '--name', '^' + self.prefix,
                                      '--property', 'hw_machine_type')
        self.assertEqual([{'Property': 'hw_machine_type', 'Value': 'q35',
                           'Servers': 3}], summary)
        summary = self.openstack_json(
            *SUMMARY, '--name', '^' + self.prefix, '--all-projects',
            '--property', 'hw_machine_type', cloud='devcloud-admin')
        self.assertEqual([{'Property': 'hw_machine_type', 'Value': 'q35',
                           'Servers': 4, 'Projects': 2}], summary)

        # Change one image: exactly its servers drift.
        response = self.demo_conn.image.patch(
            '/images/%s' % self.changed,
            json=[{'op': 'replace', 'path': '/hw_machine_type',
                   'value': 'pc'}],
            headers={'Content-Type':
                     'application/openstack-images-v2.1-json-patch'})
        self.assertEqual(200, response.status_code, response.text)
        status, rows, err = self._drift()
        self.assertEqual(3, status, err)
        self.assertEqual(
            sorted(self.demo_changed),
            sorted(r['Server ID'] for r in rows))
        for row in rows:
            self.assertEqual(
                (self.changed, 'hw_machine_type', 'q35', 'pc', 'changed'),
                (row['Image'], row['Property'], row['Embedded'],
                 row['Glance'], row['State']))

        # A reader of the project sees what a member sees.
        self.assertEqual(rows, self._drift(cloud='devcloud-reader')[1])
        # The admin sees the same rows across projects: alt has no drift.
        status, admin_rows, err = self._drift('--all-projects',
                                              cloud='devcloud-admin')
        self.assertEqual(rows, admin_rows)

        # Delete an image: its server is reported, not dropped.
        self.demo_conn.image.delete('/images/%s' % self.deleted)
        status, rows, err = self._drift()
        self.assertEqual(
            '1 server was booted from 1 image that is deleted or not '
            'visible to you: not compared.', err.strip())
        self.assertEqual(2, len(rows))
        # Only the property asked for is compared; the server of the
        # deleted image is not: 4, not 0 ("no drift").
        status, rows, err = self._drift('--property', 'os_distro')
        self.assertEqual((4, []), (status, rows), err)
