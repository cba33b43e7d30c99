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

"""uv, where it is at hand, to install into a venv what pip would.

uv installs the same pins as pip (same wheels, same constraints) in
seconds where pip takes most of a minute for a few hundred wheels; CI makes
a score of venvs a run.  It is found in the project's tool venv
(.venv-tools/, which tools/run-tests makes) or on PATH; without it pip
does the work.  tools/pip-install (the tox environments' installer) and
the devcloud's offline installs from its wheelhouse use it.  Standard
library only.
"""
import os
import shutil

from devcloud import paths


def binary():
    """The uv to use, or None."""
    bundled = os.path.join(paths.REPO_ROOT, '.venv-tools', 'bin', 'uv')
    if os.access(bundled, os.X_OK):
        return bundled
    return shutil.which('uv')


def install_command(python, environ=None):
    """argv that installs into the venv of ``python``; arguments follow."""
    uv = binary()
    if uv is None:
        return [python, '-m', 'pip', 'install']
    argv = [uv, 'pip', 'install', '--python', python]
    environ = os.environ if environ is None else environ
    # pip's cache dir set for a cold run: uv's cache goes in it too.
    if 'UV_CACHE_DIR' not in environ and environ.get('PIP_CACHE_DIR'):
        argv += ['--cache-dir', os.path.join(environ['PIP_CACHE_DIR'], 'uv')]
    return argv
