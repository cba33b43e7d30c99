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

"""The vTPM view against what Nova's libvirt driver really does.

One server per case (the secret security mode unset, ``user``, ``host``,
``deployment``, and one whose vTPM Nova rejects), booted at once on swtpm
with the secrets in the cloud's Barbican.  ``server vtpm show`` predicts
before each operation, then the operation runs, and Nova's answer must be
the prediction: resizes between modes, a host reboot (``tools/devcloud
host-reboot``: a power cut of the compute host, with
``resume_guests_state_on_host_boot`` off and on) followed by ``server
start`` and ``server reboot --hard`` as the admin and as the owner, and
the operations Nova refuses for any vTPM server.  Live migration keeps
its own test on the two-host fake-driver cloud (test_vtpm.py), where Nova
really moves a server.  CI runs :class:`TestResizeAndHostReboot` (tox -e
smoke-2026.1-libvirt).
"""

import time

from testtools import content

from tests.functional import base
from tests.functional import test_libvirt

VTPM_SHOW = ('server', 'vtpm', 'show')
# One flavor per case (devcloud/facts.py): the mode it sets, None unset.
FLAVORS = base.facts.VTPM_FLAVORS
UNSET, USER, HOST, DEPLOYMENT = (
    'devcloud.vtpm', 'devcloud.vtpm.user', 'devcloud.vtpm.host',
    'devcloud.vtpm.deployment')
REJECTED = 'rejected'
# What an operator's nova-manage can leave: the flavor asks for 2.0.
REJECTED_VERSION = '1.2'
REFUSED_FOR_VTPM = 'not supported for vTPM-enabled instance'
RESIZE_REFUSED = ("Resize between 'deployment' TPM secret security and "
                  'other TPM secret security modes is not supported')
SETTLE_TIMEOUT = 180
# Statuses with an operation under way.
BUSY = ('BUILD', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'MIGRATING', 'REBUILD',
        'SHELVED', 'RESCUE')


def mode_of(flavor):
    return FLAVORS[flavor] or 'user'


def _rules(view):
    """What the view says Nova allows, without the server's own facts."""
    return {k: view[k] for k in (
        'secret_security', 'live_migratable', 'restarts_after_host_reboot',
        'refused_operations')}


class VtpmCase(test_libvirt.LibvirtTestCase):

    def setUp(self):
        super().setUp()
        self.assertTrue(base.MODE.has_key_manager,
                        '%s runs no key manager' % base.NOVA_MODE)
        self.prefix = base.unique_name('fn-lv-vtpm')
        self.table = []
        self.addCleanup(lambda: self.addDetail(
            'nova', content.text_content('\n'.join(self.table))))

    def boot_all(self, flavors):
        """Boot one server per flavor at once, from the seed image without
        a vTPM; wait until each is ACTIVE; {flavor: server id}."""
        image = self.conn.image.find_image(base.facts.PLAIN_IMAGE,
                                           ignore_missing=False)
        created = {}
        for flavor_name in flavors:
            flavor = self.conn.compute.find_flavor(
                flavor_name, ignore_missing=False)
            created[flavor_name] = self.conn.compute.create_server(
                name='%s-%s' % (self.prefix, flavor_name.split('.')[-1]),
                image_id=image.id, flavor_id=flavor.id, networks='none')
        self.addCleanup(self._delete_all, list(created.values()))
        for server in created.values():
            self.conn.compute.wait_for_server(
                server, wait=SETTLE_TIMEOUT)
        return {name: server.id for name, server in created.items()}

    def _delete_all(self, servers):
        for server in servers:
            self.conn.compute.delete_server(server, ignore_missing=True)
        for server in servers:
            base.delete(self.conn, server)

    def view(self, server_id):
        return self.openstack_json(*VTPM_SHOW, server_id)

    def run_cli(self, *args, cloud='devcloud'):
        """(accepted, what the CLI said) of one request."""
        status, out, err = self.openstack(*args, cloud=cloud, check=False)
        return status == 0, (out + err).strip()

    def settle(self, server_id, until=None):
        """The server's status once no task runs on it (and, with
        ``until``, once the status is not ``until`` any more)."""
        deadline = time.time() + SETTLE_TIMEOUT
        while time.time() < deadline:
            server = self.admin.compute.get_server(server_id)
            if (server.task_state is None and server.status not in BUSY
                    and server.status != until):
                return server.status
            time.sleep(1)
        self.fail('%s did not settle: %s, task %s' % (
            server_id, server.status, server.task_state))

    def host_reboot(self, resume):
        self.devcloud('host-reboot', *base.CLOUD_ARGS,
                      '--resume-guests-state-on-host-boot',
                      'true' if resume else 'false')

    def record(self, case, operation, predicted, answer):
        self.table.append('%-26s %-34s predicted=%-24s nova=%s' % (
            case, operation, predicted, answer))

    def start(self, server_id, cloud):
        """``server start``: (accepted, status after, what was said)."""
        accepted, said = self.run_cli('server', 'start', server_id,
                                      cloud=cloud)
        return accepted, self.settle(server_id), said

    def hard_reboot(self, server_id, cloud):
        accepted, said = self.run_cli('server', 'reboot', '--hard',
                                      server_id, cloud=cloud)
        return accepted, self.settle(server_id), said


