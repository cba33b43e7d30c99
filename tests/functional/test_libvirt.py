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

"""What Nova's libvirt driver records and writes, on a libvirt mode.

nova-compute runs the libvirt driver on the cloud's own libvirtd (QEMU,
TCG or KVM): it records the machine type and the default buses and
models it chose in the server's copy of its image (recorded-by-nova), and
writes the image's properties into the domain XML libvirt runs.  Run by
``tox -e functional-2026.1-libvirt``; the fake-driver modes exclude this
module (tox.ini), and on them every test here fails its first assertion
rather than skip.
"""

import configparser
import json
import os
import types
import xml.etree.ElementTree as ElementTree

from devcloud import paths
from devcloud.services import libvirt
from osc_image_props.sdk import recorded_keys
from tests.functional import base

SHOW = ('server', 'image', 'properties', 'show')
DIFF = ('server', 'image', 'properties', 'diff')
DRIFT = ('server', 'image', 'properties', 'drift')
NOVA_NS = 'http://openstack.org/xmlns/libvirt/nova/1.1'
RECORDED = recorded_keys.recorded_by(base.MODE.nova)
# An image without hw_machine_type: nova-compute chooses and records it.
PROPS = {'os_distro': 'debian'}
# Markup that would close Nova's metadata element and open another, and
# XML's special characters.  (Control characters cannot be in XML at all:
# such a value fails the boot on libvirt.)
HOSTILE = {
    'os_admin_user': '</nova:property><nova:evil/>&amp; "\'<',
    'os_distro': ']]><!-- x --><![CDATA[',
}
# QEMU's "pc" is an alias of its newest i440FX machine type, which libvirt
# writes into the domain XML.
PC_VERSIONED_PREFIX = 'pc-i440fx-'


def cloud_layout():
    return paths.Layout(base.NOVA_MODE, cells=base.CELLS)


def virsh(*args):
    """Output of virsh on the cloud's libvirtd; AssertionError if it
    fails."""
    cloud = types.SimpleNamespace(layout=cloud_layout())
    code, out = libvirt.virsh(cloud, *args)
    if code != 0:
        raise AssertionError('virsh %s exited %d: %s' % (
            ' '.join(args), code, out))
    return out


