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

"""Placement: MariaDB, its WSGI app under uwsgi."""
from devcloud.services import Service, mariadb, register, uwsgi

SERVICE = 'placement'


def configure(cloud):
    cloud.render('placement.conf', extra={
        'placement_db': mariadb.url(cloud, 'placement')})


def init(cloud):
    """The schema, first ``up`` only; MariaDB must be up."""
    mariadb.sync_once(cloud, SERVICE, [
        cloud.layout.bin('placement-manage'), '--config-file',
        cloud.layout.etc_file('placement.conf'), 'db', 'sync'])


def start(cloud):
    app = uwsgi.app_line(cloud.layout, module='placement.wsgi.api:application',
                         script='placement-api')
    uwsgi.start(cloud, SERVICE, 'placement', app, threads=2, env={
        'OS_PLACEMENT_CONFIG_DIR': cloud.layout.etc,
    })


def health_url(cloud):
    return cloud.url('placement') + '/'


register(Service(
    SERVICE, configure=configure, init=init, start=start,
    init_needs=('mariadb',), start_needs=('keystone',), port=SERVICE,
    health_url=health_url, init_label='placement database'))
