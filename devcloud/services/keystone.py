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

"""Keystone: fernet tokens, MariaDB, the public WSGI app under uwsgi."""
from devcloud import context, seed
from devcloud.services import Service, mariadb, register, uwsgi

SERVICE = 'keystone'


def _manage(cloud, *args):
    cloud.run(SERVICE, [cloud.layout.bin('keystone-manage'),
                        '--config-file', cloud.layout.etc_file(
                            'keystone.conf')] + list(args))


def configure(cloud):
    cloud.render('keystone.conf', extra={
        'keystone_db': mariadb.url(cloud, 'keystone')})


def init(cloud):
    """Database, key repositories and the admin user, first ``up`` only.

    MariaDB must be up.
    """
    if not cloud.done('keystone-db-mariadb'):
        _manage(cloud, 'db_sync')
        for repo in ('fernet_setup', 'credential_setup'):
            _manage(cloud, repo, '--keystone-user', 'root',
                    '--keystone-group', 'root')
        # A new database (also after the move from SQLite) has no admin,
        # projects or catalog yet.
        for marker in context.PORT_STEPS:
            cloud.forget(marker)
        cloud.mark_done('keystone-db-mariadb')
    if not cloud.done('keystone-bootstrap') or cloud.ports_changed:
        url = cloud.keystone_url + '/v3'
        # bootstrap is idempotent and rewrites the identity endpoints.
        _manage(cloud, 'bootstrap',
                '--bootstrap-password', cloud.passwords['admin'],
                '--bootstrap-username', 'admin',
                '--bootstrap-project-name', 'admin',
                '--bootstrap-role-name', 'admin',
                '--bootstrap-service-name', 'keystone',
                '--bootstrap-region-id', 'RegionOne',
                '--bootstrap-admin-url', url,
                '--bootstrap-public-url', url,
                '--bootstrap-internal-url', url)
        cloud.mark_done('keystone-bootstrap')


def start(cloud):
    app = uwsgi.app_line(cloud.layout, module='keystone.wsgi.api:application',
                         script='keystone-wsgi-public')
    uwsgi.start(cloud, SERVICE, 'keystone', app, threads=2, env={
        'OS_KEYSTONE_CONFIG_FILES': cloud.layout.etc_file('keystone.conf'),
    })


def health_url(cloud):
    return cloud.keystone_url + '/v3'


def wait_ready(cloud):
    cloud.wait_http(SERVICE, health_url(cloud), accept=(200,))


def ready(cloud):
    """Answering, and holding the cloud's projects, users and catalog:
    what the other services need of Keystone."""
    wait_ready(cloud)
    seed.identity(cloud)


register(Service(
    SERVICE, configure=configure, init=init, start=start, wait=ready,
    init_needs=('mariadb',), port=SERVICE, health_url=health_url,
    init_label='keystone database, keys, admin'))
