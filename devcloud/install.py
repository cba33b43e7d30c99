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

"""Install a mode's services into its own venv and apply nova_patch.

pip runs with the mode's upper-constraints file.  Every wheel is kept in
a wheelhouse in the state dir, so a second install of the same mode (or of
``unpatched`` after ``2024.2``) downloads and builds nothing; the installs
from the wheelhouse go through uv where it is at hand (see uv.py).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys

from devcloud import paths, uv
from devcloud.progress import StepFailed

INSTALLED = '.devcloud-installed.json'
PATCHED = '.devcloud-patched.json'


def read_json(path):
    try:
        with open(path) as src:
            return json.load(src)
    except (OSError, ValueError):
        return None


def _write_json(path, value):
    with open(path, 'w') as out:
        json.dump(value, out, indent=1, sort_keys=True)


def run(argv, log, service='install', env=None, cwd=None):
    """Run ``argv`` with its output appended to ``log``; raise if it fails."""
    with open(log, 'ab') as out:
        out.write(('--- devcloud: {}\n'.format(' '.join(argv))).encode())
        out.flush()
        code = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out,
                              stderr=subprocess.STDOUT, env=env, cwd=cwd,
                              check=False).returncode
    if code != 0:
        raise StepFailed(f"{' '.join(argv[:4])} failed (exit {code})",
                         service=service, log=log)


def constraints_file(mode):
    for folder in paths.constraints_dirs():
        path = os.path.join(folder, mode.constraints_name)
        if os.path.exists(path):
            return path
    raise StepFailed(f"{mode.constraints_name} is in none of "
                     f"{', '.join(paths.constraints_dirs())} (set "
                     "DEVCLOUD_CONSTRAINTS_DIR)", service='install')


def wanted(mode, requirements=None):
    """What the venv must hold; compared with the marker it was made with.

    ``mode`` is a Mode, or a Release with ``requirements``.  The
    constraints count by content, not by path, so moving between the
    vendored and the shared copy reinstalls nothing.
    """
    constraints = constraints_file(mode)
    with open(constraints, 'rb') as src:
        digest = hashlib.sha256(src.read()).hexdigest()
    return {'requirements': requirements or mode.requirements,
            'constraints': mode.constraints_name,
            'constraints_sha256': digest,
            'python': sys.version.split()[0]}


def venv_current(mode, layout):
    """Whether the venv holds what ``mode`` wants (nothing to install)."""
    return read_json(os.path.join(layout.venv, INSTALLED)) == wanted(mode)


def ensure_venv(mode, layout):
    """Install if needed; return True if anything was installed."""
    want = wanted(mode)
    marker = os.path.join(layout.venv, INSTALLED)
    if read_json(marker) == want:
        return False
    log = layout.log_file('install')
    if not os.path.exists(layout.python):
        run([sys.executable, '-m', 'venv', layout.venv], log)
    pip = [layout.python, '-m', 'pip']
    args = ['-c', constraints_file(mode)] + want['requirements']
    offline = uv.install_command(layout.python) + [
        '--no-index', '--find-links', layout.wheelhouse] + args
    online = None
    if uv.binary() is not None:
        # uv fetches and builds what the wheelhouse lacks itself, in a
        # fraction of pip wheel's minutes, and its cache is then the
        # cache; pip wheel stays the way when uv cannot.
        online = uv.install_command(layout.python) + args
    if not _try(offline, log) and (online is None or not _try(online, log)):
        # Some wheel is missing: fetch (or build, e.g. uwsgi) every wheel
        # into the wheelhouse once, then install from it.  PyPI answers
        # here are not kept by pip's HTTP cache, so this is the cache.
        run(pip + ['wheel', '--cache-dir', layout.pip_cache,
                    '--wheel-dir', layout.wheelhouse, '--find-links',
                    layout.wheelhouse] + args, log)
        run(offline, log)
    _write_json(marker, want)
    # A fresh Nova is unpatched, whatever an old marker says.
    remove(os.path.join(layout.venv, PATCHED))
    return True


# The ML2 driver of devcloud/neutron_ext, made importable by
# neutron-server as a distribution of its own: ML2 finds mechanism drivers
# only through entry points.
NEUTRON_EXT = 'devcloud_neutron_ext'
NEUTRON_EXT_ENTRY_POINTS = """[neutron.ml2.mechanism_drivers]
devcloud_loopback = devcloud_neutron_ext.loopback:LoopbackMechanismDriver
"""


def ensure_neutron_ext(layout):
    """Install the driver into the venv; return True if anything changed."""
    site = layout.site_packages()
    source = os.path.join(paths.PACKAGE_DIR, 'neutron_ext')
    files = {os.path.join(NEUTRON_EXT, name): _read(os.path.join(source,
                                                                  name))
             for name in ('__init__.py', 'loopback.py')}
    info = NEUTRON_EXT + '-1.0.dist-info'
    files[os.path.join(info, 'METADATA')] = (
        "Metadata-Version: 2.1\nName: devcloud-neutron-ext\n"
        "Version: 1.0\nSummary: tools/devcloud's ML2 loopback driver\n")
    files[os.path.join(info, 'entry_points.txt')] = NEUTRON_EXT_ENTRY_POINTS
    files[os.path.join(info, 'INSTALLER')] = 'tools/devcloud\n'
    files[os.path.join(info, 'RECORD')] = ''.join(
        f'{name},,\n' for name in sorted(files) + [
            os.path.join(info, 'RECORD')])
    changed = False
    for name, text in files.items():
        path = os.path.join(site, name)
        if _read(path) == text:
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as out:
            out.write(text)
        changed = True
    return changed


def _read(path):
    try:
        with open(path) as src:
            return src.read()
    except FileNotFoundError:
        return None


def _try(argv, log):
    try:
        run(argv, log)
    except StepFailed:
        return False
    return True


def remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def patch_digest():
    """Digest of nova_patch/ so that a changed backport is re-applied."""
    root = os.path.join(paths.REPO_ROOT, 'nova_patch')
    if not os.path.isdir(root):
        raise StepFailed(
            f'nova_patch/ is not in {paths.REPO_ROOT}: use --nova '
            'unpatched or --nova upstream until the backport is there',
            service='nova-patch')
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for name in sorted(files):
            if name.endswith(('.pyc', '.pyo')):
                continue
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).encode() + b'\0')
            with open(path, 'rb') as src:
                digest.update(src.read())
    return digest.hexdigest()


def is_current(mode, layout):
    """True if the venv holds what ``up`` would install and apply now."""
    if read_json(os.path.join(layout.venv, INSTALLED)) != wanted(mode):
        return False
    if not mode.patched:
        return True
    applied = read_json(os.path.join(layout.venv, PATCHED)) or {}
    return applied.get('nova_patch_sha256') == patch_digest()


def ensure_patched(mode, layout):
    """Apply nova_patch as an operator would; return True if applied now."""
    if not mode.patched:
        return False
    digest = patch_digest()
    marker = os.path.join(layout.venv, PATCHED)
    previous = read_json(marker)
    if previous and previous.get('nova_patch_sha256') == digest:
        return False
    log = layout.log_file('nova-patch')
    nova_dir = os.path.join(layout.site_packages(), 'nova')
    env = dict(os.environ, PYTHONPATH=paths.REPO_ROOT)
    nova_patch = [layout.python, '-m', 'nova_patch']
    # Apply to a pristine Nova only.  ``check`` exits 1 for "not applied";
    # anything else (applied by an older series, partial) means the venv's
    # Nova must be reinstalled first.
    if previous or _exit_code(nova_patch + ['check', '--nova-dir',
                                            nova_dir], log, env) != 1:
        _reinstall_nova(mode, layout, nova_dir, log)
    run(nova_patch + ['apply', '--nova-dir', nova_dir], log,
         service='nova-patch', env=env)
    _write_json(marker, {'nova_patch_sha256': digest, 'nova': mode.nova})
    return True


def _exit_code(argv, log, env):
    with open(log, 'ab') as out:
        out.write(f"--- devcloud: {' '.join(argv)}\n".encode())
        out.flush()
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out,
                              stderr=subprocess.STDOUT, env=env,
                              check=False).returncode


def _reinstall_nova(mode, layout, nova_dir, log):
    """A pristine Nova from the wheelhouse (fetched there if missing).

    The old tree goes first: files an older series created are not in
    pip's RECORD, so --force-reinstall alone would leave them behind.
    """
    pip = [layout.python, '-m', 'pip']
    requirement = 'nova==' + mode.nova
    shutil.rmtree(nova_dir)
    offline = uv.install_command(layout.python) + [
        '--quiet', '--no-index', '--find-links', layout.wheelhouse,
        '--force-reinstall', '--no-deps', requirement]
    if not _try(offline, log):
        run(pip + ['wheel', '--quiet', '--no-deps', '--wheel-dir',
                    layout.wheelhouse, requirement], log,
             service='nova-patch')
        run(offline, log, service='nova-patch')