def rendered_virt_type():
    """[libvirt] virt_type of the nova-compute configuration ``up``
    rendered."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(cloud_layout().etc_file('nova-compute.conf'))
    return parser['libvirt']['virt_type']


class LibvirtTestCase(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.assertTrue(
            base.MODE.is_libvirt,
            'test_libvirt needs a libvirt mode (tox -e '
            'functional-2026.1-libvirt), not %s' % base.NOVA_MODE)
        self.conn = self.connection()
        self.admin = self.connection('devcloud-admin')

    def _server(self, prefix, properties):
        image_id = base.create_image(
            self.conn, base.unique_name(prefix), properties)
        self.addCleanup(self.conn.image.delete, '/images/%s' % image_id,
                        raise_exc=False)
        name = base.unique_name(prefix)
        server = base.boot(self.conn, name, image_id)
        self.addCleanup(base.delete, self.conn, server)
        return server, image_id

    def domain_xml(self, server):
        """The domain XML of ``server``, parsed, as libvirt holds it."""
        instance = self.admin.compute.get_server(server.id).instance_name
        # The cloud's own libvirtd wrote it (no DTD, no entities): parsed
        # to check how it escaped the values.
        return ElementTree.fromstring(  # noqa: S314
            virsh('dumpxml', instance))

    def diff(self, server, *args):
        status, out, err = self.openstack(
            *DIFF, server.id, '--exit-code', '-f', 'json', *args,
            check=False)
        return status, json.loads(out or '[]'), err

    def stop(self, server):
        self.openstack('server', 'stop', server.id)
        self.conn.compute.wait_for_server(
            server, status='SHUTOFF', wait=base.BOOT_TIMEOUT)


class TestRecordedByNova(LibvirtTestCase):

    def test_machine_type_libvirt_chose_is_recorded_not_drift(self):
        server, image_id = self._server('fn-lv-machine', PROPS)
        shown = self.openstack_json(*SHOW, server.id)
        self.assertEqual(base.MODE.recorded_machine_type,
                         shown.get('hw_machine_type'), shown)
        # Everything beyond the image's own properties is what this
        # Nova's libvirt driver records.
        extra = set(shown) - set(PROPS)
        self.assertIn('hw_machine_type', extra)
        self.assertLessEqual(extra, RECORDED, shown)
        self.assertEqual(PROPS, {k: shown[k] for k in PROPS})

        # libvirt ran the domain with the versioned type of that alias.
        xml = self.domain_xml(server)
        self.assertEqual(rendered_virt_type(), xml.get('type'))
        machine = xml.find('os/type').get('machine')
        self.assertTrue(machine.startswith(PC_VERSIONED_PREFIX), machine)

        # Not drift: the diff and the fleet view exit 0.
        status, rows, err = self.diff(server)
        self.assertEqual((0, []), (status, rows), err)
        status, rows, err = self.diff(server, '--all')
        self.assertEqual(0, status, err)
        states = {r['Property']: r['State'] for r in rows}
        self.assertEqual('recorded-by-nova', states['hw_machine_type'])
        self.assertEqual({'unchanged'}, {states[k] for k in PROPS})
        self.assertEqual({'recorded-by-nova'},
                         {states[k] for k in extra})
        status, rows, err = self.diff(server, '--include-recorded')
        self.assertEqual(3, status, err)

        status, out, err = self.openstack(
            *DRIFT, '--name', '^' + server.name + '$', '--exit-code',
            '-f', 'json', check=False)
        self.assertEqual(0, status, err)
        rows = json.loads(out)
        self.assertEqual({'recorded-by-nova'}, {r['State'] for r in rows})
        self.assertIn('hw_machine_type', {r['Property'] for r in rows})
        self.assertIn('recorded-by-nova', err)
        status, _, err = self.openstack(
            *DRIFT, '--name', '^' + server.name + '$', '--exit-code',
            '--include-recorded', '-f', 'json', check=False)
        self.assertEqual(3, status, err)

        # Pinned to the versioned type by the operator: the new value
        # shows and the domain runs it; still recorded-by-nova, as the
        # image has no machine type.  From the alias, Nova accepts it only
        # with --force.
        self.stop(server)
        manage = ('nova-manage', *base.CLOUD_ARGS, 'libvirt',
                  'update_machine_type', server.id, machine)
        self.assertRaises(AssertionError, self.devcloud, *manage)
        self.devcloud(*manage, '--force')
        shown = self.openstack_json(*SHOW, server.id)
        self.assertEqual(machine, shown['hw_machine_type'])
        status, rows, err = self.diff(server, '--all')
        self.assertEqual(0, status, err)
        states = {r['Property']: (r['Embedded'], r['State']) for r in rows}
        self.assertEqual((machine, 'recorded-by-nova'),
                         states['hw_machine_type'])
        self.openstack('server', 'start', server.id)
        self.conn.compute.wait_for_server(
            server, status='ACTIVE', wait=base.BOOT_TIMEOUT)
        self.assertEqual(
            machine, self.domain_xml(server).find('os/type').get('machine'))


class TestDomainXml(LibvirtTestCase):

    def test_hostile_values_reach_the_domain_xml_escaped(self):
        server, image_id = self._server('fn-lv-hostile', HOSTILE)
        xml = self.domain_xml(server)
        properties = {
            p.get('name'): p.text for p in xml.iter(
                '{%s}property' % NOVA_NS)}
        # Each value is the text of its own element, exactly.
        self.assertEqual(HOSTILE, {k: properties.get(k) for k in HOSTILE})
        self.assertEqual([], list(xml.iter('{%s}evil' % NOVA_NS)))
        # The image's ID in the metadata: the XML is this server's.
        image = xml.find('metadata/{%s}instance/{%s}image' % (
            NOVA_NS, NOVA_NS))
        self.assertEqual(image_id, image.get('uuid'))
        self.assertEqual(HOSTILE, {
            k: v for k, v in self.openstack_json(*SHOW, server.id).items()
            if k in HOSTILE})


class TestHypervisor(LibvirtTestCase):

    def test_guest_is_a_running_qemu_of_the_chosen_virt_type(self):
        server, _ = self._server('fn-lv-guest', PROPS)
        instance = self.admin.compute.get_server(server.id).instance_name
        self.assertEqual('running', virsh('domstate', instance).strip())
        hypervisor = list(self.admin.compute.hypervisors(details=True))
        self.assertEqual(['QEMU'], sorted({h.hypervisor_type
                                          for h in hypervisor}))
        pid_file = os.path.join(libvirt.QEMU_RUN, instance + '.pid')
        with open(pid_file) as src:
            pid = int(src.read())
        with open('/proc/%d/cmdline' % pid, 'rb') as src:
            argv = src.read().split(b'\0')
        command = b' '.join(argv)
        accel, other = (b'kvm', b'tcg') if rendered_virt_type() == 'kvm' \
            else (b'tcg', b'kvm')
        self.assertIn(accel, command)
        self.assertNotIn(b'accel=' + other, command)
        self.assertEqual('ACTIVE', self.conn.compute.get_server(
            server.id).status)


class TestVtpm(LibvirtTestCase):
    """vTPM servers on swtpm, their secrets in the cloud's Barbican."""

    def setUp(self):
        super().setUp()
        self.assertTrue(base.MODE.has_key_manager,
                        '%s runs no key manager' % base.NOVA_MODE)

    def test_each_secret_security_mode_boots_with_swtpm(self):
        image_id = base.create_image(
            self.conn, base.unique_name('fn-lv-vtpm'), PROPS)
        self.addCleanup(self.conn.image.delete, '/images/%s' % image_id,
                        raise_exc=False)
        for security in ('user', 'host', 'deployment'):
            flavor = 'devcloud.vtpm.' + security
            self.assertIn(flavor, base.facts.VTPM_FLAVORS)
            server = base.boot(self.conn, base.unique_name('fn-lv-vtpm'),
                               image_id, flavor_name=flavor)
            self.addCleanup(base.delete, self.conn, server)
            shown = self.openstack_json('server', 'vtpm', 'show', server.id)
            self.assertEqual(
                (True, '2.0', 'tpm-crb', security),
                (shown['vtpm'], shown['version'], shown['model'],
                 shown['secret_security']), shown)

            # libvirt runs the guest with an emulated TPM (swtpm).
            xml = self.domain_xml(server)
            tpm = xml.find('devices/tpm')
            self.assertIsNotNone(tpm, security)
            self.assertEqual('tpm-crb', tpm.get('model'))
            backend = tpm.find('backend')
            self.assertEqual(('emulator', '2.0'),
                             (backend.get('type'), backend.get('version')))
            secret = backend.find('encryption').get('secret')
            # Nova keeps the libvirt secret only for "host"; for the
            # others it undefines it once swtpm has started.
            listed = secret in virsh('secret-list')
            self.assertEqual(security == 'host', listed, security)
            # The same UUID names the secret in Barbican: the server's
            # user reads it, except for "deployment" (Nova's own).
            found = self.conn.key_manager.get(
                '/secrets/%s' % secret, raise_exc=False)
            if security == 'deployment':
                self.assertIn(found.status_code, (403, 404), found.text)
            else:
                self.assertEqual(200, found.status_code, found.text)
            # swtpm's pid file is named after the domain's short name,
            # "<domain id>-<name>".
            instance = self.admin.compute.get_server(server.id).instance_name
            swtpm = os.listdir(os.path.join(libvirt.QEMU_RUN, 'swtpm'))
            self.assertTrue(
                [n for n in swtpm if n.endswith('-%s-swtpm.pid' % instance)],
                swtpm)
