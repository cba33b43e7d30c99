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

"""The libvirt mode: what it installs, runs and renders, and what the
fake-driver modes keep."""
import base64
import configparser
import io
import os
import stat
import subprocess
import time
import types

import fixtures
import testtools

from devcloud import cli, context, host_reboot, lifecycle, modes
from devcloud import passwords, paths
from devcloud import ports as ports_mod
from devcloud import procs
from devcloud import progress as progress_mod
from devcloud.services import barbican, libvirt, nova

LIBVIRT_MODES = [m for m in modes.MODES.values() if m.is_libvirt]
FAKE_MODES = [m for m in modes.MODES.values() if not m.is_libvirt]


def _cloud(test, mode_name):
    root = test.useFixture(fixtures.TempDir()).path
    layout = paths.Layout(mode_name, root=root)
    layout.make_dirs()
    os.makedirs(os.path.join(layout.venv, 'etc', 'nova'))
    open(os.path.join(layout.venv, 'etc', 'nova', 'api-paste.ini'),
         'w').close()
    cloud = context.Cloud(modes.get(mode_name), layout,
                          progress_mod.Progress())
    cloud.ports = {'glance': 9292, 'rabbitmq': 5672, 'keystone': 5000}
    cloud.passwords = {name: 'secret-' + name for name in (
        'rabbitmq', 'nova', 'placement', 'glance', 'neutron')}
    return cloud


def _compute_conf(cloud, name='nova-compute.conf'):
    nova.configure(cloud)
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(cloud.layout.etc_file(name))
    return parser


class TestModes(testtools.TestCase):

    def test_one_libvirt_mode_its_smoke_in_ci(self):
        self.assertEqual(['2026.1-libvirt'], [m.name for m in LIBVIRT_MODES])
        mode = LIBVIRT_MODES[0]
        self.assertEqual(modes.SMOKE, mode.ci)
        self.assertEqual(1, mode.computes)
        self.assertEqual('pc', mode.recorded_machine_type)
        self.assertEqual(modes.RELEASES['2026.1'], mode.release)

    def test_libvirt_python_only_in_the_libvirt_venv(self):
        self.assertIn(modes.LIBVIRT_PYTHON, LIBVIRT_MODES[0].requirements)
        for mode in FAKE_MODES:
            self.assertEqual(modes.FAKE, mode.driver)
            self.assertNotIn(modes.LIBVIRT_PYTHON, mode.requirements)
            self.assertIsNone(mode.recorded_machine_type)

    def test_packages_per_mode(self):
        # In no order: apt-get takes them all at once.
        base = {'rabbitmq-server', 'mariadb-server'}
        self.assertEqual(base, set(lifecycle.debian_packages()))
        for mode in FAKE_MODES:
            self.assertEqual(base, set(lifecycle.debian_packages(mode)))
        self.assertEqual(base | set(libvirt.PACKAGES),
                         set(lifecycle.debian_packages(LIBVIRT_MODES[0])))
        for package in ('libvirt-daemon-system', 'qemu-system-x86', 'swtpm',
                        'swtpm-tools', 'libvirt-dev', 'pkg-config', 'gcc'):
            self.assertIn(package, libvirt.PACKAGES)

    def test_modes_command_filters_by_driver(self):
        out = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', out))
        self.assertEqual(0, cli.main(['modes', '--driver', 'libvirt']))
        self.assertEqual('2026.1-libvirt\n', out.getvalue())

    def test_budgets(self):
        self.assertEqual((90, 4 * 2 ** 30),
                         lifecycle.budgets(LIBVIRT_MODES[0]))
        for mode in FAKE_MODES:
            self.assertEqual(
                (lifecycle.WARM_UP_BUDGET, lifecycle.RSS_BUDGET),
                lifecycle.budgets(mode))


