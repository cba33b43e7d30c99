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

"""The venv pieces tools/devcloud writes itself."""
import importlib.metadata
import json
import os

import fixtures
import testtools

from devcloud import context, install, modes, paths, ports, progress


class TestNeutronExt(testtools.TestCase):

    def setUp(self):
        super().setUp()
        root = self.useFixture(fixtures.TempDir()).path
        self.layout = paths.Layout('test', root=root)
        self.site = os.path.join(self.layout.venv, 'lib', 'python3.12',
                                 'site-packages')
        os.makedirs(self.site)

    def test_neutron_finds_the_driver_by_its_entry_point(self):
        self.assertTrue(install.ensure_neutron_ext(self.layout))
        found = [ep for dist in importlib.metadata.distributions(
                     path=[self.site])
                 for ep in dist.entry_points
                 if ep.group == 'neutron.ml2.mechanism_drivers']
        self.assertEqual(
            [('devcloud_loopback',
              'devcloud_neutron_ext.loopback:LoopbackMechanismDriver')],
            [(ep.name, ep.value) for ep in found])
        module = os.path.join(self.site, 'devcloud_neutron_ext',
                              'loopback.py')
        with open(module) as src:
            self.assertIn('class LoopbackMechanismDriver', src.read())

    def test_second_install_changes_nothing(self):
        install.ensure_neutron_ext(self.layout)
        self.assertFalse(install.ensure_neutron_ext(self.layout))

    def test_a_changed_driver_is_written_again(self):
        install.ensure_neutron_ext(self.layout)
        module = os.path.join(self.site, 'devcloud_neutron_ext',
                              'loopback.py')
        with open(module, 'w') as out:
            out.write('# an older driver\n')
        self.assertTrue(install.ensure_neutron_ext(self.layout))


class TestPortChanges(testtools.TestCase):

    def test_catalog_steps_are_redone_after_a_new_port(self):
        # A port drawn by any command (status, env, ...) must still reach
        # the catalog on the next up, which itself sees no change.
        root = self.useFixture(fixtures.TempDir()).path
        layout = paths.Layout('test', root=root)
        cloud = context.Cloud(modes.get(modes.DEFAULT), layout,
                              progress.Progress())
        cloud.load_settings()
        for marker in context.PORT_STEPS:
            cloud.mark_done(marker)
        saved = layout.run_file('ports.json')
        with open(saved) as src:
            recorded = json.load(src)
        del recorded[ports.SERVICES[0]]  # as if a release added a service
        with open(saved, 'w') as out:
            json.dump(recorded, out)

        context.Cloud(cloud.mode, layout, progress.Progress()).load_settings()

        later = context.Cloud(cloud.mode, layout, progress.Progress())
        later.load_settings()
        self.assertFalse(later.ports_changed)
        self.assertEqual([], [m for m in context.PORT_STEPS
                              if later.done(m)])


class TestClientRelease(testtools.TestCase):

    def test_older_clouds_get_the_oldest_supported_clients(self):
        # The plugin's requirements exclude the 2024.1 pins (cliff 4.6).
        self.assertEqual(
            modes.OLDEST_CLIENT_SERIES,
            modes.client_release(modes.get('2024.1')).series)

    def test_newer_clouds_keep_their_own(self):
        for name in ('2024.2', 'unpatched', '2025.1', '2026.1'):
            mode = modes.get(name)
            self.assertEqual(mode.series,
                             modes.client_release(mode).series)


class TestEnsureVenv(testtools.TestCase):
    """The order of a first install: the wheelhouse, then uv from the
    index, then pip wheel, each only when the one before failed."""

    def setUp(self):
        super().setUp()
        root = self.useFixture(fixtures.TempDir()).path
        self.layout = paths.Layout('test', root=root)
        os.makedirs(os.path.dirname(self.layout.python))
        with open(self.layout.python, 'w'):
            pass
        self.mode = modes.get('2026.1')
        self.ran = []
        self.failing = set()

        def run(argv, log, **kwargs):
            self.ran.append(argv)
            if any(word in argv for word in self.failing):
                raise install.StepFailed('failed')

        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.install.run', run))
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.uv.binary', lambda: '/x/uv'))

    def kinds(self):
        return [('pip wheel' if 'wheel' in argv else
                 'offline' if '--no-index' in argv else 'uv online')
                for argv in self.ran]

    def test_the_wheelhouse_alone_when_it_has_everything(self):
        self.assertTrue(install.ensure_venv(self.mode, self.layout))
        self.assertEqual(['offline'], self.kinds())
        self.assertTrue(install.venv_current(self.mode, self.layout))
        self.assertFalse(install.ensure_venv(self.mode, self.layout))

    def test_uv_from_the_index_before_pip_wheel(self):
        self.failing = {'--no-index'}
        install.ensure_venv(self.mode, self.layout)
        self.assertEqual(['offline', 'uv online'], self.kinds())
        self.assertEqual(['/x/uv', 'pip', 'install'], self.ran[1][:3])

    def test_pip_wheel_when_uv_cannot(self):
        # uv fails whatever it does: the wheelhouse pip wheel fills is
        # then installed from, by uv again, which fails too.
        self.failing = {'/x/uv'}
        self.assertRaises(install.StepFailed, install.ensure_venv,
                          self.mode, self.layout)
        self.assertEqual(['offline', 'uv online', 'pip wheel', 'offline'],
                         self.kinds())


class TestHorizonInstall(testtools.TestCase):
    """Horizon's venv: uv where it is at hand, with the build constraints
    pip gets; pip when uv fails."""

    def setUp(self):
        super().setUp()
        from devcloud.services import horizon
        from tests.unit.devcloud import temp_cloud
        self.horizon = horizon
        self.cloud = temp_cloud.make(self, '2024.2')
        os.makedirs(os.path.dirname(horizon._bin(self.cloud, 'python')))
        open(horizon._bin(self.cloud, 'python'), 'w').close()
        self.ran = []
        self.failing = set()

        def run(argv, log, service, env, cwd=None):
            self.ran.append((argv, env))
            if any(word in argv for word in self.failing):
                raise install.StepFailed('failed')

        self.useFixture(fixtures.MonkeyPatch('devcloud.install.run', run))
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.uv.binary', lambda: '/x/uv'))

    def test_uv_with_the_build_constraints(self):
        self.assertTrue(self.horizon.ensure_installed(self.cloud))
        ((argv, env),) = self.ran
        self.assertEqual(['/x/uv', 'pip', 'install'], argv[:3])
        self.assertEqual(self.horizon.BUILD_CONSTRAINTS,
                         env['UV_BUILD_CONSTRAINT'])
        self.assertFalse(self.horizon.ensure_installed(self.cloud))

    def test_pip_when_uv_fails(self):
        self.failing = {'/x/uv'}
        self.horizon.ensure_installed(self.cloud)
        self.assertEqual(['/x/uv', self.horizon._bin(self.cloud, 'python')],
                         [argv[0] for argv, _ in self.ran])
