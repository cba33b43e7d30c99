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

"""Nova: API (WSGI under uwsgi), conductor, scheduler, compute (the fake
driver, or libvirt on a libvirt mode: see libvirt.py).

cell0 and cell1 on MariaDB (see mariadb.py for why not SQLite), one
worker each; cell1 has the mode's number of compute hosts (two where
servers live-migrate, see modes.Mode.computes); with ``--cells N`` also
cell2..cellN, each with its own database, RabbitMQ vhost, conductor and
compute host (see cells.py).
"""
import os
import shutil
import string
import time

from devcloud import cells, paths
from devcloud.services import INIT, Service, libvirt, mariadb, rabbitmq
from devcloud.services import register
from devcloud.services import uwsgi

API = 'nova-api'
# The conductor, scheduler and computes of every cell.
DAEMONS = 'nova-daemons'
# Where a libvirt mode keeps its choice of resume_guests_state_on_host_boot.
RESUME_GUESTS_FILE = 'resume-guests-state-on-host-boot'

def _cell1_computes(cloud):
    """(process name, config file, host, state dir) of cell1's computes."""
    found = []
    for host in cells.cell1_hosts(cloud.mode.computes):
        suffix = host[len(cells.CONTROL_HOST):]  # "" or "-2", "-3"...
        found.append((f'nova-compute{suffix}', f'nova-compute{suffix}.conf',
                      host, f'nova{suffix}'))
    return found


def node_id_files(cloud):
    """{host: the file its nova-compute keeps its node's UUID in}, for
    cell1's computes."""
    return {host: os.path.join(cloud.layout.data, state, 'compute_id')
            for _name, _conf, host, state in _cell1_computes(cloud)}


def daemons(cloud):
    """(process name, config file) of every Nova daemon, in start order."""
    found = [('nova-conductor', 'nova.conf'),
             ('nova-scheduler', 'nova.conf')]
    found += [(name, conf) for name, conf, _host, _state
              in _cell1_computes(cloud)]
    for cell in cells.further(cloud.layout.cells):
        found.append((cells.conductor(cell), f'nova-{cell}.conf'))
        found.append((cells.compute(cell), f'nova-compute-{cell}.conf'))
    return found


def _transport_url(cloud, cell):
    url = cloud.template_values()['transport_url']
    return url if cell == 'cell1' else url + cell


def _cell_db(cloud, cell):
    if cell == 'cell1':
        return mariadb.url(cloud, 'nova_cell1')
    return mariadb.url(cloud, cells.database(cell), user=cells.db_user(cell),
                       socket=cells.db_socket(cloud, cell))


def _include(cloud, name, extra=None):
    with open(os.path.join(paths.TEMPLATES_DIR, name)) as inc:
        return string.Template(inc.read()).substitute(
            cloud.template_values(), **(extra or {}))


def _service_clients(cloud):
    return _include(cloud, 'nova-service-clients.inc')


def _driver_options(cloud, conf):
    """The virt driver's part of the compute configuration ``conf``."""
    if not cloud.mode.is_libvirt:
        return _include(cloud, 'nova-compute-fake.inc')
    key_manager = _include(cloud, 'nova-key-manager.inc') if (
        cloud.mode.has_key_manager) else ''
    return _include(cloud, 'nova-compute-libvirt.inc', dict(
        libvirt.template_values(cloud), key_manager=key_manager,
        compute_conf=cloud.layout.etc_file(conf),
        resume_guests=str(resume_guests(cloud)).lower()))


def resume_guests(cloud):
    """[DEFAULT]resume_guests_state_on_host_boot of a libvirt mode's
    compute: what ``tools/devcloud host-reboot`` last chose, else Nova's
    default (False)."""
    try:
        with open(cloud.layout.run_file(RESUME_GUESTS_FILE)) as src:
            return src.read().strip() == 'true'
    except FileNotFoundError:
        return False


def set_resume_guests(cloud, resume):
    with open(cloud.layout.run_file(RESUME_GUESTS_FILE), 'w') as out:
        out.write('true\n' if resume else 'false\n')


def configure(cloud):
    layout = cloud.layout
    layout.data_dir('nova/locks')
    layout.data_dir('nova/instances')
    clients = _service_clients(cloud)
    for cell in cells.names(cloud.layout.cells):
        # A further cell's conductor also reaches the API database: Nova
        # needs it for reschedules and other up-calls from the cell.
        cell_values = {'service_clients': clients,
                       'host': cells.compute_host(cell),
                       'transport_url': _transport_url(cloud, cell)}
        cloud.render('nova.conf', extra=dict(
            cell_values, nova_api_db=mariadb.url(cloud, 'nova_api'),
            cell_db=_cell_db(cloud, cell)), name=(
                'nova.conf' if cell == 'cell1' else f'nova-{cell}.conf'))
        if cell == 'cell1':
            computes = [(conf, host, state) for _name, conf, host, state
                        in _cell1_computes(cloud)]
        else:
            computes = [(f'nova-compute-{cell}.conf',
                         cells.compute_host(cell), f'nova-{cell}')]
        for conf, host, state in computes:
            layout.data_dir(state + '/instances')
            cloud.render('nova-compute.conf', extra=dict(
                cell_values, host=host, driver=_driver_options(cloud, conf),
                compute_state=os.path.join(layout.data, state)), name=conf)
    shutil.copyfile(os.path.join(layout.venv, 'etc', 'nova', 'api-paste.ini'),
                    layout.etc_file('api-paste.ini'))


