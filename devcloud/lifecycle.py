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

"""``up``, ``down`` and ``status``: the order services start and stop in."""
import json
import os
import shutil
import threading
import time

from devcloud import cells, context, facts, install, procs
from devcloud import ports as ports_mod
from devcloud.progress import StepFailed
from devcloud.services import (
    barbican,
    glance,
    horizon,
    keystone,
    libvirt,
    mariadb,
    neutron,
    nova,
    placement,
    rabbitmq,
)

# Stopped after every other process, so no client sees them go away.
BROKER = ("rabbitmq", "epmd", "mariadb")
FIRST_UP_BUDGET = 600
WARM_UP_BUDGET = 60
RSS_BUDGET = 3 * 1024 ** 3
# A libvirt mode also starts libvirtd and virtlogd, and its guests are
# real QEMU processes (counted in its RSS).
LIBVIRT_WARM_UP_BUDGET = 90
LIBVIRT_RSS_BUDGET = 4 * 1024 ** 3

# (process, port key or None, health URL builder or None), in start order;
# the processes of further cells follow (see processes()).
PROCESSES = [
    ("epmd", "epmd", None),
    ("rabbitmq", "rabbitmq", None),
    ("mariadb", None, None),
    ("keystone", "keystone", keystone.health_url),
    ("neutron", "neutron", neutron.health_url),
    ("placement", "placement", placement.health_url),
    ("glance", "glance", glance.health_url),
    ("nova-api", "nova-api", nova.health_url),
    ("nova-conductor", None, None),
    ("nova-scheduler", None, None),
    ("nova-compute", None, None),
    ("horizon", None, horizon.health_url),
]


# A libvirt mode's hypervisor, started before nova-compute.
LIBVIRT_PROCESSES = [
    (libvirt.LOGD, None, None),
    (libvirt.SERVICE, None, None),
]


def processes(cloud):
    extra = [(name, None, None) for name, _conf in nova.daemons(cloud)
             if name not in {p[0] for p in PROCESSES}]
    hypervisor = LIBVIRT_PROCESSES if cloud.mode.is_libvirt else []
    key_manager = [(barbican.SERVICE, barbican.SERVICE, barbican.health_url)
                   ] if cloud.mode.has_key_manager else []
    return hypervisor + PROCESSES + key_manager + extra


def budgets(mode):
    """(warm up seconds, RSS bytes) that ``up`` measures a cloud against."""
    if mode.is_libvirt:
        return LIBVIRT_WARM_UP_BUDGET, LIBVIRT_RSS_BUDGET
    return WARM_UP_BUDGET, RSS_BUDGET


def stop(cloud, undefine_guests=False):
    """Stop every process of the cloud (a libvirt mode's guests first);
    return the names of the live ones."""
    guests = []
    if cloud.mode.is_libvirt:
        guests = libvirt.stop_guests(cloud, undefine=undefine_guests)
    return guests + cloud.registry.stop_all(last=BROKER)


def rss(cloud, records):
    """Resident memory of the cloud's process groups and its guests."""
    guests = libvirt.guest_pids() if cloud.mode.is_libvirt else ()
    return procs.group_rss((r["pid"] for r in records), pids=guests)


def in_parallel(progress, steps):
    """Run {label: function} in threads; print each; raise first failure."""
    errors = []

    def runner(label, function):
        try:
            with progress.step(label):
                function()
        except Exception as exc:  # noqa: BLE001 (re-raised below)
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=item)
               for item in steps.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


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
        result[name] = (record["pid"] if alive else None, port, healthy)
    return result


def up(cloud):
    progress = cloud.progress
    layout = cloud.layout
    if cloud.mode.is_libvirt and layout.cells > 1:
        progress.say(f"FAILED: {cloud.mode.name} runs one compute host on "
                     "one libvirtd: it has one cell")
        return 1
    layout.make_dirs()
    if cloud.registry.load():
        cloud.load_settings(check_free=False)
        states = health(cloud)
        healthy = all(h for _pid, _port, h in states.values())
        current = _is_current(cloud)
        if healthy and current:
            progress.say(f"devcloud {cloud.layout.name} is already "
                         "running")
            return 0
        why = ("half-running" if not healthy else
               "running with an outdated install or nova_patch")
        stopped = stop(cloud)
        progress.say("stopped a {} cloud ({})".format(why, ", ".join(
            stopped or ["nothing alive"])))
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


# The services that come from Debian's packages (each module's PACKAGE).
DEBIAN_SERVICES = (rabbitmq, mariadb)


def debian_packages(mode=None):
    """The Debian packages ``up`` installs for ``mode`` (default: for every
    mode without a hypervisor)."""
    found = [service.PACKAGE for service in DEBIAN_SERVICES]
    if mode is not None and mode.is_libvirt:
        found += list(libvirt.PACKAGES)
    return found


