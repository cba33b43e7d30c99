"""Write a set of file changes all together, or not at all.

Every new content is computed before the first write. Each write goes to
a temporary file in the same directory and is renamed over the target, so
no file is ever half written; if any step fails, the files already
changed are put back as they were and the directories created are removed.
"""

import glob
import os
import tempfile

NEW_FILE_MODE = 0o644


class Change:
    """Replace ``old`` (bytes or None: absent) by ``new`` at ``path``."""

    def __init__(self, path, old, new):
        self.path = path
        self.old = old
        self.new = new


def _write(path, data, mode):
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(prefix='.nova_patch-',
                                         dir=directory)
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _remove(path):
    os.unlink(path)
    if path.endswith('.py'):
        # Do not leave the bytecode of a module that no longer exists.
        stem = os.path.splitext(os.path.basename(path))[0]
        pattern = os.path.join(os.path.dirname(path), '__pycache__',
                               glob.escape(stem) + '.*.pyc')
        for compiled in glob.glob(pattern):
            os.unlink(compiled)


def _make_dirs(directory, created):
    missing = []
    while not os.path.isdir(directory):
        missing.append(directory)
        directory = os.path.dirname(directory)
    for path in reversed(missing):
        os.mkdir(path)
        created.append(path)


def _remove_empty_parents(path, stop):
    directory = os.path.dirname(path)
    while directory.startswith(stop + os.sep) and directory != stop:
        try:
            os.rmdir(directory)
        except OSError:
            return
        directory = os.path.dirname(directory)


def check_writable(changes):
    """Fail before anything is written if a target cannot be written."""
    problems = []
    for change in changes:
        directory = os.path.dirname(change.path)
        while not os.path.isdir(directory):
            directory = os.path.dirname(directory)
        if not os.access(directory, os.W_OK | os.X_OK):
            problems.append(f'cannot write in {directory}')
    return sorted(set(problems))


def commit(changes, root):
    """Apply all changes; on any failure restore everything and re-raise.

    ``root`` bounds the empty directories removed after a file deletion.
    """
    done = []
    created_dirs = []
    try:
        for change in changes:
            if change.new is None:
                mode = os.stat(change.path).st_mode & 0o7777
                _remove(change.path)
                _remove_empty_parents(change.path, root)
            elif change.old is None:
                mode = NEW_FILE_MODE
                _make_dirs(os.path.dirname(change.path), created_dirs)
                _write(change.path, change.new, mode)
            else:
                mode = os.stat(change.path).st_mode & 0o7777
                _write(change.path, change.new, mode)
            done.append((change, mode))
    except BaseException:
        _roll_back(done, created_dirs)
        raise


def _roll_back(done, created_dirs):
    for change, mode in reversed(done):
        if change.old is None:
            if os.path.exists(change.path):
                os.unlink(change.path)
        else:
            os.makedirs(os.path.dirname(change.path), exist_ok=True)
            _write(change.path, change.old, mode or NEW_FILE_MODE)
    for directory in reversed(created_dirs):
        try:
            os.rmdir(directory)
        except OSError:
            pass