class TestConfiguration(testtools.TestCase):

    def test_fake_modes_run_the_fake_driver(self):
        for name in ('2024.2', '2026.1'):
            cloud = _cloud(self, name)
            conf = _compute_conf(cloud)
            self.assertEqual('fake.FakeDriverWithoutFakeNodes',
                             conf['DEFAULT']['compute_driver'])
            self.assertFalse(conf.has_section('libvirt'))
            self.assertEqual([], [p[0] for p in lifecycle.processes(cloud)
                                  if p[0] in (libvirt.SERVICE,
                                              libvirt.LOGD)])

    def test_libvirt_mode_renders_the_libvirt_driver(self):
        self.useFixture(fixtures.EnvironmentVariable(
            'DEVCLOUD_VIRT_TYPE', 'qemu'))
        cloud = _cloud(self, '2026.1-libvirt')
        conf = _compute_conf(cloud)
        self.assertEqual('libvirt.LibvirtDriver',
                         conf['DEFAULT']['compute_driver'])
        section = conf['libvirt']
        self.assertEqual('qemu', section['virt_type'])
        socket = os.path.join(cloud.layout.run, 'libvirt', 'libvirt-sock')
        self.assertEqual('qemu:///system?socket=' + socket,
                         section['connection_uri'])
        self.assertEqual(libvirt.uri(cloud), section['connection_uri'])
        self.assertEqual('none', section['cpu_mode'])
        self.assertEqual('flat', section['images_type'])
        self.assertEqual('true', section['swtpm_enabled'])
        self.assertEqual('user,host,deployment',
                         section['supported_tpm_secret_security'])
        helper = '{} --config-file {}'.format(
            cloud.layout.bin('privsep-helper'),
            cloud.layout.etc_file('nova-compute.conf'))
        self.assertEqual(helper, conf['nova_sys_admin']['helper_command'])
        self.assertEqual(helper, conf['privsep_osbrick']['helper_command'])

    def test_resume_guests_is_novas_default_until_host_reboot_sets_it(self):
        cloud = _cloud(self, '2026.1-libvirt')
        conf = _compute_conf(cloud)['DEFAULT']
        self.assertEqual('false', conf['resume_guests_state_on_host_boot'])
        self.assertEqual('0', conf['periodic_fuzzy_delay'])
        nova.set_resume_guests(cloud, True)
        conf = _compute_conf(cloud)['DEFAULT']
        self.assertEqual('true', conf['resume_guests_state_on_host_boot'])
        nova.set_resume_guests(cloud, False)
        self.assertFalse(nova.resume_guests(cloud))

    def test_host_reboot_needs_a_running_libvirt_mode(self):
        for name in ('2026.1', '2026.1-libvirt'):
            with testtools.ExpectedException(host_reboot.HostRebootError):
                host_reboot.run(_cloud(self, name), resume=True)
        out = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', out))
        self.useFixture(fixtures.EnvironmentVariable(
            'DEVCLOUD_DIR', self.useFixture(fixtures.TempDir()).path))
        self.assertEqual(1, cli.main(['host-reboot', '--nova', '2026.1']))
        self.assertIn('needs a libvirt mode', out.getvalue())

    def test_libvirt_daemons_start_before_nova_compute(self):
        cloud = _cloud(self, '2026.1-libvirt')
        names = [p[0] for p in lifecycle.processes(cloud)]
        self.assertLess(names.index(libvirt.LOGD),
                        names.index(libvirt.SERVICE))
        self.assertLess(names.index(libvirt.SERVICE),
                        names.index('nova-compute'))
        self.assertEqual(['nova-compute'],
                         [n for n in names if n.startswith('nova-compute')])

    def test_libvirtd_conf_names_the_cloud_socket_dir(self):
        cloud = _cloud(self, '2026.1-libvirt')
        libvirt.configure(cloud)
        with open(cloud.layout.etc_file('libvirtd.conf')) as src:
            text = src.read()
        self.assertIn('unix_sock_dir = "%s"' % libvirt.socket_dir(cloud),
                      text)
        self.assertTrue(os.path.isdir(libvirt.socket_dir(cloud)))
        # No TCP: the daemon is started without --listen.
        argv = []
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.context.Cloud.start',
            lambda self, name, command, env=None: argv.append(command)))
        libvirt.start(cloud)
        self.assertEqual([libvirt.VIRTLOGD, libvirt.LIBVIRTD],
                         [a[0] for a in argv])
        self.assertNotIn('--listen', argv[1])
        self.assertIn(cloud.layout.etc_file('libvirtd.conf'), argv[1])

    def test_more_cells_are_refused(self):
        root = self.useFixture(fixtures.TempDir()).path
        layout = paths.Layout('2026.1-libvirt', root=root, cells=2)
        out = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', out))
        cloud = context.Cloud(modes.get('2026.1-libvirt'), layout,
                              progress_mod.Progress())
        self.assertEqual(1, lifecycle.up(cloud))
        self.assertIn('one cell', out.getvalue())