def manage(cloud, *args, service='nova-manage', conf='nova.conf'):
    cloud.run(service, [cloud.layout.bin('nova-manage'), '--config-file',
                        cloud.layout.etc_file(conf)] + list(args))


def init(cloud):
    """Databases and cells; MariaDB and RabbitMQ must be up."""
    _init_databases(cloud)
    _init_cells(cloud)
    for cell in cells.further(cloud.layout.cells):
        cells.set_state(cloud, cell, 'up')  # a new up starts every cell up


def _init_databases(cloud):
    """The API database, cell0 and cell1, first ``up`` only."""
    if cloud.done('nova-db-mariadb'):
        return
    cell0 = mariadb.url(cloud, 'nova_cell0')
    manage(cloud, 'api_db', 'sync')
    manage(cloud, 'cell_v2', 'map_cell0', '--database_connection', cell0)
    manage(cloud, 'cell_v2', 'create_cell', '--name', 'cell1')
    manage(cloud, 'db', 'sync')
    cloud.mark_done('nova-db-mariadb')
    cloud.forget('nova-hosts')  # new databases: the host is not mapped


def _init_cells(cloud):
    """cell2..cellN: database, vhost, mapping and schema, once each."""
    for cell in cells.further(cloud.layout.cells):
        marker = 'nova-db-' + cell
        rabbitmq.ensure_vhost(cloud, cell)
        if cloud.done(marker):
            continue
        mariadb.ensure_user_database(cloud, cells.db_user(cell),
                                     cells.database(cell))
        mariadb.open_door(cloud, cells.db_socket(cloud, cell))
        manage(cloud, 'cell_v2', 'create_cell', '--name', cell,
               '--database_connection', _cell_db(cloud, cell),
               '--transport-url', _transport_url(cloud, cell))
        manage(cloud, 'db', 'sync', conf=f'nova-{cell}.conf')
        cloud.mark_done(marker)
        cloud.forget('nova-hosts')


def start_api(cloud):
    app = uwsgi.app_line(cloud.layout,
                         module='nova.wsgi.osapi_compute:application',
                         script='nova-api-wsgi')
    uwsgi.start(cloud, API, 'nova-api', app, threads=1, env={
        'OS_NOVA_CONFIG_DIR': cloud.layout.etc,
        'OS_NOVA_CONFIG_FILES': 'api-paste.ini;nova.conf',
    })


def start_daemons(cloud):
    cloud.nova_started = time.time()
    for name, conf in daemons(cloud):
        start_daemon(cloud, name, conf)


def start_daemon(cloud, name, conf):
    if name.startswith('nova-compute') and cloud.mode.is_libvirt:
        argv = [cloud.layout.bin('nova-compute'), '--config-file',
                cloud.layout.etc_file(conf)]
    elif name.startswith('nova-compute'):
        # The fake driver, declaring vTPM support (see the script).
        argv = [cloud.layout.python,
                os.path.join(paths.INVENV_DIR, 'nova_compute.py'),
                '--config-file', cloud.layout.etc_file(conf)]
    else:
        program = name.split('-cell')[0]  # nova-conductor-cell2
        argv = [cloud.layout.bin(program), '--config-file',
                cloud.layout.etc_file(conf)]
    cloud.start(name, argv)


def health_url(cloud):
    return cloud.url('nova-api') + '/'


register(Service(
    API, configure=configure, init=init, start=start_api,
    init_needs=('mariadb', 'rabbitmq'), start_needs=('keystone',), port=API,
    health_url=health_url, init_label='nova databases and cells'))
# Started once their databases and service users exist, while the APIs
# start (the computes retry until Placement answers); a libvirt mode's
# computes connect to libvirtd at start-up.
register(Service(
    DAEMONS, start=start_daemons,
    start_needs=(API + INIT, 'keystone', libvirt.SERVICE),
    processes=lambda cloud: [(name, None, None)
                             for name, _conf in daemons(cloud)],
    describe=lambda cloud: 'nova-conductor, nova-scheduler, ' + ', '.join(
        name for name, _conf in daemons(cloud)
        if name.startswith('nova-compute'))))
