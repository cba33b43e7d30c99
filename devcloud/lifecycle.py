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

"""``up``, ``down`` and ``status`` of the services devcloud/services/
registers, in the order their needs give."""
import json
import os
import shutil
import time

from devcloud import cells, context, graph, install, modes, procs
from devcloud import ports as ports_mod
from devcloud import seed
from devcloud import services as services_mod
from devcloud.progress import StepFailed
from devcloud.services import horizon, libvirt, nova

FIRST_UP_BUDGET = 600
WARM_UP_BUDGET = 60
RSS_BUDGET = 3 * 1024 ** 3
# A libvirt mode also starts libvirtd and virtlogd, and its guests are
# real QEMU processes (counted in its RSS).
LIBVIRT_WARM_UP_BUDGET = 90
LIBVIRT_RSS_BUDGET = 4 * 1024 ** 3


def processes(cloud):
    """(process, port key or None, health URL builder or None) of every
    process of the cloud, in start order."""
    return [row for service in services_mod.for_mode(cloud.mode)
            for row in service.process_table(cloud)]


def last_to_stop(cloud):
    """The processes stopped after every other (the broker, the
    database), so no client sees them go away."""
    started = [row[0] for service in services_mod.for_mode(cloud.mode)
               if service.last_to_stop
               for row in service.process_table(cloud)]
    return tuple(reversed(started))


def budgets(mode):
    """(warm up seconds, RSS bytes) that ``up`` measures a cloud against."""
    if mode.is_libvirt:
        return LIBVIRT_WARM_UP_BUDGET, LIBVIRT_RSS_BUDGET
    return WARM_UP_BUDGET, RSS_BUDGET


def stop(cloud, undefine_guests=False):
    """Stop every process of the cloud (what a service stops first, such
    as a libvirt mode's guests, before); return the names of the live
    ones."""
    stopped = []
    for service in reversed(services_mod.for_mode(cloud.mode)):
        if service.stop:
            stopped += service.stop(cloud, undefine_guests)
    return stopped + cloud.registry.stop_all(last=last_to_stop(cloud))


def rss(cloud, records):
    """Resident memory of the cloud's process groups and its guests."""
    guests = libvirt.guest_pids() if cloud.mode.is_libvirt else ()
    return procs.group_rss((r['pid'] for r in records), pids=guests)


def health(cloud):
    """{process: (pid or None, port or None, healthy)}."""
    records = cloud.registry.load()
    result = {}
    for name, port_key, url in processes(cloud):
        record = records.get(name)
        alive = bool(record) and procs.is_alive(record)
        port = cloud.ports.get(port_key) if port_key else None
        healthy = alive
        if alive and url:
            healthy = context.http_status(url(cloud)) in (200, 300)
        elif alive and port:
            healthy = ports_mod.is_listening(port)
        result[name] = (record['pid'] if alive else None, port, healthy)
    return result


def up(cloud):
    progress = cloud.progress
    layout = cloud.layout
    if cloud.mode.is_libvirt and layout.cells > 1:
        progress.say(f'FAILED: {cloud.mode.name} runs one compute host on '
                     'one libvirtd: it has one cell')
        return 1
    layout.make_dirs()
    if cloud.registry.load():
        cloud.load_settings(check_free=False)
        states = health(cloud)
        healthy = all(h for _pid, _port, h in states.values())
        current = _is_current(cloud)
        if healthy and current:
            progress.say(f'devcloud {cloud.layout.name} is already '
                         'running')
            return 0
        why = ('half-running' if not healthy else
               'running with an outdated install or nova_patch')
        stopped = stop(cloud)
        progress.say('stopped a {} cloud ({})'.format(why, ', '.join(
            stopped or ['nothing alive'])))
    try:
        installed = _install(cloud)
        _start(cloud)
    except StepFailed as failure:
        _report_failure(cloud, failure)
        stop(cloud)
        return 1
    except BaseException:
        stop(cloud)
        raise
    _figures(cloud, installed)
    return 0


