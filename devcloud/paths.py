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

"""Where a cloud keeps its venv, configuration, data, logs and pids.

    <state>/wheelhouse/         every wheel any mode installed (warm installs)
    <state>/pip-cache/          pip's own cache (wheels it built)
    <state>/venvs/<mode>/       one venv per mode, kept by ``down --purge``
    <state>/clouds/<cloud>/etc  rendered configuration, clouds.yaml
                                (<cloud> is the mode, or <mode>-cells<N>
                                for a cloud of N cells, which shares the
                                mode's venv)
    <state>/clouds/<cloud>/data  databases, images, keys, RabbitMQ mnesia
    <state>/clouds/<cloud>/log   one log per service
    <state>/clouds/<cloud>/run   pids, ports, secrets, step markers
    <state>/clouds.yaml         copy of the clouds.yaml of the last ``up``
"""
import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
TEMPLATES_DIR = os.path.join(PACKAGE_DIR, 'templates')
INVENV_DIR = os.path.join(PACKAGE_DIR, 'invenv')


def state_root():
    return os.path.abspath(os.environ.get('DEVCLOUD_DIR')
                           or os.path.join(REPO_ROOT, '.devcloud'))


def constraints_dirs():
    """Where upper-constraints files are looked for, in order.

    ``$DEVCLOUD_CONSTRAINTS_DIR``, the repo's vendored ``constraints/``
    (tools/run-tests checks it equals the shared copy), then
    ``../shared/constraints``.
    """
    dirs = [os.environ.get('DEVCLOUD_CONSTRAINTS_DIR'),
            os.path.join(REPO_ROOT, 'constraints'),
            os.path.join(REPO_ROOT, '..', 'shared', 'constraints')]
    return [os.path.abspath(d) for d in dirs if d]


def cloud_name(mode_name, cells=1):
    """The name of a mode's cloud with ``cells`` cells."""
    return mode_name if cells == 1 else f'{mode_name}-cells{cells}'


def parse_cloud_name(name):
    """(mode name, cells) from a cloud name; None if it is not one."""
    mode, sep, cells = name.rpartition('-cells')
    if sep and cells.isdigit() and int(cells) > 1:
        return mode, int(cells)
    if not name or '/' in name:
        return None
    return name, 1


class Layout:
    """Paths of one cloud: a mode, with one cell or more."""

    def __init__(self, mode_name, root=None, cells=1):
        self.mode = mode_name
        self.cells = cells
        self.name = cloud_name(mode_name, cells)
        self.root = root or state_root()
        self.pip_cache = os.path.join(self.root, 'pip-cache')
        self.wheelhouse = os.path.join(self.root, 'wheelhouse')
        self.venv = os.path.join(self.root, 'venvs', mode_name)
        self.cloud = os.path.join(self.root, 'clouds', self.name)
        self.etc = os.path.join(self.cloud, 'etc')
        self.data = os.path.join(self.cloud, 'data')
        self.log = os.path.join(self.cloud, 'log')
        self.run = os.path.join(self.cloud, 'run')
        self.clouds_yaml = os.path.join(self.etc, 'clouds.yaml')
        self.last_clouds_yaml = os.path.join(self.root, 'clouds.yaml')

    def make_dirs(self):
        for path in (self.pip_cache, self.wheelhouse, self.etc, self.data,
                     self.log, self.run):
            os.makedirs(path, exist_ok=True)

    def bin(self, name):
        return os.path.join(self.venv, 'bin', name)

    @property
    def python(self):
        return self.bin('python')

    def site_packages(self):
        lib = os.path.join(self.venv, 'lib')
        for entry in sorted(os.listdir(lib)):
            if entry.startswith('python'):
                return os.path.join(lib, entry, 'site-packages')
        raise FileNotFoundError(f'no site-packages in {lib}')

    def log_file(self, service):
        return os.path.join(self.log, service + '.log')

    def etc_file(self, name):
        return os.path.join(self.etc, name)

    def data_dir(self, name):
        path = os.path.join(self.data, name)
        os.makedirs(path, exist_ok=True)
        return path

    def run_file(self, name):
        return os.path.join(self.run, name)
