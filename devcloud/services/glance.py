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

"""Glance API with the file store, its database on MariaDB.

Glance up to 2025.2 still ships its eventlet server, ``glance-api``, which
is what this runs (one worker, bound to 127.0.0.1 by the config).
"""
import os

from devcloud.services import Service, mariadb, register

SERVICE = 'glance'


def _paste_ini(cloud):
    return os.path.join(cloud.layout.venv, 'etc', 'glance',
                        'glance-api-paste.ini')


def configure(cloud):
    for name in ('glance-images', 'glance-staging', 'glance-tasks',
                 'glance-locks', 'glance-cache'):
        cloud.layout.data_dir(name)
    cloud.render('glance-api.conf', extra={
        'glance_paste': _paste_ini(cloud),
        'glance_db': mariadb.url(cloud, 'glance')})


def init(cloud):
    """The schema, first ``up`` only; MariaDB must be up."""
    mariadb.sync_once(cloud, SERVICE, [
        cloud.layout.bin('glance-manage'), '--config-file',
        cloud.layout.etc_file('glance-api.conf'), 'db_sync'])


def start(cloud):
    cloud.start(SERVICE, [cloud.layout.bin('glance-api'), '--config-file',
                          cloud.layout.etc_file('glance-api.conf')])


def health_url(cloud):
    return cloud.url('glance') + '/versions'


register(Service(
    SERVICE, configure=configure, init=init, start=start,
    init_needs=('mariadb',), start_needs=('keystone',), port=SERVICE,
    health_url=health_url, health_accept=(200, 300),
    init_label='glance database'))