def _install(cloud):
    progress, mode, layout = cloud.progress, cloud.mode, cloud.layout
    with progress.step(", ".join(debian_packages()) + " (Debian) present"):
        for service in DEBIAN_SERVICES:
            service.ensure_installed(progress)
    if mode.is_libvirt:
        with progress.step("libvirt, QEMU, swtpm and libvirt-python's "
                           "build dependencies (Debian) present"):
            libvirt.ensure_installed(progress)
    with progress.step(f"venv {layout.venv}: {mode.summary}"):
        installed = install.ensure_venv(mode, layout)
        installed = install.ensure_neutron_ext(layout) or installed
    if mode.patched:
        with progress.step("nova_patch applied to the venv's Nova"):
            installed = install.ensure_patched(mode, layout) or installed
    return installed


def _start(cloud):
    progress = cloud.progress
    cloud.load_settings()
    with progress.step(f"configuration rendered in {cloud.layout.etc}"):
        for service in (keystone, placement, glance, neutron, nova):
            service.configure(cloud)
        if cloud.mode.is_libvirt:
            libvirt.configure(cloud)
        if cloud.mode.has_key_manager:
            barbican.configure(cloud)
    if cloud.mode.is_libvirt:
        # Before Nova's computes, which connect at start-up.
        with progress.step("libvirtd and virtlogd on {} (virt_type "
                           "{})".format(libvirt.uri(cloud),
                                        libvirt.virt_type())):
            libvirt.start(cloud)
            libvirt.wait_ready(cloud)
    rabbitmq.start(cloud)
    with progress.step("mariadb"):
        mariadb.prepare(cloud)
        mariadb.start(cloud)
        mariadb.wait_ready(cloud)

    def keystone_up():
        keystone.prepare(cloud)
        keystone.start(cloud)
        keystone.wait_ready(cloud)

    in_parallel(progress, {
        f"rabbitmq on 127.0.0.1:{cloud.ports['rabbitmq']}":
            lambda: rabbitmq.wait_ready(cloud),
        f"keystone on {cloud.keystone_url}": keystone_up,
        "placement database": lambda: placement.prepare(cloud),
        "glance database": lambda: glance.prepare(cloud),
        "nova databases and cells": lambda: nova.prepare(cloud),
        "neutron database": lambda: neutron.prepare(cloud),
    })
    further = cells.further(cloud.layout.cells)
    if further:
        with progress.step("{}: database, RabbitMQ vhost, cell "
                           "mapping".format(", ".join(further))):
            nova.prepare_cells(cloud)
    for cell in further:  # a new up starts every cell up
        cells.set_state(cloud, cell, "up")
    settings = _seed_settings(cloud)
    if not cloud.done("seed-identity") or cloud.ports_changed:
        with progress.step("projects, users, roles and catalog"):
            _invenv(cloud, "seed", "identity", settings)
        cloud.mark_done("seed-identity")
    placement.start(cloud)
    glance.start(cloud)
    neutron.start(cloud)
    nova.start_api(cloud)
    _seed_settings(cloud, nova_started=time.time())
    for daemon, conf in nova.daemons(cloud):
        nova.start_daemon(cloud, daemon, conf)
    waits = {
        f"placement on {cloud.url('placement')}":
            lambda: placement.wait_ready(cloud),
        f"glance on {cloud.url('glance')}":
            lambda: glance.wait_ready(cloud),
        f"neutron on {cloud.url('neutron')}":
            lambda: neutron.wait_ready(cloud),
        f"nova-api on {cloud.url('nova-api')}":
            lambda: nova.wait_api(cloud),
    }
    if cloud.mode.has_key_manager:
        barbican.start(cloud)
        waits[f"barbican on {barbican.url(cloud)}"] = (
            lambda: barbican.wait_ready(cloud))
    in_parallel(progress, waits)
    with progress.step("nova-compute up ({}); flavor, images, networks{}"
                       .format(", ".join(
                           cells.compute_hosts(cloud.layout.cells,
                                               cloud.mode.computes)),
                           "" if cloud.mode.is_libvirt else ", TPM traits")):
        _invenv(cloud, "seed", "resources", settings, service="nova-compute")
    # A cloud made before its mode had more hosts maps the new ones too.
    hosts_marker = "nova-hosts-{}".format(len(cells.compute_hosts(
        cloud.layout.cells, cloud.mode.computes)))
    if not cloud.done("nova-hosts") or not cloud.done(hosts_marker):
        with progress.step("nova-manage cell_v2 discover_hosts"):
            nova.manage(cloud, "cell_v2", "discover_hosts", "--verbose")
        cloud.mark_done("nova-hosts")
        cloud.mark_done(hosts_marker)
    _write_clouds_yaml(cloud)
    horizon.up(cloud)


