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

"""Compare two directory trees file by file, byte by byte."""

import fnmatch
import os

# What running Nova's tests leaves in a tree: never part of an sdist.
TEST_ARTEFACTS = ('.stestr', '__pycache__', '*.pyc')


def _ignored(name, ignore):
    return any(fnmatch.fnmatch(name, pattern) for pattern in ignore)


def _entries(root, ignore):
    found = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if not _ignored(name, ignore)]
        relative = os.path.relpath(directory, root)
        found[relative] = 'dir'
        for name in files:
            if not _ignored(name, ignore):
                found[os.path.normpath(os.path.join(relative, name))] = \
                    'file'
    return found


def differences(expected_root, actual_root, ignore=()):
    """Sorted list of paths whose presence, kind, bytes or mode differ."""
    expected = _entries(expected_root, ignore)
    actual = _entries(actual_root, ignore)
    found = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            found.append(f'missing: {path}')
        elif path not in expected:
            found.append(f'extra: {path}')
        elif expected[path] != actual[path]:
            found.append(f'kind differs: {path}')
        elif expected[path] == 'file':
            one = os.path.join(expected_root, path)
            two = os.path.join(actual_root, path)
            with open(one, 'rb') as first, open(two, 'rb') as second:
                if first.read() != second.read():
                    found.append(f'content differs: {path}')
                    continue
            if (os.stat(one).st_mode & 0o777) != (os.stat(two).st_mode &
                                                   0o777):
                found.append(f'mode differs: {path}')
    return found
