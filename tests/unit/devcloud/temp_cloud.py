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

"""A ``context.Cloud`` on a temporary layout, for rendering tests.

Every port and every password is distinct, so that a service configured
with another service's port or password is told apart.  Nothing is
installed: the venv holds only the files configure() copies and the
modules uwsgi.app_line() looks for.
"""
import configparser
import os

import fixtures

from devcloud import context, modes, passwords, paths
from devcloud import ports as ports_mod
from devcloud import progress as progress_mod

FIRST_PORT = 21000
# The WSGI modules uwsgi.app_line() looks for in the venv.
WSGI_MODULES = ('keystone/wsgi/api.py', 'placement/wsgi/api.py',
                'nova/wsgi/osapi_compute.py', 'neutron/wsgi/api.py')


def make(test, mode_name, cells=1):
    root = test.useFixture(fixtures.TempDir()).path
    layout = paths.Layout(mode_name, root=root, cells=cells)
    layout.make_dirs()
    os.makedirs(os.path.join(layout.venv, 'etc', 'nova'))
    open(os.path.join(layout.venv, 'etc', 'nova', 'api-paste.ini'),
         'w').close()
    site = os.path.join(layout.venv, 'lib', 'python3', 'site-packages')
    for module in WSGI_MODULES:
        os.makedirs(os.path.join(site, os.path.dirname(module)),
                    exist_ok=True)
        open(os.path.join(site, module), 'w').close()
    cloud = context.Cloud(modes.get(mode_name), layout,
                          progress_mod.Progress())
    services = ports_mod.SERVICES + cloud.extra_services
    cloud.ports = {name: FIRST_PORT + number
                   for number, name in enumerate(services)}
    names = passwords.NAMES + cloud.extra_services
    cloud.passwords = {name: f'pw{number}-{name}'
                       for number, name in enumerate(names)}
    return cloud


def ini(test, path, strict=True):
    """The file at ``path`` parsed as INI (it must exist)."""
    parser = configparser.ConfigParser(interpolation=None, strict=strict)
    test.assertEqual([path], parser.read(path))
    return parser


def keyvalue(test, path):
    """A file of ``key = value`` lines without sections, parsed."""
    with open(path) as src:
        text = src.read()
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string('[top]\n' + text, source=path)
    return parser['top']
