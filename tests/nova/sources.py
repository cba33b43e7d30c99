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

"""Nova and placement source distributions: download, unpack, copy."""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile


def download(project, version, directory, log):
    """Return the path of the sdist of project==version, fetched once."""
    os.makedirs(directory, exist_ok=True)
    prefixes = (f'{project}-{version}.tar.gz',
                f'{project.replace("-", "_")}-{version}.tar.gz')
    for name in prefixes:
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    command = [sys.executable, '-m', 'pip', 'download', '--no-deps',
               '--no-binary', ':all:', f'{project}=={version}',
               '-d', directory]
    with open(log, 'ab') as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        # e.g. nova 29.0.0, published as a wheel only.
        raise RuntimeError(f'pip could not download an sdist of '
                           f'{project}=={version} (see {log})')
    for name in prefixes:
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise RuntimeError(f'pip download left no sdist of {project} {version} '
                       f'in {directory}')


def unpack_once(sdist, directory):
    """Unpack an sdist under ``directory`` unless already there.

    The tree is unpacked next to its final place and renamed into it, so a
    tree that exists is complete. It is never modified afterwards: it is
    the pristine reference every comparison is made against.
    """
    os.makedirs(directory, exist_ok=True)
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split('/')[0]
        final = os.path.join(directory, top)
        if os.path.isdir(final):
            return final
        staging = tempfile.mkdtemp(prefix='.unpack-', dir=directory)
        try:
            if hasattr(tarfile, 'data_filter'):
                archive.extractall(staging, filter='data')
            else:
                # Pythons without extraction filters: refuse members that
                # would land outside the staging directory.
                for member in archive.getmembers():
                    parts = member.name.split('/')
                    if member.name.startswith('/') or '..' in parts:
                        raise RuntimeError(f'unsafe member {member.name}')
                archive.extractall(staging)  # noqa: S202 (checked above)
            os.rename(os.path.join(staging, top), final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return final


def fresh_copy(source, destination):
    """Replace ``destination`` by a copy of ``source`` (modes kept)."""
    if os.path.exists(destination):
        shutil.rmtree(destination)
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    shutil.copytree(source, destination, symlinks=True)
    return destination
