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

"""The cloud's services, one module each, in devstack's manner.

Every service module ends with ``register(Service(...))``: its name, the
modes it runs in, and its steps (install, configure, init, start, wait,
stop).  ``tools/devcloud up`` imports every module of this package and
runs what is registered: a service's ``init`` once what it ``init_needs``
is ready, its ``start`` and ``wait`` once its own init and what it
``start_needs`` are (see lifecycle.py).  A module that registers nothing
(uwsgi.py) is a helper of the others.
"""
import dataclasses
import graphlib
import importlib
import pkgutil
from typing import Callable, Optional, Tuple

# The services every other one is started after and stopped after.
CLOUD = 'cloud'
# After the cloud is seeded (flavors, images, networks): the dashboard.
DASHBOARD = 'dashboard'
# A need "nova-api" + INIT is met once that service's init is done (it
# need not answer yet).
INIT = '.init'


def _always(mode):
    return True


@dataclasses.dataclass(frozen=True)
class Service:
    """How ``up``, ``down`` and ``status`` handle one service."""

    name: str
    # Runs in this mode?  (a Mode of modes.py)
    wanted: Callable = _always
    # CLOUD, or DASHBOARD (once the cloud is up and seeded).
    phase: str = CLOUD
    # Debian packages, and the function that installs them (progress).
    packages: Tuple[str, ...] = ()
    install: Optional[Callable] = None
    # Each (cloud): render configuration; one-time setup (databases,
    # keys); start the processes; wait until they answer (default: until
    # health_url answers with a status of health_accept).
    configure: Optional[Callable] = None
    init: Optional[Callable] = None
    start: Optional[Callable] = None
    wait: Optional[Callable] = None
    # Names of the services that must be ready (or, name + INIT, past
    # their init) before this one's init and its start.
    init_needs: Tuple[str, ...] = ()
    start_needs: Tuple[str, ...] = ()
    # The key of its port in cloud.ports, and (cloud) -> the URL that
    # answers once it is healthy.
    port: Optional[str] = None
    health_url: Optional[Callable] = None
    health_accept: Tuple[int, ...] = (200,)
    health_timeout: int = 90
    # (cloud) -> [(process, port key or None, health URL builder or None)]
    # of status and health, in start order; default: one process, the
    # service's name, with the port and health URL above.
    processes: Optional[Callable] = None
    # (cloud, undefine) -> names: what goes before the processes stop
    # (a hypervisor's guests).
    stop: Optional[Callable] = None
    # Stopped after every other process, so no client sees it go away.
    last_to_stop: bool = False
    # (cloud) -> the line ``up`` prints while it starts and waits
    # (default: the name, and the URL of its port); the line it prints
    # while init runs (without one, init prints its own).
    describe: Optional[Callable] = None
    init_label: Optional[str] = None

    def process_table(self, cloud):
        if self.processes:
            return list(self.processes(cloud))
        return [(self.name, self.port, self.health_url)]

    def wait_ready(self, cloud):
        if self.wait:
            self.wait(cloud)
        elif self.health_url:
            cloud.wait_http(self.name, self.health_url(cloud),
                            timeout=self.health_timeout,
                            accept=self.health_accept)

    def label(self, cloud):
        if self.describe:
            return self.describe(cloud)
        if self.port:
            return f'{self.name} on {cloud.url(self.port)}'
        return self.name


_REGISTRY = {}


def register(service):
    """Add ``service`` (a module calls this for its own)."""
    if service.name in _REGISTRY and _REGISTRY[service.name] != service:
        raise ValueError(f'two services named {service.name}')
    _REGISTRY[service.name] = service
    return service


def _import_all():
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f'{__name__}.{info.name}')


def service_of(need):
    """The service a need names."""
    return need[:-len(INIT)] if need.endswith(INIT) else need


def registered():
    """Every registered service, each after those it needs: the
    dashboard phase last, then by how many needs deep a service is, then
    by name."""
    _import_all()
    graph = {}
    for name, service in _REGISTRY.items():
        graph[name] = {service_of(need)
                       for need in service.init_needs + service.start_needs}
        for need in sorted(graph[name] - set(_REGISTRY)):
            raise ValueError(f'{name} needs {need}, which no module '
                             'registers')
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        raise ValueError('services need each other: ' +
                         ' -> '.join(error.args[1])) from None
    depth = {}
    for name in order:  # each after what it needs
        depth[name] = 1 + max((depth[need] for need in graph[name]),
                              default=-1)
    return sorted(_REGISTRY.values(), key=lambda s: (
        s.phase == DASHBOARD, depth[s.name], s.name))


def for_mode(mode):
    """The services a mode runs, each after those it needs."""
    return [s for s in registered() if s.wanted(mode)]
