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

"""Find the Nova code to patch and tell which release it is.

Two layouts are supported:

* a full source tree (an unpacked sdist or a git checkout): a directory
  holding ``nova/``, ``doc/``, ``api-ref/`` and ``releasenotes/``; every
  file of the series applies;
* an installed package (``site-packages/nova``, a distro's
  ``dist-packages/nova``, a container's venv): only the files under
  ``nova/`` that the installation ships are patched.
"""

import importlib.util
import os
import re
import subprocess
import sys

from nova_patch import SERIES_BY_MAJOR

SOURCE_TREE_MARKERS = ('doc', 'api-ref', 'releasenotes')
_VERSION_LINE = re.compile(r'^Version:\s*(\S+)\s*$', re.MULTILINE)


class TargetError(Exception):
    """The directory is not a Nova this tool can patch."""


class Target:
    """Where the files are and which series fits them."""

    def __init__(self, root, package_dir, full_tree, version):
        self.root = root                # directory the series paths start at
        self.package_dir = package_dir  # the ``nova`` package directory
        self.full_tree = full_tree
        self.version = version
        self.series = series_for_version(version)

    def path_of(self, series_path):
        """The file for a path of the series, or None if out of scope."""
        parts = series_path.split('/')
        if self.full_tree:
            return os.path.join(self.root, *parts)
        if parts[0] != 'nova':
            return None
        return os.path.join(self.package_dir, *parts[1:])

    def describe(self):
        kind = ('source tree' if self.full_tree
                else 'installed package (runtime files only)')
        return (f'nova {self.version} at {self.package_dir}, {kind}; '
                f'release series {self.series}')


def series_for_version(version):
    match = re.match(r'^(\d+)\.', version or '')
    major = int(match.group(1)) if match else None
    if major not in SERIES_BY_MAJOR:
        supported = ', '.join(f'{major}.x ({series})' for major, series
                              in sorted(SERIES_BY_MAJOR.items()))
        raise TargetError(
            f'nova {version} is not supported: this backport is for '
            f'{supported}. Nova 31.0.0 (2025.1) and later already have '
            f'microversion 2.98.')
    return SERIES_BY_MAJOR[major]


def _is_package(path):
    return os.path.isfile(os.path.join(path, '__init__.py'))


def _is_full_tree(root):
    return _is_package(os.path.join(root, 'nova')) and all(
        os.path.isdir(os.path.join(root, name))
        for name in SOURCE_TREE_MARKERS)


def default_package_dir():
    """The ``nova`` package the current Python would import.

    It is located without being imported: importing nova monkey-patches
    the interpreter and reads configuration.
    """
    spec = importlib.util.find_spec('nova')
    if spec is None or not spec.submodule_search_locations:
        raise TargetError(
            f'no nova package is importable by {sys.executable}; run this '
            f'with the Python of the Nova installation, or pass --nova-dir')
    return next(iter(spec.submodule_search_locations))


def _read_version(path):
    with open(path, encoding='utf-8', errors='replace') as handle:
        match = _VERSION_LINE.search(handle.read(65536))
    return match.group(1) if match else None


def _metadata_files(site_dir):
    """Installed-distribution metadata of nova in a site directory."""
    found = []
    try:
        names = sorted(os.listdir(site_dir))
    except OSError:
        return found
    for name in names:
        lowered = name.lower()
        if not lowered.startswith('nova-'):
            continue
        path = os.path.join(site_dir, name)
        if lowered.endswith('.dist-info'):
            found.append(os.path.join(path, 'METADATA'))
        elif lowered.endswith('.egg-info'):
            # A directory, or a single file written by old distutils.
            found.append(os.path.join(path, 'PKG-INFO')
                         if os.path.isdir(path) else path)
    return [path for path in found if os.path.isfile(path)]


def _version_from_code(parent):
    """Ask ``nova.version`` (pbr: git tags or metadata), in a subprocess.

    Last resort for a git checkout or an unusual installation: it imports
    nova, which needs Nova's dependencies, so it runs apart from this
    process and any failure just means "unknown".
    """
    code = ('import sys; sys.path.insert(0, sys.argv[1]); '
            'from nova import version; print(version.version_string())')
    try:
        done = subprocess.run([sys.executable, '-c', code, parent],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=60,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.decode('utf-8', 'replace').split()
    if done.returncode != 0 or not lines:
        return None
    return lines[-1]


def detect_version(root, package_dir, full_tree):
    """Return the nova version recorded at the tree or installation."""
    candidates = []
    if full_tree:
        candidates += [os.path.join(root, 'PKG-INFO'),
                       os.path.join(root, 'nova.egg-info', 'PKG-INFO')]
    else:
        candidates += _metadata_files(os.path.dirname(package_dir))
    versions = {}
    for path in candidates:
        if os.path.isfile(path):
            version = _read_version(path)
            if version:
                versions.setdefault(version, path)
        if full_tree and versions:
            break
    if not versions:
        version = _version_from_code(os.path.dirname(package_dir))
        if version:
            return version
    if not versions:
        raise TargetError(
            f'cannot tell which nova version is at {package_dir} (no '
            f'PKG-INFO, dist-info or egg-info metadata, and nova.version '
            f'did not answer); pass '
            f'--nova-version if you know it')
    if len(versions) > 1:
        raise TargetError(
            f'several nova versions are recorded next to {package_dir}: '
            f'{", ".join(sorted(versions))}; remove the stale metadata or '
            f'pass --nova-version')
    return next(iter(versions))


def locate(nova_dir=None, version=None):
    """Return the Target for --nova-dir (or the importable nova)."""
    path = os.path.abspath(nova_dir or default_package_dir())
    if not os.path.isdir(path):
        raise TargetError(f'{path} is not a directory')
    if _is_full_tree(path):
        root, package_dir, full_tree = path, os.path.join(path, 'nova'), True
    elif _is_package(path) and os.path.basename(path) == 'nova':
        parent = os.path.dirname(path)
        full_tree = _is_full_tree(parent)
        root, package_dir = parent, path
    elif _is_package(os.path.join(path, 'nova')):
        root, package_dir, full_tree = path, os.path.join(path, 'nova'), False
    else:
        raise TargetError(
            f'{path} is neither a nova package directory nor a directory that '
            'contains one')
    if not version:
        version = detect_version(root, package_dir, full_tree)
    return Target(root, package_dir, full_tree, version)
