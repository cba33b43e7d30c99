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

"""The service registry and the step graph ``up`` starts a cloud with."""
import dataclasses
import io
import pkgutil
import threading
import time
from unittest import mock

import fixtures
import testtools

from devcloud import graph, lifecycle, modes, progress
from devcloud import services
from devcloud.services import Service
from tests.unit.devcloud import temp_cloud

MODES = list(modes.MODES.values())


def _names(steps):
    return {step.name: step for step in steps}


class TestRegistry(testtools.TestCase):

    def test_every_service_module_registers_itself(self):
        services.registered()
        modules = {info.name for info in pkgutil.iter_modules(
            services.__path__)}
        registering = {service.start.__module__.rsplit('.', 1)[1]
                       for service in services.registered()}
        # uwsgi.py is the helper of the WSGI services, not one itself.
        self.assertEqual(modules - {'uwsgi'}, registering)

    def test_each_service_after_what_it_needs(self):
        for mode in MODES:
            order = [s.name for s in services.for_mode(mode)]
            for index, service in enumerate(services.for_mode(mode)):
                for need in service.init_needs + service.start_needs:
                    need = services.service_of(need)
                    if need in order:
                        self.assertLess(order.index(need), index,
                                        (mode.name, service.name, need))

    def test_services_per_mode(self):
        for mode in MODES:
            names = [s.name for s in services.for_mode(mode)]
            self.assertEqual(mode.is_libvirt, 'libvirtd' in names)
            self.assertEqual(mode.has_key_manager, 'barbican' in names)
            self.assertEqual('horizon', names[-1])
            for always in ('mariadb', 'rabbitmq', 'keystone', 'placement',
                           'glance', 'neutron', 'nova-api', 'nova-daemons'):
                self.assertIn(always, names)

    def _with(self, *extra):
        table = dict(services._REGISTRY)
        table.update({s.name: s for s in extra})
        patch = mock.patch.dict(services._REGISTRY, table)
        patch.start()
        self.addCleanup(patch.stop)

    def test_a_need_nobody_registers(self):
        self._with(Service('lonely', start=print, start_needs=('ghost',)))
        error = self.assertRaises(ValueError, services.registered)
        self.assertIn('lonely needs ghost', str(error))

    def test_services_that_need_each_other(self):
        self._with(Service('chicken', start=print, init_needs=('egg',)),
                   Service('egg', start=print,
                           start_needs=('chicken' + services.INIT,)))
        error = self.assertRaises(ValueError, services.registered)
        self.assertIn('need each other', str(error))

    def test_one_name_twice(self):
        services.registered()
        self.assertRaises(ValueError, services.register,
                          Service('keystone', start=print))


class TestSteps(testtools.TestCase):

    def _cloud(self, mode_name):
        return temp_cloud.make(self, mode_name)

    def test_init_then_start_each_after_its_needs(self):
        steps = _names(lifecycle._steps(self._cloud('2026.1'),
                                        services.CLOUD))
        self.assertEqual((), steps['mariadb.init'].needs)
        self.assertEqual(('mariadb.init',), steps['mariadb'].needs)
        self.assertEqual(('mariadb',), steps['placement.init'].needs)
        self.assertEqual(('placement.init', 'keystone'),
                         steps['placement'].needs)
        self.assertEqual(('mariadb', 'rabbitmq'),
                         steps['nova-api.init'].needs)
        # The fake driver needs no libvirtd: the need is dropped.
        self.assertEqual(('nova-api.init', 'keystone'),
                         steps['nova-daemons'].needs)
        self.assertNotIn('horizon', steps)
        self.assertNotIn('barbican', steps)

    def test_libvirt_mode_computes_after_libvirtd(self):
        steps = _names(lifecycle._steps(self._cloud('2026.1-libvirt'),
                                        services.CLOUD))
        self.assertIn('libvirtd', steps['nova-daemons'].needs)
        self.assertEqual(('keystone',), steps['barbican'].needs)

    def test_the_dashboard_phase(self):
        steps = lifecycle._steps(self._cloud('2024.2'), services.DASHBOARD)
        self.assertEqual(['horizon.init', 'horizon'],
                         [step.name for step in steps])
        # Its needs are of the cloud's phase, met before it starts.
        self.assertEqual(('horizon.init',), steps[1].needs)


