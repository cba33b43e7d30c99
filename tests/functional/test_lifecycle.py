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

"""Embedded properties over a life: Glance edits, rebuild, nova-manage."""

import json

from tests.functional import base

SHOW = ('server', 'image', 'properties', 'show')
DIFF = ('server', 'image', 'properties', 'diff')
STANDARD = {'hw_machine_type': 'q35', 'os_distro': 'fedora'}
CUSTOM = {'owner_specified.note': 'not a standard property'}
PROPS = dict(STANDARD, **CUSTOM)
# Nova 31.x (2025.1) copies custom names too.
COPIES_CUSTOM = base.MODE.dialect == base.modes.ALL_IMAGE_KEYS


class TestLifecycle(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.conn = self.connection()
        self.image_id = base.create_image(
            self.conn, base.unique_name('fn-image'), PROPS
        )
        self.addCleanup(
            self.conn.image.delete, '/images/%s' % self.image_id
        )
        # What this mode's Nova embeds for a server of that image.
        self.embedded = base.facts.embedded(
            base.MODE, self.image_id, STANDARD, CUSTOM
        )
        image = self.conn.image.get_image(self.image_id)
        self.server = base.boot(
            self.conn, base.unique_name('fn-life'), image.name
        )
        self.addCleanup(base.delete, self.conn, self.server)

    def _patch_image(self, operations):
        response = self.conn.image.patch(
            '/images/%s' % self.image_id, json=operations,
            headers={
                'Content-Type': 'application/openstack-images-v2.1-json-patch'
            },
        )
        self.assertEqual(200, response.status_code, response.text)

    def test_no_drift_right_after_boot(self):
        # Whatever the Nova: custom names and image formats that Nova 31.x
        # embeds are compared with what Glance has, and agree.
        self.assertEqual(
            self.embedded, self.openstack_json(*SHOW, self.server.id)
        )
        status, out, err = self.openstack(
            *DIFF, self.server.id, '--exit-code', check=False
        )
        self.assertEqual((0, ''), (status, out.strip()), err)

    def test_image_changed_in_glance(self):
        self._patch_image([
            {'op': 'replace', 'path': '/hw_machine_type', 'value': 'pc'},
            {'op': 'add', 'path': '/hw_vif_model', 'value': 'e1000'},
            {'op': 'replace', 'path': '/owner_specified.note',
             'value': 'changed, but custom'},
        ])
        # The server keeps what it booted with.
        self.assertEqual(
            self.embedded, self.openstack_json(*SHOW, self.server.id)
        )
        status, out, err = self.openstack(
            *DIFF, self.server.id, '--exit-code', '-f', 'json', check=False
        )
        self.assertEqual(3, status, err)

        expected = [
            {'Property': 'hw_machine_type', 'Embedded': 'q35',
             'Glance': 'pc', 'State': 'changed'},
            {'Property': 'hw_vif_model', 'Embedded': None,
             'Glance': 'e1000', 'State': 'only-glance'},
        ]
        if COPIES_CUSTOM:
            # This Nova would copy the custom name as it is now.
            expected.append(
                {'Property': 'owner_specified.note',
                 'Embedded': CUSTOM['owner_specified.note'],
                 'Glance': 'changed, but custom', 'State': 'changed'})
        self.assertEqual(expected, json.loads(out))

    def test_image_deleted_in_glance(self):
        self.conn.image.delete('/images/%s' % self.image_id)
        self.assertEqual(
            self.embedded, self.openstack_json(*SHOW, self.server.id)
        )
        status, out, err = self.openstack(
            *DIFF, self.server.id, '--exit-code', '-f', 'json', check=False
        )
        self.assertEqual(4, status, err)
        self.assertIn('deleted or not visible', err)
        self.assertEqual([], json.loads(out))

    def test_rebuild_changes_them(self):
        self.openstack(
            'server', 'rebuild', '--image', base.facts.PLAIN_IMAGE, '--wait',
            self.server.id,
        )
        self.assertEqual(
            base.seeded_embedded(self.conn, base.facts.PLAIN_IMAGE),
            self.openstack_json(*SHOW, self.server.id),
        )

    def test_nova_manage_image_property_set(self):
        # nova-manage changes a stopped server's copy in place.
        self.openstack('server', 'stop', self.server.id)
        self.conn.compute.wait_for_server(
            self.server, status='SHUTOFF', wait=base.BOOT_TIMEOUT
        )
        self.devcloud(
            'nova-manage', *base.CLOUD_ARGS, 'image_property', 'set',
            self.server.id, '--property', 'hw_machine_type=pc-q35-8.0',
        )
        shown = self.openstack_json(*SHOW, self.server.id)
        self.assertEqual(
            dict(self.embedded, hw_machine_type='pc-q35-8.0'), shown
        )
        status, out, err = self.openstack(
            *DIFF, self.server.id, '--exit-code', check=False
        )
        self.assertEqual(3, status, err)
        self.assertIn('pc-q35-8.0', out)
        self.assertIn('changed', out)
