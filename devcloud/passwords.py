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

"""Passwords of this cloud's users, made once and kept in run/."""
import json
import os
import secrets

NAMES = ('admin', 'demo', 'alt', 'demo-reader', 'nova', 'placement',
         'glance', 'neutron', 'rabbitmq')


def load(path, extra=()):
    """The passwords of NAMES and ``extra`` (users a mode adds)."""
    names = NAMES + tuple(extra)
    try:
        with open(path) as saved:
            values = json.load(saved)
    except (OSError, ValueError):
        values = {}
    if all(name in values for name in names):
        return values
    for name in names:
        values.setdefault(name, secrets.token_hex(12))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as saved:
        json.dump(values, saved, indent=1, sort_keys=True)
    return values