class TestResizeAndHostReboot(VtpmCase):
    """Each mode's view against Nova's answer to one resize and one host
    reboot (Nova's default: resume_guests_state_on_host_boot off)."""

    def test_resize_between_modes_as_predicted(self):
        servers = self.boot_all([USER, HOST, UNSET, DEPLOYMENT])
        # user -> host and host -> user at once; then into and out of
        # deployment.
        moves = {USER: HOST, HOST: USER, UNSET: DEPLOYMENT,
                 DEPLOYMENT: USER}
        before = {name: self.view(sid) for name, sid in servers.items()}
        answers = {}
        for name, target in moves.items():
            view = before[name]
            self.assertEqual((True, mode_of(name)), (
                view['vtpm'], view['secret_security']), view)
            answers[name] = self.run_cli(
                'server', 'resize', '--flavor', target, servers[name])
        for name, target in moves.items():
            accepted, said = answers[name]
            refused = self._resize_refused(before[name], mode_of(target))
            self.record(name, 'resize to ' + target,
                        'refused' if refused else 'resized',
                        'refused: ' + said.splitlines()[-1] if not accepted
                        else 'accepted')
            self.assertEqual(refused, not accepted, said)
            if not accepted:
                self.assertIn(RESIZE_REFUSED, said)
                self.assertEqual('ACTIVE', self.settle(servers[name]))
                continue
            self.assertEqual('VERIFY_RESIZE', self.settle(servers[name]))
            self.openstack('server', 'resize', 'confirm', servers[name])
            base.wait_resize_confirmed(self.admin, servers[name])
            self.assertEqual('ACTIVE', self.settle(
                servers[name], until='VERIFY_RESIZE'))
            # The view now reports the new mode and what it allows.
            after = self.view(servers[name])
            self.assertEqual((mode_of(target), 'flavor', target == HOST), (
                after['secret_security'], after['secret_security_source'],
                after['live_migratable']), after)
            # ... as a server booted on that flavor.
            self.assertEqual(_rules(before[target]), _rules(after))

    @staticmethod
    def _resize_refused(view, target_mode):
        refused = set(view['refused_operations'])
        if view['secret_security'] == target_mode:
            return False
        if target_mode == 'deployment':
            return 'resize-to-deployment' in refused
        if view['secret_security'] == 'deployment':
            return 'resize-from-deployment' in refused
        return 'resize' in refused

    def test_host_reboot_without_resume_as_predicted(self):
        servers = self.boot_all([UNSET, USER, HOST, DEPLOYMENT])
        views = {name: self.view(sid) for name, sid in servers.items()}
        self.host_reboot(resume=False)
        for name, server_id in servers.items():
            predicted = views[name]['restarts_after_host_reboot']
            # Nova starts nothing at the host's boot: each server is
            # marked as it is, shut off.
            status = self.settle(server_id, until='ACTIVE')
            self.record(name, 'host reboot (resume off)', 'stays down',
                        status)
            self.assertEqual('SHUTOFF', status)
            # The admin can start it again only where Nova may read the
            # secret without the owner.
            accepted, status, said = self.start(server_id, 'devcloud-admin')
            self.record(name, 'server start (admin)',
                        'starts' if predicted else 'fails', status)
            self.assertTrue(accepted, said)
            self.assertEqual(predicted, status == 'ACTIVE', name)
            if status != 'ACTIVE':
                accepted, status, said = self.start(server_id, 'devcloud')
                self.record(name, 'server start (owner)', 'starts', status)
                self.assertEqual((True, 'ACTIVE'), (accepted, status), said)