class TestGraph(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.out = io.StringIO()
        self.progress = progress.Progress(self.out)

    def test_needs_first(self):
        ran = []

        def step(name, needs=()):
            def function():
                time.sleep(0.01 if name == 'a' else 0)
                ran.append(name)
            return graph.Step(name, needs, None, function)

        graph.run(self.progress, [step('c', ('a', 'b')), step('b', ('a',)),
                                  step('a')])
        self.assertEqual(['a', 'b', 'c'], ran)

    def test_independent_steps_run_together(self):
        # Each waits for the other: run one after the other they time out.
        barrier = threading.Barrier(2, timeout=5)
        graph.run(self.progress, [
            graph.Step('x', (), 'x up', barrier.wait),
            graph.Step('y', (), None, barrier.wait)])
        self.assertIn('x up (', self.out.getvalue())
        self.assertEqual(1, self.out.getvalue().count('\n'))

    def test_first_failure_raised_and_nothing_after_it(self):
        ran = []

        def fail():
            raise RuntimeError('keystone did not answer')

        error = self.assertRaises(RuntimeError, graph.run, self.progress, [
            graph.Step('keystone', (), 'keystone', fail),
            graph.Step('placement', ('keystone',), None,
                       lambda: ran.append('placement'))])
        self.assertEqual('keystone did not answer', str(error))
        self.assertEqual([], ran)
        self.assertNotIn('keystone (', self.out.getvalue())

    def test_loops_and_unknown_needs_refused(self):
        def nothing():
            return None

        self.assertRaises(ValueError, graph.run, self.progress, [
            graph.Step('a', ('b',), None, nothing),
            graph.Step('b', ('a',), None, nothing)])
        self.assertRaises(ValueError, graph.run, self.progress, [
            graph.Step('a', ('ghost',), None, nothing)])


class TestUpOrder(testtools.TestCase):
    """lifecycle._start with every step of every service recorded."""

    def _start(self, mode_name):
        cloud = temp_cloud.make(self, mode_name)
        calls = []
        lock = threading.Lock()

        def record(*what):
            with lock:
                calls.append(what)

        def recorded(service):
            steps = {}
            for step in ('configure', 'init', 'start', 'wait'):
                if getattr(service, step) or (step == 'wait' and
                                              service.health_url):
                    steps[step] = (lambda cloud, step=step:
                                   record(step, service.name))
            if service.wait or service.health_url:
                # Waits take time: a step that does not wait for them
                # runs before they end.
                steps['wait'] = lambda cloud: (time.sleep(0.05),
                                               record('wait', service.name))
            return dataclasses.replace(service, **steps)

        fakes = [recorded(s) for s in services.registered()
                 if s.wanted(cloud.mode)]
        self.useFixture(fixtures.MockPatch(
            'devcloud.services.for_mode', return_value=fakes))
        self.useFixture(fixtures.MockPatchObject(cloud, 'load_settings'))
        self.useFixture(fixtures.MockPatch(
            'devcloud.seed.run',
            side_effect=lambda cloud, action, **kw: record('seed', action)))
        self.useFixture(fixtures.MockPatch(
            'devcloud.services.nova.manage',
            side_effect=lambda cloud, *args: record('nova-manage', *args)))
        self.useFixture(fixtures.MockPatch(
            'devcloud.lifecycle._write_clouds_yaml',
            side_effect=lambda cloud: record('clouds.yaml')))
        lifecycle._start(cloud)
        return calls

    def test_fake_driver_mode(self):
        self._check('2026.1')

    def test_libvirt_mode(self):
        self._check('2026.1-libvirt')

    def _check(self, mode_name):
        calls = self._start(mode_name)
        at = {call: index for index, call in enumerate(calls)}
        # Everything is configured before anything starts.
        last_configure = max(i for c, i in at.items()
                             if c[0] == 'configure')
        self.assertLess(last_configure, min(
            i for c, i in at.items() if c[0] != 'configure'))
        for service in services.registered():
            step = 'start' if service.start else 'wait'
            for need in service.start_needs + service.init_needs:
                if services.service_of(need) not in {
                        c[1] for c in calls if len(c) > 1}:
                    continue  # not run in this mode
                if need.endswith(services.INIT):
                    ready = ('init', services.service_of(need))
                else:
                    ready = ('wait', need)
                if ready in at and (step, service.name) in at:
                    self.assertLess(at[ready], at[step, service.name],
                                    (mode_name, service.name, need))
        # What the cloud itself needs, whatever a service declares:
        # Nova's daemons report with their service users, and a
        # libvirt mode's compute connects to libvirtd at start-up.
        daemons = at['start', 'nova-daemons']
        self.assertLess(at['wait', 'keystone'], daemons)
        self.assertLess(at['init', 'nova-api'], daemons)
        if mode_name.endswith('libvirt'):
            self.assertLess(at['wait', 'libvirtd'], daemons)
        for api in ('placement', 'glance', 'neutron', 'nova-api'):
            self.assertLess(at['init', api], at['start', api])
            self.assertLess(at['wait', 'keystone'], at['start', api])
        seeded = at['seed', 'resources']
        self.assertLess(at['start', 'nova-daemons'], seeded)
        self.assertLess(at['wait', 'nova-api'], seeded)
        self.assertLess(seeded, at['nova-manage', 'cell_v2',
                                   'discover_hosts', '--verbose'])
        self.assertLess(at[('clouds.yaml',)], at['init', 'horizon'])
        self.assertEqual(('wait', 'horizon'), calls[-1])


class TestHorizonLine(testtools.TestCase):
    """``up`` names Horizon's URL with the port Horizon is started on."""

    def test_first_up_names_the_port(self):
        # A new cloud of the mode: no port recorded for Horizon yet.
        cloud = temp_cloud.make(self, 'unpatched')
        out = io.StringIO()
        cloud.progress = progress.Progress(out)
        started = {}
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.context.Cloud.start',
            lambda self, name, argv, env=None: started.update(
                {name: argv})))

        def quiet(service):
            # Horizon keeps its own configure and start; nothing installs
            # and nothing is waited for.
            def nothing(cloud):
                pass

            init = nothing if service.init else None
            if service.name == 'horizon':
                return dataclasses.replace(service, init=init, wait=nothing)
            return dataclasses.replace(
                service, configure=None, init=init, start=None,
                wait=nothing)

        self.useFixture(fixtures.MockPatch(
            'devcloud.services.for_mode', return_value=[
                quiet(s) for s in services.registered()
                if s.wanted(cloud.mode)]))
        self.useFixture(fixtures.MockPatchObject(cloud, 'load_settings'))
        self.useFixture(fixtures.MockPatch('devcloud.seed.run'))
        self.useFixture(fixtures.MockPatch('devcloud.services.nova.manage'))
        self.useFixture(fixtures.MockPatch(
            'devcloud.lifecycle._write_clouds_yaml'))
        lifecycle._start(cloud)
        ini = temp_cloud.ini(self, started['horizon'][2],
                             strict=False)['uwsgi']
        port = ini['http-socket'].rpartition(':')[2]
        lines = [line for line in out.getvalue().splitlines()
                 if '] horizon on ' in line]
        self.assertEqual(1, len(lines), out.getvalue())
        self.assertIn(f'horizon on http://127.0.0.1:{port} (', lines[0])
