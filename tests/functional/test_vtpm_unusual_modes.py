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

"""Flavors whose vTPM secret security mode is empty, or one Nova does not
know, against Nova's answer.

Below compute microversion 2.86 Nova does not validate flavor extra specs,
so an admin can give a flavor ``hw:tpm_secret_security`` ``''`` or
``foo``. On Nova 2026.1 (two compute hosts: live migration is real) the
empty value is mode ``user`` (Nova reads it with ``or 'user'``) and a
server on it behaves as one: live migration refused, a resize to a
``host`` flavor accepted, after which the view says ``host``. An unknown
mode fails the scheduler's request filter: a server cannot be booted on
it, nor resized to it. On a Nova without modes the extra spec is ignored
and the view says so.
"""

import time

from tests.devcloud import checked
from tests.devcloud import wait_resize_confirmed
from tests.functional import base

VTPM = ('server', 'vtpm')
REFUSED = 'not supported for vTPM-enabled instance'
# Extra specs are not validated below this microversion.
UNVALIDATED = '2.85'


class TestUnusualModes(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.demo = self.connection()
        self.admin = self.connection('devcloud-admin')
        self.prefix = base.unique_name('fn-vtpm-mode')

    def _flavor(self, label, security):
        """A public vTPM flavor like the seeded ones, with
        hw:tpm_secret_security set as an admin below 2.86 can."""
        seed = base.facts.FLAVOR
        flavor = self.admin.compute.create_flavor(
            name='%s-%s' % (self.prefix, label), ram=seed['ram'],
            vcpus=seed['vcpus'], disk=seed['disk'], is_public=True)
        self.addCleanup(self.admin.compute.delete_flavor, flavor,
                        ignore_missing=True)
        specs = dict(base.facts.VTPM_EXTRA_SPECS)
        specs['hw:tpm_secret_security'] = security
        checked(self.admin.compute.post(
            '/flavors/%s/os-extra_specs' % flavor.id,
            json={'extra_specs': specs}, microversion=UNVALIDATED))
        return flavor

    def _boot(self, label, flavor, wait=True):
        image = self.demo.image.find_image(base.facts.PLAIN_IMAGE,
                                           ignore_missing=False)
        server = self.demo.compute.create_server(
            name='%s-%s' % (self.prefix, label), image_id=image.id,
            flavor_id=flavor.id, networks='none')
        self.addCleanup(base.delete, self.demo, server)
        if wait:
            return self.demo.compute.wait_for_server(
                server, wait=base.BOOT_TIMEOUT)
        return self._settle(server)

    def _settle(self, server):
        """Wait until the server leaves BUILD; the server."""
        deadline = time.time() + base.BOOT_TIMEOUT
        while time.time() < deadline:
            server = self.demo.compute.get_server(server.id)
            if server.status != 'BUILD':
                return server
            time.sleep(1)
        self.fail('server %s stayed in BUILD' % server.id)

    def _show(self, server_id):
        return self.openstack_json(*VTPM, 'show', server_id)

    def _resize(self, server_id, flavor_name):
        """Resize as the owner; wait until Nova is done with it. The
        server's status then (VERIFY_RESIZE when Nova resized it)."""
        self.openstack('server', 'resize', '--flavor', flavor_name,
                       server_id)
        deadline = time.time() + base.BOOT_TIMEOUT
        while time.time() < deadline:
            server = self.demo.compute.get_server(server_id)
            if server.status == 'VERIFY_RESIZE':
                return server.status
            if server.status in ('ACTIVE', 'ERROR') and self._resize_ended(
                    server_id):
                return server.status
            time.sleep(1)
        self.fail('the resize of %s did not end' % server_id)

    def _resize_ended(self, server_id):
        """Whether the newest resize action has an event that ended."""
        actions = checked(self.admin.compute.get(
            '/servers/%s/os-instance-actions' % server_id,
            microversion='2.51')).json()['instanceActions']
        resize = [a for a in actions if a['action'] == 'resize']
        if not resize:
            return False
        detail = checked(self.admin.compute.get(
            '/servers/%s/os-instance-actions/%s' % (
                server_id, resize[0]['request_id']),
            microversion='2.51')).json()['instanceAction']
        return any(event.get('finish_time')
                   for event in detail.get('events', ()))

    def test_empty_mode_is_user(self):
        server = self._boot('empty', self._flavor('empty', ''))
        view = self._show(server.id)
        if not base.MODE.has_tpm_secret_security:
            self.assertEqual(('user', 'release'), (
                view['secret_security'], view['secret_security_source']))
            return
        self.assertEqual(
            (True, 'user', 'default', False),
            (view['vtpm'], view['secret_security'],
             view['secret_security_source'], view['live_migratable']),
            view)
        self.assertTrue(
            any('empty value' in w for w in view['warnings']), view)
        self.assertIn(server.id, [row['ID'] for row in self.openstack_json(
            *VTPM, 'list', '--name', '^' + self.prefix,
            '--secret-security', 'user')])

        # Nova: as mode user, no live migration ...
        status, out, err = self.openstack(
            'server', 'migrate', '--live-migration', server.id,
            cloud='devcloud-admin', check=False)
        self.assertNotEqual(0, status, out)
        self.assertIn(REFUSED, out + err)
        # ... and a resize to a host flavor, which the view does not
        # refuse, is done; then the view says host.
        self.assertEqual(
            ['live-migration', 'rebuild', 'shelve', 'rescue', 'evacuate',
             'resize-to-deployment'], view['refused_operations'])
        self.assertEqual('VERIFY_RESIZE',
                         self._resize(server.id, 'devcloud.vtpm.host'))
        self.openstack('server', 'resize', 'confirm', server.id)
        wait_resize_confirmed(self.admin, server.id)
        after = self._show(server.id)
        self.assertEqual(('host', 'flavor', True), (
            after['secret_security'], after['secret_security_source'],
            after['live_migratable']), after)

    def test_unknown_mode_fails_in_the_scheduler(self):
        flavor = self._flavor('foo', 'foo')
        if not base.MODE.has_tpm_secret_security:
            # Nova before 33.0.0 reads no mode at all.
            server = self._boot('foo', flavor)
            view = self._show(server.id)
            self.assertEqual(('user', 'release'), (
                view['secret_security'], view['secret_security_source']))
            return
        # A boot on it: the request filter refuses it.
        server = self._boot('foo', flavor, wait=False)
        self.assertEqual('ERROR', server.status)
        fault = self.admin.compute.get_server(server.id).fault or {}
        self.assertIn('No valid host', fault.get('message', ''), fault)
        view = self._show(server.id)
        self.assertEqual(('foo', 'flavor'), (
            view['secret_security'], view['secret_security_source']))
        self.assertIn('migrate', view['refused_operations'])
        self.assertTrue(any('tpm_secret_security_filter' in w
                            for w in view['warnings']), view)

        # A resize to it, from mode user: the scheduler fails it too, and
        # the server stays where it was, on its flavor.
        user = self._boot('user', self.demo.compute.find_flavor(
            'devcloud.vtpm.user', ignore_missing=False))
        self.assertEqual('ACTIVE', self._resize(user.id, flavor.name))
        shown = self._show(user.id)
        self.assertEqual(('user', 'flavor'), (
            shown['secret_security'], shown['secret_security_source']))
