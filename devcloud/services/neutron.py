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

"""Neutron: neutron-server's API under uwsgi, ML2, MariaDB.

The mechanism driver is ``devcloud_loopback`` (devcloud/
neutron_ext/loopback.py): ports are bound and get addresses, and no
dataplane exists.  No agent runs, so no RPC server either: the API process
is all of Neutron here.
"""
import os

from devcloud.services import Service, mariadb, register, uwsgi

SERVICE = 'neutron'
DATABASE = 'neutron'
DB_USER = 'neutron'


def configure(cloud):
    cloud.layout.data_dir('neutron/locks')
    cloud.render('neutron.conf', extra={
        'neutron_paste': os.path.join(cloud.layout.venv, 'etc', 'neutron',
                                      'api-paste.ini'),
        'neutron_db': mariadb.url(cloud, DATABASE, user=DB_USER),
    })


def init(cloud):
    """Database and schema, first ``up`` only; MariaDB must be up."""
    if cloud.done('neutron-db'):
        return
    mariadb.ensure_user_database(cloud, DB_USER, DATABASE)
    cloud.run(SERVICE, [cloud.layout.bin('neutron-db-manage'),
                        '--config-file', cloud.layout.etc_file('neutron.conf'),
                        'upgrade', 'heads'])
    cloud.mark_done('neutron-db')


def start(cloud):
    # Releases up to 2024.1 ship only the pbr WSGI script.
    app = uwsgi.app_line(cloud.layout, module='neutron.wsgi.api:application',
                         script='neutron-api')
    uwsgi.start(cloud, SERVICE, SERVICE, app, threads=1, env={
        'OS_NEUTRON_CONFIG_DIR': cloud.layout.etc,
        'OS_NEUTRON_CONFIG_FILES': 'neutron.conf',
    })


def health_url(cloud):
    return cloud.url(SERVICE) + '/'


register(Service(
    SERVICE, configure=configure, init=init, start=start,
    init_needs=('mariadb',), start_needs=('keystone', 'rabbitmq'),
    port=SERVICE, health_url=health_url, init_label='neutron database'))
