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

"""Write a set of file changes all together, or not at all.

Every new content is computed before the first write. Each write goes to
a temporary ``.nova_patch-*`` file in the same directory and is renamed
over the target, so no file is ever half written; new directories are
built under a temporary ``.nova_patch-*`` name and renamed into place with
their content. A run killed at any point therefore leaves only files that
are wholly old or wholly new, plus temporary names that the next run
recognises (see ``leftovers``). If a step fails, the files already changed
are put back as they were.

A file keeps its owner, group and mode; a new file or directory takes the
owner and group of its parent directory, and its mode (a file without the
execute bits), whoever runs the tool and whatever the umask.
"""

import os
import shutil
import tempfile

from nova_patch import bytecode

TEMP_PREFIX = '.nova_patch-'
_NO_EXECUTE = 0o666


class Change:
    """Replace ``old`` (bytes or None: absent) by ``new`` at ``path``."""

    def __init__(self, path, old, new):
        self.path = path
        self.old = old
        self.new = new


class Meta:
    """Owner, group and permission bits to give a file or directory."""

    def __init__(self, mode, uid, gid):
        self.mode = mode
        self.uid = uid
        self.gid = gid

    @classmethod
    def of(cls, path):
        info = os.stat(path)
        return cls(info.st_mode & 0o7777, info.st_uid, info.st_gid)

    @classmethod
    def for_file_in(cls, directory):
        parent = cls.of(directory)
        return cls(parent.mode & _NO_EXECUTE, parent.uid, parent.gid)


def real_path(path):
    """Where to write: the file a symbolic link names, or path itself."""
    return os.path.realpath(path) if os.path.islink(path) else path


def _give(handle_or_path, meta):
    """Set owner, group, then mode (chown clears set-id bits)."""
    info = os.stat(handle_or_path)
    if (info.st_uid, info.st_gid) != (meta.uid, meta.gid):
        os.chown(handle_or_path, meta.uid, meta.gid)
    os.chmod(handle_or_path, meta.mode)


def _write(path, data, meta):
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
            stream.flush()
            _give(stream.fileno(), meta)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def _nearest_directory(path):
    directory = os.path.dirname(path)
    missing = []
    while not os.path.isdir(directory):
        missing.append(os.path.basename(directory))
        directory = os.path.dirname(directory)
    return directory, list(reversed(missing))


def _create(path, data, meta=None):
    """Create ``path`` and any missing parent directories."""
    parent, missing = _nearest_directory(path)
    if not missing:
        _write(path, data, meta or Meta.for_file_in(parent))
        return
    dir_meta = Meta.of(parent)
    staging = tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent)
    try:
        directories = [staging]
        for name in missing[1:]:
            directories.append(os.path.join(directories[-1], name))
            os.mkdir(directories[-1])
        inner = os.path.join(directories[-1], os.path.basename(path))
        with open(inner, 'xb') as stream:
            stream.write(data)
            stream.flush()
            _give(stream.fileno(), meta or Meta.for_file_in(parent))
        for directory in reversed(directories):
            _give(directory, dir_meta)
        os.rename(staging, os.path.join(parent, missing[0]))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _remove(path):
    os.unlink(path)


def remove_empty_parents(path, stop):
    """Remove the empty directories above ``path``, up to ``stop``."""
    directory = os.path.dirname(path)
    while directory.startswith(stop + os.sep) and directory != stop:
        try:
            os.rmdir(directory)
        except OSError:
            return
        directory = os.path.dirname(directory)


def _can_own(uid, gid):
    if os.geteuid() == 0:
        return True
    return uid == os.geteuid() and (
        gid == os.getegid() or gid in os.getgroups())


def _file_problems(change):
    path = change.path
    if os.path.islink(path):
        if not os.path.exists(path):
            return [f'{path} is a symbolic link to {os.readlink(path)}, '
                    f'which does not exist']
        if change.new is None:
            return [f'{path} is a symbolic link where the series would '
                    f'remove a file; remove the link by hand']
    real = real_path(path)
    problems = []
    if change.old is not None:
        meta = Meta.of(real)
        if not meta.mode & 0o222:
            problems.append(
                f'{path} is read-only (mode {meta.mode:04o}); make it '
                f'writable (chmod u+w) if it may be patched')
        if not _can_own(meta.uid, meta.gid):
            problems.append(
                f'{path} belongs to {meta.uid}:{meta.gid}; run as that '
                f'user or as root so that it keeps its owner')
    directory, _missing = _nearest_directory(real)
    if not os.access(directory, os.W_OK | os.X_OK):
        problems.append(f'cannot write in {directory}')
    elif change.old is None:
        meta = Meta.of(directory)
        if not _can_own(meta.uid, meta.gid):
            problems.append(
                f'{directory} belongs to {meta.uid}:{meta.gid}; run as '
                f'that user or as root so that new files get its owner')
    return problems


def preflight(changes):
    """Why the changes cannot be made (empty: they can), before writing."""
    problems = []
    for change in changes:
        problems.extend(_file_problems(change))
    return sorted(set(problems))


def commit(changes, root):
    """Apply all changes; on any failure restore everything and re-raise.

    ``root`` bounds the empty directories removed after a file deletion.
    Returns the compiled files removed because their module changed.
    """
    done = []
    compiled = []
    try:
        for change in changes:
            real = real_path(change.path)
            if change.new is None:
                meta = Meta.of(real)
                _remove(real)
                remove_empty_parents(real, root)
            elif change.old is None:
                meta = None
                _create(real, change.new)
            else:
                meta = Meta.of(real)
                _write(real, change.new, meta)
            done.append((change, real, meta))
            compiled.extend(_remove_bytecode(change.path, real))
    except BaseException:
        _roll_back(done, root)
        raise
    return compiled


def _roll_back(done, root):
    for change, real, meta in reversed(done):
        if change.old is None:
            if os.path.lexists(real):
                os.unlink(real)
                remove_empty_parents(real, root)
        elif os.path.exists(real):
            _write(real, change.old, meta)
        else:
            _create(real, change.old, meta)
        _remove_bytecode(change.path, real)


def _remove_bytecode(path, real):
    # Python caches a module next to the name it imports it by: the link.
    removed = bytecode.remove(path)
    if real != path:
        removed += bytecode.remove(real)
    return removed
