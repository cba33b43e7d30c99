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

"""Free TCP ports on 127.0.0.1, kept stable across ``up`` when possible.

Ports are drawn below Linux's ephemeral range so that outgoing connections
of other programs do not take them between two ``up``.  The Keystone
catalog stores URLs with these ports, so a changed port is reported to the
caller, which then updates the catalog.
"""
import json
import random
import socket

SERVICES = ('keystone', 'placement', 'glance', 'nova-api', 'neutron',
            'rabbitmq', 'rabbitmq-dist', 'epmd')
LOW, HIGH = 20000, 32000


def is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


def is_listening(port, timeout=0.5):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout):
            return True
    except OSError:
        return False


def assign(path, check_free=True, services=SERVICES):
    """Return ({service: port}, changed) for the cloud whose file is path.

    With ``check_free`` a recorded port that is now taken is replaced.
    ``services``: SERVICES and those the cloud's mode adds.
    """
    try:
        with open(path) as saved:
            ports = json.load(saved)
    except (OSError, ValueError):
        ports = {}
    changed = False
    rng = random.SystemRandom()
    for name in services:
        port = ports.get(name)
        if port and (not check_free or is_free(port)):
            continue
        while True:
            port = rng.randrange(LOW, HIGH)
            if port not in ports.values() and is_free(port):
                break
        ports[name] = port
        changed = True
    if changed:
        with open(path, 'w') as saved:
            json.dump(ports, saved, indent=1, sort_keys=True)
    return ports, changed