class TestEveryCase(VtpmCase):
    """The rest of the matrix: the host reboot with resume on, hard
    reboots, the refused operations and a vTPM Nova rejects."""

    def test_host_reboot_with_resume_as_predicted(self):
        servers = self.boot_all([UNSET, USER, HOST, DEPLOYMENT])
        views = {name: self.view(sid) for name, sid in servers.items()}
        self.host_reboot(resume=True)
        self.addCleanup(self.host_reboot, resume=False)
        for name, server_id in servers.items():
            predicted = views[name]['restarts_after_host_reboot']
            status = self.settle(server_id)
            self.record(name, 'host reboot (resume on)',
                        'restarts' if predicted else 'does not', status)
            self.assertEqual(predicted, status == 'ACTIVE', status)
            if status == 'ACTIVE':
                continue
            # Nova failed to read the owner's secret: ERROR, which
            # server start does not take, as the owner or the admin.
            self.assertEqual('ERROR', status)
            for cloud in ('devcloud-admin', 'devcloud'):
                accepted, status, said = self.start(server_id, cloud)
                self.record(name, 'server start (%s)' % cloud, 'refused',
                            said.splitlines()[-1] if said else status)
                self.assertFalse(accepted, said)
                self.assertIn('409', said)
            accepted, status, said = self.hard_reboot(
                server_id, 'devcloud-admin')
            self.record(name, 'server reboot --hard (admin)', 'fails',
                        status)
            self.assertNotEqual('ACTIVE', status)
            accepted, status, said = self.hard_reboot(server_id, 'devcloud')
            self.record(name, 'server reboot --hard (owner)', 'starts',
                        status)
            self.assertEqual((True, 'ACTIVE'), (accepted, status), said)

    def test_refused_operations_as_predicted(self):
        servers = self.boot_all([UNSET, USER, HOST, DEPLOYMENT])
        for name, server_id in servers.items():
            view = self.view(server_id)
            refused = set(view['refused_operations'])
            operations = [
                ('rebuild', ('server', 'rebuild', '--image',
                             base.facts.PLAIN_IMAGE), 'devcloud'),
                ('shelve', ('server', 'shelve'), 'devcloud'),
                ('rescue', ('server', 'rescue'), 'devcloud'),
            ]
            # On one host Nova's scheduler would refuse host's for want of
            # a second one: its real move is in test_vtpm.py.
            if not view['live_migratable']:
                operations.append((
                    'live-migration',
                    ('server', 'migrate', '--live-migration'),
                    'devcloud-admin'))
            for operation, args, cloud in operations:
                accepted, said = self.run_cli(*args, server_id, cloud=cloud)
                self.record(name, operation, 'refused' if operation in
                            refused else 'accepted',
                            'accepted' if accepted
                            else said.splitlines()[-1])
                self.assertEqual(operation in refused, not accepted, said)
                self.assertIn(REFUSED_FOR_VTPM, said)
                self.assertEqual('ACTIVE', self.settle(server_id))

    def test_rejected_vtpm_moves_nowhere_as_predicted(self):
        server_id = self.boot_all([HOST])[HOST]
        self.stop(self.conn.compute.get_server(server_id))
        # What an operator can do to a stopped server: its flavor asks
        # for TPM 2.0.
        self.devcloud('nova-manage', *base.CLOUD_ARGS, 'image_property',
                      'set', server_id, '--property',
                      'hw_tpm_version=' + REJECTED_VERSION)
        view = self.view(server_id)
        self.assertTrue(view['warnings'], view)
        self.assertEqual((False, False), (
            view['live_migratable'], view['restarts_after_host_reboot']),
            view)
        refused = set(view['refused_operations'])
        # Nova's API fails each: it reads the vTPM first.
        for operation, args, cloud in (
                ('rebuild', ('server', 'rebuild', '--image',
                             base.facts.PLAIN_IMAGE), 'devcloud'),
                ('shelve', ('server', 'shelve'), 'devcloud'),
                ('rescue', ('server', 'rescue'), 'devcloud'),
                ('resize', ('server', 'resize', '--flavor', USER),
                 'devcloud'),
                ('live-migration', ('server', 'migrate',
                                    '--live-migration'), 'devcloud-admin')):
            accepted, said = self.run_cli(*args, server_id, cloud=cloud)
            self.record(REJECTED, operation, 'refused' if operation in
                        refused else 'not named', 'accepted' if accepted
                        else said.splitlines()[-1])
            self.assertIn(operation, refused)
            self.assertFalse(accepted, said)
            self.assertEqual('SHUTOFF', self.settle(server_id))
        # Accepted, then failed on the compute host or in the conductor:
        # the server stays down where it is, whoever asks.
        host = self.admin.compute.get_server(server_id).compute_host
        for operation, act, cloud in (
                ('start', self.start, 'devcloud'),
                ('start', self.start, 'devcloud-admin'),
                ('reboot', self.hard_reboot, 'devcloud'),
                ('reboot', self.hard_reboot, 'devcloud-admin'),
                ('migrate', self._cold_migrate, 'devcloud-admin')):
            accepted, status, said = act(server_id, cloud)
            self.record(REJECTED, '%s (%s)' % (operation, cloud),
                        'refused' if operation in refused else 'not named',
                        status)
            self.assertIn(operation, refused)
            self.assertNotIn(status, ('ACTIVE', 'VERIFY_RESIZE'), said)
            self.assertEqual(
                host, self.admin.compute.get_server(server_id).compute_host)

    def _cold_migrate(self, server_id, cloud):
        accepted, said = self.run_cli('server', 'migrate', server_id,
                                      cloud=cloud)
        return accepted, self.settle(server_id), said