def _is_current(cloud):
    try:
        return install.is_current(cloud.mode, cloud.layout)
    except StepFailed:
        return False  # e.g. nova_patch/ gone: let the install step say so


def debian_packages(mode=None):
    """The Debian packages ``up`` installs for ``mode`` (default: for the
    default mode, as for every mode without a hypervisor)."""
    mode = mode or modes.get(modes.DEFAULT)
    return [package for service in services_mod.for_mode(mode)
            for package in service.packages]


def _install(cloud):
    progress, mode, layout = cloud.progress, cloud.mode, cloud.layout
    for service in services_mod.for_mode(mode):
        if service.install:
            with progress.step(', '.join(service.packages) +
                               ' (Debian) present'):
                service.install(progress)
    if not install.venv_current(mode, layout):
        # The longest step of a first run: say so before it starts.
        progress.say(f'venv {layout.venv}: installing {mode.summary} '
                     '(the first run fetches and builds a few hundred '
                     'packages: minutes)')
    with progress.step(f'venv {layout.venv}: {mode.summary}'):
        installed = install.ensure_venv(mode, layout)
        installed = install.ensure_neutron_ext(layout) or installed
    if mode.patched:
        with progress.step("nova_patch applied to the venv's Nova"):
            installed = install.ensure_patched(mode, layout) or installed
    return installed


def _steps(cloud, phase):
    """The graph steps of the services of ``phase``: ``name.init``, then
    ``name`` (start and wait), each after what it needs."""
    wanted = {service.name: service
              for service in services_mod.for_mode(cloud.mode)}
    steps = []
    for service in wanted.values():
        if service.phase != phase:
            continue

        def needs(names, service=service):
            # Needs of an earlier phase or of a service this mode does
            # not run are met already.
            return tuple(
                name for name in names
                if services_mod.service_of(name) in wanted and
                wanted[services_mod.service_of(name)].phase == service.phase)

        own = ()
        if service.init:
            steps.append(graph.Step(
                service.name + services_mod.INIT, needs(service.init_needs),
                service.init_label, lambda s=service: s.init(cloud)))
            own = (service.name + services_mod.INIT,)
        steps.append(graph.Step(
            service.name, own + needs(service.start_needs),
            service.label(cloud), lambda s=service: _start_and_wait(s, cloud)))
    return steps


def _start_and_wait(service, cloud):
    if service.start:
        service.start(cloud)
    service.wait_ready(cloud)


def _start(cloud):
    progress = cloud.progress
    cloud.load_settings()
    wanted = services_mod.for_mode(cloud.mode)
    with progress.step(f'configuration rendered in {cloud.layout.etc}'):
        for service in wanted:
            if service.configure:
                service.configure(cloud)
    graph.run(progress, _steps(cloud, services_mod.CLOUD))
    with progress.step('nova-compute up ({}); flavor, images, networks{}'
                       .format(', '.join(
                           cells.compute_hosts(cloud.layout.cells,
                                               cloud.mode.computes)),
                           '' if cloud.mode.is_libvirt else ', TPM traits')):
        seed.run(cloud, 'resources', service='nova-compute')
    # A cloud made before its mode had more hosts maps the new ones too.
    hosts_marker = 'nova-hosts-{}'.format(len(cells.compute_hosts(
        cloud.layout.cells, cloud.mode.computes)))
    if not cloud.done('nova-hosts') or not cloud.done(hosts_marker):
        with progress.step('nova-manage cell_v2 discover_hosts'):
            nova.manage(cloud, 'cell_v2', 'discover_hosts', '--verbose')
        cloud.mark_done('nova-hosts')
        cloud.mark_done(hosts_marker)
    _write_clouds_yaml(cloud)
    graph.run(progress, _steps(cloud, services_mod.DASHBOARD))


