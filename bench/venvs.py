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

"""The two client venvs: python-openstackclient with and without the plugin.

Both get python-openstackclient with the 2024.2 upper-constraints; the
plugin venv also gets this repository. pip's cache and the devcloud's
wheelhouse are reused, so a rebuild downloads nothing that is there. The
plugin is reinstalled when its sources change, so a run measures the tree.
"""
import hashlib
import os
import subprocess
import sys

from bench import paths

PLUGIN = 'venv-plugin'
PLAIN = 'venv-plain'


def _digest():
    sha = hashlib.sha256()
    roots = [os.path.join(paths.REPO, 'osc_image_props')]
    files = [os.path.join(paths.REPO, 'setup.cfg'),
             os.path.join(paths.REPO, 'requirements.txt')]
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != '__pycache__')
            files += [os.path.join(folder, n) for n in sorted(names)
                      if n.endswith('.py')]
    for name in files:
        sha.update(os.path.relpath(name, paths.REPO).encode())
        with open(name, 'rb') as src:
            sha.update(src.read())
    return sha.hexdigest()


def _pip(venv, args, log, constraints=paths.CONSTRAINTS):
    cmd = [os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install',
           '--quiet', '-c', constraints]
    if os.path.isdir(paths.WHEELHOUSE):
        cmd += ['--find-links', paths.WHEELHOUSE]
    subprocess.run(cmd + args, check=True, stdout=log, stderr=log)


def _create(name, log):
    venv = paths.venv(name)
    if not os.path.exists(os.path.join(venv, 'bin', 'openstack')):
        print(f'bench: creating {os.path.relpath(venv, paths.REPO)}',
              file=sys.stderr)
        subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
        _pip(venv, ['python-openstackclient'], log)
    return venv


def ensure():
    """Return {'plugin': path, 'plain': path}, installing what is missing."""
    os.makedirs(paths.BENCH_DIR, exist_ok=True)
    with open(os.path.join(paths.BENCH_DIR, 'pip.log'), 'a') as log:
        plain = _create(PLAIN, log)
        plugin = _create(PLUGIN, log)
        _install_plugin(plugin, log)
    return {'plugin': plugin, 'plain': plain}


def _install_plugin(venv, log, constraints=paths.CONSTRAINTS):
    """The plugin from the work tree, again whenever the tree changed."""
    marker = os.path.join(venv, 'osc-image-props.sha256')
    digest = _digest()
    current = None
    if os.path.exists(marker):
        with open(marker) as src:
            current = src.read().strip()
    if current != digest:
        print('bench: installing the plugin from the work tree into %s'
              % os.path.relpath(venv, paths.REPO), file=sys.stderr)
        _pip(venv, ['--force-reinstall', '--no-deps', paths.REPO], log,
             constraints)
        with open(marker, 'w') as dst:
            dst.write(digest + '\n')


def openstack(venv):
    return os.path.join(venv, 'bin', 'openstack')


def python(venv):
    return os.path.join(venv, 'bin', 'python')


NEWEST = 'venv-newest'


def ensure_newest():
    """A venv with the newest client pins and the plugin from the tree.

    The fleet benchmark's large tier measures the newest clients
    (``upper-constraints`` of the newest release line).
    """
    venv = paths.venv(NEWEST)
    os.makedirs(paths.BENCH_DIR, exist_ok=True)
    with open(os.path.join(paths.BENCH_DIR, 'pip.log'), 'a') as log:
        if not os.path.exists(os.path.join(venv, 'bin', 'openstack')):
            print('bench: creating %s' % os.path.relpath(venv, paths.REPO),
                  file=sys.stderr)
            subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
            _pip(venv, ['python-openstackclient'], log,
                 paths.NEWEST_CONSTRAINTS)
        _install_plugin(venv, log, paths.NEWEST_CONSTRAINTS)
    return venv
