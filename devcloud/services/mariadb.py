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

"""MariaDB from Debian's mariadb-server, for every service's database.

On SQLite, writers held each other past the busy timeout ("database is
locked") as soon as several clients wrote at once: Nova's services first,
then Keystone when Tempest created and deleted its users in parallel.  The
server is started by hand, as root, with its data in the state dir and no
TCP listener at all (--skip-networking): the services reach it through a
unix socket.
"""
import os
import subprocess

from devcloud import apt
from devcloud.progress import StepFailed
from devcloud.services import Service, register

SERVICE = 'mariadb'
SERVER = '/usr/sbin/mariadbd'
PACKAGE = 'mariadb-server'
DATABASES = ('keystone', 'placement', 'glance', 'nova_api', 'nova_cell0',
             'nova_cell1')


def ensure_installed(progress):
    return apt.install(progress, PACKAGE, SERVER, SERVICE)


def sync_once(cloud, service, argv):
    """Run a service's schema sync ``argv`` on the first ``up`` only (the
    databases are on MariaDB, which must be up)."""
    marker = service + '-db-mariadb'
    if cloud.done(marker):
        return
    cloud.run(service, argv)
    cloud.mark_done(marker)


def socket_path(cloud):
    return os.path.join(cloud.layout.run, 'mariadb.sock')


def url(cloud, database, user='root', socket=None):
    return (f'mysql+pymysql://{user}@localhost/{database}'
            f'?unix_socket={socket or socket_path(cloud)}&charset=utf8')


def _datadir(cloud):
    return os.path.join(cloud.layout.data, 'mariadb')


def init(cloud):
    """Create the data directory, first ``up`` only."""
    if cloud.done('mariadb-datadir'):
        return
    cloud.run(SERVICE, ['mariadb-install-db', '--no-defaults',
                        '--datadir=' + _datadir(cloud), '--user=root',
                        '--auth-root-authentication-method=normal',
                        '--skip-test-db'])
    cloud.mark_done('mariadb-datadir')


def start(cloud):
    sock = socket_path(cloud)
    if os.path.exists(sock):
        os.remove(sock)  # left by a killed server
    cloud.start(SERVICE, [
        SERVER, '--no-defaults', '--user=root',
        '--datadir=' + _datadir(cloud), '--socket=' + sock,
        '--pid-file=' + os.path.join(cloud.layout.run, 'mariadb.pid'),
        '--skip-networking', '--skip-name-resolve',
        '--innodb-buffer-pool-size=64M'])


def wait_ready(cloud, timeout=60):
    """Wait for the socket, then create the services' databases."""
    cloud.wait_until(SERVICE, lambda: _sql(cloud, 'SELECT 1') == 0,
                     'MariaDB did not answer on ' + socket_path(cloud),
                     timeout)
    statements = '; '.join(
        f'CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8'
        for name in DATABASES)
    if _sql(cloud, statements) != 0:
        raise StepFailed("MariaDB did not create the services' databases",
                         service=SERVICE, log=cloud.layout.log_file(SERVICE))


def _sql(cloud, statements):
    argv = ['mariadb', '--no-defaults', '--user=root',
            '--socket=' + socket_path(cloud), '-e', statements]
    with open(cloud.layout.log_file(SERVICE), 'ab') as log:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT,
                              check=False).returncode


def ensure_user_database(cloud, user, database):
    """A database that only ``user`` (and root) may use.

    A cell of its own: locking ``user`` cuts that cell off and nothing
    else.  No password: the server has no TCP listener at all.
    """
    _check(cloud, f"CREATE DATABASE IF NOT EXISTS {database} CHARACTER SET "
           f"utf8; CREATE USER IF NOT EXISTS '{user}'@'localhost'; GRANT "
           f"ALL PRIVILEGES ON {database}.* TO '{user}'@'localhost'",
           f'could not create database {database} for {user}')


def open_door(cloud, door):
    """Make ``door`` (a path) a way in to the server's socket."""
    if os.path.islink(door) and os.readlink(door) == socket_path(cloud):
        return
    close_door(cloud, door)
    os.symlink(socket_path(cloud), door)


def close_door(cloud, door, user=None):
    """Remove ``door``; with ``user``, also drop that user's connections.

    Who connects through a missing socket gets "Can't connect to MySQL
    server", which is what a database host that went away gives.
    """
    try:
        os.remove(door)
    except FileNotFoundError:
        pass
    if user:
        _check(cloud, f"KILL CONNECTION USER '{user}'@'localhost'",
               f'could not drop the connections of {user}')


def _check(cloud, statements, what):
    if _sql(cloud, statements) != 0:
        raise StepFailed(what, service=SERVICE,
                         log=cloud.layout.log_file(SERVICE))


register(Service(
    SERVICE, packages=(PACKAGE,), install=ensure_installed, init=init,
    start=start, wait=wait_ready, last_to_stop=True,
    init_label='mariadb data directory'))
