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

"""The cells of a cloud, and taking one down and up again.

cell1 holds what a one-cell cloud has: the API database's own cell, the
conductor that also schedules (the "superconductor") and the compute host
``devcloud``.  Every further cell ``cellN`` has its own database
``nova_cellN`` reached as its own MariaDB user, its own RabbitMQ vhost, its
own conductor and one compute host ``devcloud-cellN``.

Each further cell reaches the database server through a socket path of
its own, ``run/cellN-db.sock`` (a link to the server's socket).  A cell is
taken down the way a database outage looks to Nova: that path goes away
and the cell's connections are dropped, so every connection to the cell's
database fails with "Can't connect", the API treats the cell as down and,
from microversion 2.69, lists its servers as partial records with status
UNKNOWN.  (Locking the cell's database user instead gives an error Nova's
cell handling does not expect: the API answers 500.)  The cell's
services keep running and reconnect when the cell comes back up.
"""
import os

from devcloud.services import mariadb

MAX_CELLS = 3
CONTROL_HOST = 'devcloud'


class CellError(Exception):
    pass


def names(count):
    return [f'cell{number}' for number in range(1, count + 1)]


def further(count):
    """The cells beyond cell1."""
    return names(count)[1:]


def compute_host(cell):
    return CONTROL_HOST if cell == 'cell1' else f'{CONTROL_HOST}-{cell}'


def cell1_hosts(computes=1):
    """cell1's compute hosts: ``devcloud``, then ``devcloud-2`` and on for
    a mode with more than one (a live migration needs a second host)."""
    return [CONTROL_HOST] + [f'{CONTROL_HOST}-{number}'
                             for number in range(2, computes + 1)]


def compute_hosts(count, computes=1):
    """Every compute host of a cloud of ``count`` cells."""
    return cell1_hosts(computes) + [compute_host(cell)
                                    for cell in further(count)]


def conductor_hosts(count):
    """The hosts a conductor reports from: one a cell."""
    return [compute_host(cell) for cell in names(count)]


def database(cell):
    return f'nova_{cell}'


def db_user(cell):
    return cell


def conductor(cell):
    return f'nova-conductor-{cell}'


def compute(cell):
    return f'nova-compute-{cell}'


def db_socket(cloud, cell):
    """The path a further cell reaches its database through."""
    return cloud.layout.run_file(f'{cell}-db.sock')


def _marker(cloud, cell):
    return cloud.layout.run_file(f'{cell}.down')


def down_cells(cloud):
    return [cell for cell in further(cloud.layout.cells)
            if os.path.exists(_marker(cloud, cell))]


def set_state(cloud, cell, action):
    """Take ``cell`` down or bring it up; CellError if it cannot be."""
    choices = further(cloud.layout.cells)
    if cell not in choices:
        raise CellError(
            f"{cloud.layout.name} has no cell {cell!r} that can go down "
            f"(cells: {', '.join(names(cloud.layout.cells))}; cell1 holds "
            "the control services)" if choices else
            f'{cloud.layout.name} has one cell: start a cloud of two with '
            f'tools/devcloud up --nova {cloud.mode.name} --cells 2')
    if not cloud.registry.alive(mariadb.SERVICE):
        raise CellError(f'{cloud.layout.name} is not running: '
                        f'{cloud.up_command}')
    if action == 'down':
        with open(_marker(cloud, cell), 'w') as flag:
            flag.write('down\n')
        mariadb.close_door(cloud, db_socket(cloud, cell), db_user(cell))
    else:
        mariadb.open_door(cloud, db_socket(cloud, cell))
        try:
            os.remove(_marker(cloud, cell))
        except FileNotFoundError:
            pass