class TestVirtType(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable('DEVCLOUD_VIRT_TYPE'))

    def test_choice_from_the_environment(self):
        for chosen in ('qemu', 'kvm'):
            self.useFixture(fixtures.EnvironmentVariable(
                'DEVCLOUD_VIRT_TYPE', chosen))
            self.assertEqual(chosen, libvirt.virt_type())

    def test_kvm_only_if_qemu_can_open_it(self):
        device = self.useFixture(fixtures.TempDir()).join('kvm')
        open(device, 'w').close()
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.services.libvirt.KVM', device))
        os.chmod(device, 0o600)
        self.assertFalse(libvirt.kvm_usable())
        self.assertEqual('qemu', libvirt.virt_type())
        os.chmod(device, 0o666)  # noqa: S103 (the test's own temp file)
        self.assertTrue(libvirt.kvm_usable())
        self.assertEqual('kvm', libvirt.virt_type())
        os.chmod(device, stat.S_IRUSR)
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.services.libvirt.KVM', device + '.missing'))
        self.assertFalse(libvirt.kvm_usable())

    def test_root_only_kvm_is_opened_to_group_kvm(self):
        device = self.useFixture(fixtures.TempDir()).join('kvm')
        open(device, 'w').close()
        os.chmod(device, 0o600)
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.services.libvirt.KVM', device))
        self.useFixture(fixtures.MonkeyPatch('os.geteuid', lambda: 0))
        group = types.SimpleNamespace(gr_gid=os.getgid())
        self.useFixture(fixtures.MonkeyPatch(
            'grp.getgrnam', lambda name: group))
        self.useFixture(fixtures.MonkeyPatch(
            'os.chown', lambda path, uid, gid: None))
        self.assertTrue(libvirt.open_kvm_to_its_group())
        self.assertEqual(0o660, stat.S_IMODE(os.stat(device).st_mode))
        self.assertTrue(libvirt.kvm_usable())
        # Usable already: left alone.
        self.assertFalse(libvirt.open_kvm_to_its_group())


def _wait_asleep(pid, timeout=10):
    # Until sleep(1) has started and sleeps its RSS still changes (the
    # forked copy of this process, then the loader).
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(f'/proc/{pid}/stat') as stat_file:
            fields = stat_file.read().rsplit(')', 1)
        if fields[0].endswith('(sleep') and fields[1].split()[0] == 'S':
            return
        time.sleep(0.01)
    raise AssertionError(f'process {pid} did not start sleeping')


class TestGuests(testtools.TestCase):

    def test_rss_counts_guests_once(self):
        # A process of its own group, as QEMU is.
        child = subprocess.Popen(['sleep', '30'], start_new_session=True)
        self.addCleanup(child.wait)
        self.addCleanup(child.kill)
        _wait_asleep(child.pid)
        alone = procs.group_rss([], pids=[child.pid])
        self.assertGreater(alone, 0)
        self.assertEqual(0, procs.group_rss([]))
        # In a group counted and named as a guest: counted once.
        self.assertEqual(alone, procs.group_rss([child.pid],
                                                pids=[child.pid]))
        self.assertEqual(alone, procs.group_rss([child.pid]))


