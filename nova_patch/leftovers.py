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

"""What an interrupted run (``kill -9``, power loss) can leave behind.

``transaction`` writes only under temporary ``.nova_patch-*`` names until
the final rename, so such names in the directories the series writes to
are leftovers. Empty directories on the way to a file the series adds,
while that file is absent, are leftovers too (a run stopped between
removing a file and its directory, or an older version of this tool that
created directories in place).
"""

import os
import shutil

from nova_patch import transaction


def _top(target):
    # The directories a run may write in lie below this one.
    return target.root if target.full_tree else target.package_dir


def _inside(path, top):
    return path == top or path.startswith(top + os.sep)


def _directories(target, by_path):
    """The existing directories a run of this series writes in."""
    top = _top(target)
    found = set()
    for series_path in by_path:
        path = target.path_of(series_path)
        if path is None:
            continue
        directory = os.path.dirname(transaction.real_path(path))
        if not _inside(directory, top):
            found.add(directory)
            continue
        while _inside(directory, top):
            found.add(directory)
            directory = os.path.dirname(directory)
    return sorted(d for d in found if os.path.isdir(d))


def _empty_directories(target, by_path):
    top = _top(target)
    found = []
    for series_path, file_patches in sorted(by_path.items()):
        path = target.path_of(series_path)
        if (path is None or not file_patches[0].is_new or
                os.path.lexists(path)):
            continue
        directory, child = os.path.dirname(path), None
        while (_inside(directory, top) and directory != top and
               not os.path.lexists(directory)):
            # A run stopped while removing the directories one by one.
            directory = os.path.dirname(directory)
        while (_inside(directory, top) and directory != top and
               os.path.isdir(directory) and not os.path.islink(directory)):
            # Empty once the leftovers in it are gone.
            names = {name for name in os.listdir(directory)
                     if not name.startswith(transaction.TEMP_PREFIX)}
            names.discard(child)
            if names:
                break
            if directory not in found:
                found.append(directory)
            directory, child = (os.path.dirname(directory),
                                os.path.basename(directory))
    return found


def find(target, by_path):
    """Leftover paths, deepest first (the order to remove them in)."""
    temporary = []
    for directory in _directories(target, by_path):
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        temporary.extend(os.path.join(directory, name) for name in names
                         if name.startswith(transaction.TEMP_PREFIX))
    return sorted(temporary) + _empty_directories(target, by_path)


def remove(paths):
    """Remove leftovers; return (removed, [(path, error)])."""
    removed, failed = [], []
    for path in paths:
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                if os.path.basename(path).startswith(
                        transaction.TEMP_PREFIX):
                    shutil.rmtree(path)
                else:
                    os.rmdir(path)
            else:
                os.unlink(path)
        except FileNotFoundError:
            continue
        except OSError as error:
            failed.append((path, error.strerror or str(error)))
            continue
        removed.append(path)
    return removed, failed