def _write_clouds_yaml(cloud):
    cloud.render('clouds.yaml')
    shutil.copy(cloud.layout.clouds_yaml, cloud.layout.last_clouds_yaml)
    with open(os.path.join(cloud.layout.root, 'last-mode'), 'w') as out:
        out.write(cloud.layout.name + '\n')


def _figures(cloud, installed):
    progress = cloud.progress
    elapsed = progress.elapsed
    records = cloud.registry.load()
    rss_used = rss(cloud, records.values())
    warm_budget, rss_budget = budgets(cloud.mode)
    # The warm budget is for a cloud whose installs and databases exist.
    if installed:
        kind, budget = 'first up (with installs)', FIRST_UP_BUDGET
    elif cloud.created:
        kind, budget = 'first up (new databases)', FIRST_UP_BUDGET
    else:
        kind, budget = 'warm up', warm_budget
    time_ok = 'ok' if elapsed <= budget else 'OVER'
    rss_ok = 'ok' if rss_used <= rss_budget else 'OVER'
    progress.say(f'devcloud {cloud.layout.name} is up: {kind} in '
                 f'{elapsed:.0f} s (budget {budget} s: {time_ok}); RSS of '
                 f'{len(records)} process groups '
                 f'{rss_used / 2 ** 20:.0f} MiB '
                 f'(budget {rss_budget // 2 ** 20} MiB: {rss_ok})')
    progress.say(f'clouds.yaml: {cloud.layout.clouds_yaml} (clouds '
                 'devcloud, devcloud-alt, devcloud-reader, devcloud-admin); '
                 'eval "$(tools/devcloud env)"')
    progress.say(f'horizon: {horizon.url(cloud)}/ (users demo, alt: '
                 'passwords in clouds.yaml)')
    with open(cloud.layout.run_file('last-up.json'), 'w') as out:
        json.dump({'kind': kind, 'seconds': round(elapsed, 1),
                   'rss_bytes': rss_used, 'time': time.time()}, out)


def _report_failure(cloud, failure):
    progress = cloud.progress
    progress.say(f'FAILED: {failure}')
    if failure.service:
        progress.say(f'service: {failure.service}')
    if failure.log:
        progress.say(f'log: {failure.log}; its last lines:')
        print(procs.tail(failure.log))
    progress.say('stopping what this up started')


def down(cloud, purge=False):
    stopped = stop(cloud, undefine_guests=purge)
    cloud.progress.say('devcloud {}: stopped {}'.format(
        cloud.layout.name, ', '.join(stopped) or 'nothing (not running)'))
    if purge and os.path.isdir(cloud.layout.cloud):
        shutil.rmtree(cloud.layout.cloud)
        cloud.progress.say(f'removed {cloud.layout.cloud} '
                           '(venv and wheel cache kept)')
    return 0


def status(cloud):
    if not os.path.exists(cloud.layout.run_file('ports.json')):
        print(f'devcloud {cloud.layout.name} is not set up: '
              f'{cloud.up_command}')
        return 3
    cloud.load_settings(check_free=False)
    states = health(cloud)
    print(f'devcloud {cloud.layout.name} ({cloud.layout.cloud})')
    down = cells.down_cells(cloud)
    if down:
        print('cells down (tools/devcloud cell up CELL): ' + ', '.join(down))
    row = '{:<22} {:>8} {:>6}  {}'
    print(row.format('SERVICE', 'PID', 'PORT', 'STATE'))
    for name, (pid, port, healthy) in states.items():
        state = 'healthy' if healthy else ('unhealthy' if pid else 'stopped')
        print(row.format(name, pid or '-', port or '-', state))
    records = cloud.registry.load()
    if records:
        used = rss(cloud, [r for r in records.values() if procs.is_alive(r)])
        print('total RSS %.0f MiB' % (used / 2 ** 20))
    return 0 if all(h for _p, _port, h in states.values()) else 3