class TestKeyManager(testtools.TestCase):

    def test_barbican_only_on_the_libvirt_mode(self):
        mode = LIBVIRT_MODES[0]
        self.assertTrue(mode.has_key_manager)
        self.assertIn('barbican==' + mode.release.barbican,
                      mode.requirements)
        for fake in FAKE_MODES:
            self.assertFalse(fake.has_key_manager)
            self.assertEqual([], [r for r in fake.requirements
                                  if r.startswith('barbican')])

    def test_port_and_password_only_where_barbican_runs(self):
        for name, extra in (('2026.1', set()),
                            ('2026.1-libvirt', {'barbican'})):
            root = self.useFixture(fixtures.TempDir()).path
            cloud = context.Cloud(modes.get(name),
                                  paths.Layout(name, root=root),
                                  progress_mod.Progress())
            cloud.load_settings()
            self.assertEqual(set(ports_mod.SERVICES) | extra,
                             set(cloud.ports))
            self.assertEqual(set(passwords.NAMES) | extra,
                             set(cloud.passwords))

    def test_nova_compute_keeps_vtpm_secrets_in_barbican(self):
        conf = _compute_conf(_cloud(self, '2026.1-libvirt'))
        self.assertEqual('barbican', conf['key_manager']['backend'])
        self.assertEqual('http://127.0.0.1:5000/v3',
                         conf['barbican']['auth_endpoint'])
        for name in ('2024.2', '2026.1'):
            conf = _compute_conf(_cloud(self, name))
            self.assertFalse(conf.has_section('key_manager'))

    def test_barbican_conf(self):
        cloud = _cloud(self, '2026.1-libvirt')
        cloud.ports['barbican'] = 9311
        cloud.passwords['barbican'] = 'secret-barbican'
        barbican.configure(cloud)
        conf = configparser.ConfigParser(interpolation=None)
        conf.read(os.path.join(cloud.layout.data, 'barbican', 'home',
                               '.barbican', 'barbican.conf'))
        self.assertEqual('http://127.0.0.1:9311',
                         conf['DEFAULT']['host_href'])
        self.assertEqual('simple_crypto',
                         conf['crypto']['enabled_crypto_plugins'])
        kek = conf['simple_crypto_plugin']['kek']
        self.assertEqual(32, len(base64.urlsafe_b64decode(kek)))
        # Made once: a second configure keeps it.
        barbican.configure(cloud)
        conf.read(cloud.layout.etc_file('barbican.conf'))
        self.assertEqual(kek, conf['simple_crypto_plugin']['kek'])
        self.assertEqual('barbican', conf['keystone_authtoken']['username'])


# Stopped last, RabbitMQ before its port mapper.
BROKER = ('rabbitmq', 'epmd', 'mariadb')


class TestStop(testtools.TestCase):

    def _stop(self, mode_name, **kwargs):
        calls = []
        cloud = _cloud(self, mode_name)
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.services.libvirt.stop_guests',
            lambda cloud, undefine=False: calls.append(
                ('guests', undefine)) or ['instance-00000001']))
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.procs.Registry.stop_all',
            lambda self, names=None, last=(): calls.append(
                ('processes', last)) or ['libvirtd']))
        return lifecycle.stop(cloud, **kwargs), calls

    def test_guests_go_before_libvirtd(self):
        stopped, calls = self._stop('2026.1-libvirt')
        self.assertEqual([('guests', False), ('processes', BROKER)], calls)
        self.assertEqual(['instance-00000001', 'libvirtd'], stopped)
        _, calls = self._stop('2026.1-libvirt', undefine_guests=True)
        self.assertEqual(('guests', True), calls[0])

    def test_fake_modes_stop_only_their_processes(self):
        stopped, calls = self._stop('2026.1')
        self.assertEqual([('processes', BROKER)], calls)
        self.assertEqual(['libvirtd'], stopped)