def _seed_settings(cloud, nova_started=None):
    path = cloud.layout.run_file("seed-settings.json")
    settings = {
        "nova_started": nova_started,
        "keystone_url": cloud.keystone_url,
        "passwords": cloud.passwords,
        "compute_hosts": cells.compute_hosts(cloud.layout.cells,
                                             cloud.mode.computes),
        "conductor_hosts": cells.conductor_hosts(cloud.layout.cells),
        "flavors": facts.flavors(cloud.mode),
        # The fake driver reports no TPM support: the seed adds the traits
        # a vTPM server is scheduled by.  libvirt reports its own.
        "add_tpm_traits": not cloud.mode.is_libvirt,
        # libvirt names its node after the machine: the seed finds the
        # node's provider by the UUID nova-compute keeps in its state.
        "node_ids": nova.node_id_files(cloud) if cloud.mode.is_libvirt
        else {},
        "endpoints": {
            "placement": cloud.url("placement"),
            "image": cloud.url("glance"),
            "compute": cloud.url("nova-api") + "/v2.1",
            "network": cloud.url("neutron"),
        },
        # Service users only some modes have (Barbican's).
        "service_users": list(cloud.extra_services),
    }
    if cloud.mode.has_key_manager:
        settings["endpoints"][barbican.SERVICE_TYPE] = barbican.url(cloud)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(settings, out)
    return path


def _invenv(cloud, script, action, settings, service="seed"):
    from devcloud import paths
    cloud.run(service, [cloud.layout.python,
                        os.path.join(paths.INVENV_DIR, script + ".py"),
                        action, settings], timeout=300)


def _write_clouds_yaml(cloud):
    cloud.render("clouds.yaml")
    shutil.copyfile(cloud.layout.clouds_yaml, cloud.layout.last_clouds_yaml)
    with open(os.path.join(cloud.layout.root, "last-mode"), "w") as out:
        out.write(cloud.layout.name + "\n")


def _figures(cloud, installed):
    progress = cloud.progress
    elapsed = progress.elapsed
    records = cloud.registry.load()
    rss_used = rss(cloud, records.values())
    warm_budget, rss_budget = budgets(cloud.mode)
    # The warm budget is for a cloud whose installs and databases exist.
    if installed:
        kind, budget = "first up (with installs)", FIRST_UP_BUDGET
    elif cloud.created:
        kind, budget = "first up (new databases)", FIRST_UP_BUDGET
    else:
        kind, budget = "warm up", warm_budget
    time_ok = "ok" if elapsed <= budget else "OVER"
    rss_ok = "ok" if rss_used <= rss_budget else "OVER"
    progress.say(f"devcloud {cloud.layout.name} is up: {kind} in "
                 f"{elapsed:.0f} s (budget {budget} s: {time_ok}); RSS of "
                 f"{len(records)} process groups "
                 f"{rss_used / 2 ** 20:.0f} MiB "
                 f"(budget {rss_budget // 2 ** 20} MiB: {rss_ok})")
    progress.say(f"clouds.yaml: {cloud.layout.clouds_yaml} (clouds "
                 "devcloud, devcloud-alt, devcloud-reader, devcloud-admin); "
                 'eval "$(tools/devcloud env)"')
    progress.say(f"horizon: {horizon.url(cloud)}/ (users demo, alt: "
                 "passwords in clouds.yaml)")
    with open(cloud.layout.run_file("last-up.json"), "w") as out:
        json.dump({"kind": kind, "seconds": round(elapsed, 1),
                   "rss_bytes": rss_used, "time": time.time()}, out)


def _report_failure(cloud, failure):
    progress = cloud.progress
    progress.say(f"FAILED: {failure}")
    if failure.service:
        progress.say(f"service: {failure.service}")
    if failure.log:
        progress.say(f"log: {failure.log}; its last lines:")
        print(procs.tail(failure.log))
    progress.say("stopping what this up started")


def down(cloud, purge=False):
    stopped = stop(cloud, undefine_guests=purge)
    cloud.progress.say("devcloud {}: stopped {}".format(
        cloud.layout.name, ", ".join(stopped) or "nothing (not running)"))
    if purge and os.path.isdir(cloud.layout.cloud):
        shutil.rmtree(cloud.layout.cloud)
        cloud.progress.say(f"removed {cloud.layout.cloud} "
                           "(venv and wheel cache kept)")
    return 0


def status(cloud):
    if not os.path.exists(cloud.layout.run_file("ports.json")):
        print(f"devcloud {cloud.layout.name} is not set up: "
              f"{cloud.up_command}")
        return 3
    cloud.load_settings(check_free=False)
    states = health(cloud)
    print(f"devcloud {cloud.layout.name} ({cloud.layout.cloud})")
    down = cells.down_cells(cloud)
    if down:
        print("cells down (tools/devcloud cell up CELL): " + ", ".join(down))
    row = "{:<22} {:>8} {:>6}  {}"
    print(row.format("SERVICE", "PID", "PORT", "STATE"))
    for name, (pid, port, healthy) in states.items():
        state = "healthy" if healthy else ("unhealthy" if pid else "stopped")
        print(row.format(name, pid or "-", port or "-", state))
    records = cloud.registry.load()
    if records:
        used = rss(cloud, [r for r in records.values() if procs.is_alive(r)])
        print("total RSS %.0f MiB" % (used / 2 ** 20))
    return 0 if all(h for _p, _port, h in states.values()) else 3
