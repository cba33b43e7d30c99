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

"""``server vtpm flavors`` against Nova's answer to a resize.

Named so that the smoke environments (``test_vtpm``) run it: on a Nova
with secret security modes (33.0.0 and later) a server in mode ``user``
lists the cloud's vTPM flavors with their modes; a resize Nova is
predicted to refuse is refused, and a resize it is predicted to accept
gives the mode listed. On an older Nova every flavor gives mode ``user``
by release, and no flavor but the server's own is a vTPM flavor.
"""

import time

from tests.functional import base

FLAVORS = ('server', 'vtpm', 'flavors')


class TestVtpmFlavors(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.demo = self.connection()
        self.admin = self.connection('devcloud-admin')
        self.name = base.unique_name('fn-vtpm-flavors')

    def _boot(self, flavor_name, image):
        server = base.boot(self.demo, self.name, image,
                           flavor_name=flavor_name)
        self.addCleanup(base.delete, self.demo, server)
        return server

    def _rows(self, server_id):
        return {row['Name']: row for row in self.openstack_json(
            *FLAVORS, server_id, '--long')}

    def _wait(self, server_id, status):
        deadline = time.time() + base.BOOT_TIMEOUT
        while time.time() < deadline:
            server = self.demo.compute.get_server(server_id)
            if server.status == status:
                return server
            if server.status == 'ERROR':
                break
            time.sleep(1)
        self.fail('server %s is %s, not %s' % (server_id, server.status,
                                                 status))

    def test_listed_modes_are_what_a_resize_gives(self):
        if base.MODE.has_tpm_secret_security:
            self._per_mode()
        else:
            self._by_release()

    def _per_mode(self):
        server = self._boot('devcloud.vtpm.user', base.facts.PLAIN_IMAGE)
        rows = self._rows(server.id)
        self.assertEqual(set(base.facts.VTPM_FLAVORS), set(rows))
        self.assertEqual(
            {name: (security or 'user') for name, security
             in base.facts.VTPM_FLAVORS.items()},
            {name: row['Secret Security'] for name, row in rows.items()})
        self.assertEqual(
            {'devcloud.vtpm': True, 'devcloud.vtpm.user': False,
             'devcloud.vtpm.host': True, 'devcloud.vtpm.deployment': False},
            {name: row['Resize Accepted'] for name, row in rows.items()})

        # Refused as predicted, by Nova's API.
        status, out, err = self.openstack(
            'server', 'resize', '--flavor', 'devcloud.vtpm.deployment',
            server.id, check=False)
        self.assertNotEqual(0, status, out + err)
        self.assertIn("Resize between 'deployment' TPM secret security",
                      err)

        # Accepted as predicted, and the server is then in the mode listed.
        target = rows['devcloud.vtpm.host']
        self.openstack('server', 'resize', '--flavor', 'devcloud.vtpm.host',
                       server.id)
        self._wait(server.id, 'VERIFY_RESIZE')
        self.openstack('server', 'resize', 'confirm', server.id)
        base.wait_resize_confirmed(self.admin, server.id)
        self._wait(server.id, 'ACTIVE')
        view = self.openstack_json('server', 'vtpm', 'show', server.id)
        self.assertEqual(
            (target['Secret Security'], target['Live Migratable'],
             target['Restarts After Host Reboot']),
            (view['secret_security'], view['live_migratable'],
             view['restarts_after_host_reboot']))
        self.assertEqual('host', view['secret_security'])
        # Now in mode host: its own flavor is the one refused.
        self.assertFalse(
            self._rows(server.id)['devcloud.vtpm.host']['Resize Accepted'])

    def _by_release(self):
        # The seed image asks for a vTPM: every flavor keeps one.
        server = self._boot(base.facts.FLAVOR['name'], base.facts.IMAGE)
        rows = self._rows(server.id)
        self.assertEqual(
            {f['name'] for f in base.facts.flavors(base.MODE)}, set(rows))
        for row in rows.values():
            self.assertEqual(('user', False, False), (
                row['Secret Security'], row['Live Migratable'],
                row['Restarts After Host Reboot']), row)
            self.assertIn('Nova before 33.0.0', row['Live Migratable Reason'])
        self.assertFalse(rows[base.facts.FLAVOR['name']]['Resize Accepted'])
