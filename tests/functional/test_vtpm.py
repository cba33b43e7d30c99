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

"""The vTPM view against Nova's own answer to a live migration.

On a Nova with secret security modes (33.0.0 and later) one server is
booted on each vTPM flavor the cloud seeds (a mode each, and one that
leaves it unset); ``server vtpm show`` and ``server vtpm list`` predict
whether Nova live-migrates it, then the admin asks Nova to, and Nova's
answer (the server moves to the other compute host and is ACTIVE again,
or the request is refused) must be the prediction. On an older Nova a
vTPM server (from the seed image with ``hw_tpm_version``) is in mode
``user`` by release, and Nova refuses to live-migrate it.
"""

import time

from testtools import content

from tests.functional import base

VTPM = ('server', 'vtpm')
REFUSED = 'not supported for vTPM-enabled instance'


class TestVtpm(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.demo = self.connection()
        self.admin = self.connection('devcloud-admin')
        self.prefix = base.unique_name('fn-vtpm')

    def _boot_all(self, specs):
        """Boot {label: (flavor name, image name)} at once; wait for each
        to be ACTIVE; {label: server}."""
        created = {}
        for label, (flavor_name, image) in specs.items():
            flavor = self.demo.compute.find_flavor(
                flavor_name, ignore_missing=False)
            image_id = self.demo.image.find_image(
                image, ignore_missing=False).id
            created[label] = self.demo.compute.create_server(
                name='%s-%s' % (self.prefix, label), image_id=image_id,
                flavor_id=flavor.id, networks='none')
        self.addCleanup(self._delete_all, list(created.values()))
        return {label: self.demo.compute.wait_for_server(
                    server, wait=base.BOOT_TIMEOUT)
                for label, server in created.items()}

    def _delete_all(self, servers):
        for server in servers:
            self.demo.compute.delete_server(server, ignore_missing=True)
        for server in servers:
            base.delete(self.demo, server)

    def _show(self, server_id):
        return self.openstack_json(*VTPM, 'show', server_id)

    def _list(self, *args):
        return self.openstack_json(
            *VTPM, 'list', '--name', '^' + self.prefix, *args)

    def _live_migrate(self, server_id):
        """Ask Nova to live-migrate; (accepted, host before, host after,
        what the CLI said)."""
        before = self.admin.compute.get_server(server_id).compute_host
        status, out, err = self.openstack(
            'server', 'migrate', '--live-migration', server_id,
            cloud='devcloud-admin', check=False)
        if status != 0:
            return False, before, before, (out + err).strip()
        deadline = time.time() + base.BOOT_TIMEOUT
        while time.time() < deadline:
            server = self.admin.compute.get_server(server_id)
            if server.status == 'ACTIVE' and server.compute_host != before:
                return True, before, server.compute_host, ''
            if server.status == 'ERROR':
                break
            time.sleep(1)
        self.fail('live migration of %s from %s did not complete: %s %s'
                  % (server_id, before, server.status, server.compute_host))

    def test_prediction_is_what_nova_does(self):
        if base.MODE.has_tpm_secret_security:
            self._per_mode()
        else:
            self._by_release()

    def _assert_no_vtpm(self, server, listed):
        view = self._show(server.id)
        self.assertIs(False, view['vtpm'], view)
        self.assertNotIn(server.id, listed)

    def _per_mode(self):
        self.assertGreaterEqual(base.MODE.computes, 2)
        specs = {name: (name, base.facts.PLAIN_IMAGE)
                 for name in base.facts.VTPM_FLAVORS}
        specs['plain'] = (base.facts.FLAVOR['name'], base.facts.PLAIN_IMAGE)
        servers = self._boot_all(specs)
        plain = servers.pop('plain')
        expected = {
            name: (security or 'user', 'flavor' if security else 'default')
            for name, security in base.facts.VTPM_FLAVORS.items()
        }
        predicted = {}
        for name, server in servers.items():
            view = self._show(server.id)
            self.assertIs(True, view['vtpm'], view)
            self.assertEqual(('2.0', 'flavor', 'tpm-crb', 'flavor'), (
                view['version'], view['version_source'], view['model'],
                view['model_source']))
            self.assertEqual(expected[name], (
                view['secret_security'], view['secret_security_source']))
            predicted[name] = view['live_migratable']

        # The fleet view says the same of each, in one list, and leaves
        # out the server without a vTPM.
        listed = {row['ID']: row for row in self._list()}
        self.assertEqual({s.id for s in servers.values()}, set(listed))
        for name, server in servers.items():
            row = listed[server.id]
            self.assertEqual(
                (expected[name][0], expected[name][1], predicted[name]),
                (row['Secret Security'], row['Source'],
                 row['Live Migratable']))
        self._assert_no_vtpm(plain, listed)
        movable = self._list('--live-migratable')
        self.assertEqual(
            sorted(s.id for n, s in servers.items() if predicted[n]),
            sorted(row['ID'] for row in movable))

        # Nova's own answer.
        table = []
        for name, server in servers.items():
            accepted, before, after, said = self._live_migrate(server.id)
            table.append('%-26s %-10s predicted=%-5s nova=%s' % (
                name, expected[name][0], predicted[name],
                'moved %s -> %s' % (before, after) if accepted
                else 'refused: ' + said.splitlines()[-1]))
            self.assertEqual(predicted[name], accepted, table[-1])
            if not accepted:
                self.assertIn(REFUSED, said)
        self.addDetail('live-migration', content.text_content(
            '\n'.join(table)))
        # Only host moves.
        self.assertEqual(['devcloud.vtpm.host'],
                         [name for name in servers if predicted[name]])

    def _by_release(self):
        servers = self._boot_all({
            'vtpm': (base.facts.FLAVOR['name'], base.facts.IMAGE),
            'plain': (base.facts.FLAVOR['name'], base.facts.PLAIN_IMAGE)})
        server = servers['vtpm']
        view = self._show(server.id)
        self.assertEqual(
            (True, 'user', 'release', False),
            (view['vtpm'], view['secret_security'],
             view['secret_security_source'], view['live_migratable']),
            view)
        self.assertEqual(('2.0', 'image', 'tpm-crb', 'image'), (
            view['version'], view['version_source'], view['model'],
            view['model_source']))
        listed = {row['ID']: row for row in self._list()}
        self.assertEqual([server.id], list(listed))
        self.assertEqual(('user', 'release', False), (
            listed[server.id]['Secret Security'],
            listed[server.id]['Source'],
            listed[server.id]['Live Migratable']))
        self._assert_no_vtpm(servers['plain'], listed)
        accepted, _before, _after, said = self._live_migrate(server.id)
        self.assertFalse(accepted)
        self.assertIn(REFUSED, said)
