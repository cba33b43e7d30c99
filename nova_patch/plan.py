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

"""Work out, file by file, what the series has done and would do.

No state is stored anywhere: whether the series is applied is read from
the files themselves, by trying the series forwards and backwards. That
keeps ``check`` honest after a reinstall, a package upgrade or a manual
edit.
"""

import os

from nova_patch import hunks as hunks_mod
from nova_patch import patchfile

SERIES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          'series')

NOT_APPLIED = 'not applied'
APPLIED = 'applied'
PARTIAL = 'partially applied'
CONFLICT = 'conflict'


def series_files(series):
    directory = os.path.join(SERIES_DIR, series)
    names = sorted(name for name in os.listdir(directory)
                   if name.endswith('.patch'))
    if not names:
        raise patchfile.PatchFormatError(f'no patches in {directory}')
    return [os.path.join(directory, name) for name in names]


def load_series(series):
    """Map each path to its FilePatch list, in series order."""
    by_path = {}
    for path in series_files(series):
        with open(path, 'rb') as handle:
            data = handle.read()
        for file_patch in patchfile.parse_patch(data, os.path.basename(path)):
            by_path.setdefault(file_patch.path, []).append(file_patch)
    return by_path


class FileState:
    """One file of the series in one tree."""

    def __init__(self, series_path, path, current, state, original,
                 patched, detail=''):
        self.series_path = series_path
        self.path = path
        self.current = current      # bytes, or None if the file is absent
        self.state = state
        self.original = original    # content without the series (or None)
        self.patched = patched      # content with the series (or None)
        self.detail = detail


def _run(content, file_patches, reverse):
    """Apply (or reverse) every patch of one file; (result, offset)."""
    total = 0
    sequence = list(reversed(file_patches)) if reverse else file_patches
    for file_patch in sequence:
        creates = file_patch.is_deleted if reverse else file_patch.is_new
        removes = file_patch.is_new if reverse else file_patch.is_deleted
        if creates and content is not None:
            raise hunks_mod.HunkMismatch(0, 1)
        if not creates and content is None:
            raise hunks_mod.HunkMismatch(0, 1)
        content, offset = hunks_mod.apply(content, file_patch.hunks, reverse)
        total += offset
        if removes:
            if content:
                # The file holds more than the series put there.
                raise hunks_mod.HunkMismatch(len(file_patch.hunks), 1)
            content = None
    return content, total


def _read(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def file_state(series_path, path, file_patches):
    current = _read(path)
    try:
        patched, forward_offset = _run(current, file_patches, False)
    except hunks_mod.HunkMismatch as error:
        patched, forward_offset, forward_error = None, None, error
    else:
        forward_error = None
    try:
        original, reverse_offset = _run(current, file_patches, True)
    except hunks_mod.HunkMismatch as error:
        original, reverse_offset, reverse_error = None, None, error
    else:
        reverse_error = None
    forward_ok = forward_error is None
    reverse_ok = reverse_error is None
    if forward_ok and reverse_ok:
        # Both directions fit somewhere: trust the one whose hunks sit
        # nearer to where the series says they are.
        if forward_offset == reverse_offset:
            return FileState(series_path, path, current, CONFLICT, None,
                             None, 'ambiguous: fits both before and after')
        forward_ok = forward_offset < reverse_offset
        reverse_ok = not forward_ok
    if forward_ok:
        return FileState(series_path, path, current, NOT_APPLIED, current,
                         patched)
    if reverse_ok:
        return FileState(series_path, path, current, APPLIED, original,
                         current)
    if current is None:
        detail = 'missing'
    else:
        detail = f'does not match the series ({forward_error})'
    return FileState(series_path, path, current, CONFLICT, None, None,
                     detail)


def _in_scope(target, series_path, path, file_patches):
    """Whether an installed package is expected to hold this file."""
    if target.full_tree:
        return True
    if os.path.exists(path):
        return True
    if file_patches[0].is_new:
        # A new file goes where its neighbours are shipped: into an
        # existing directory, or a new one inside an existing directory.
        parent = os.path.dirname(path)
        return (os.path.isdir(parent) or
                os.path.isdir(os.path.dirname(parent)))
    # A runtime module of the API must be there; tests and docs may not.
    required = (series_path.endswith('.py') and
                not series_path.startswith('nova/tests/'))
    return required


def _ships_tests(target):
    return os.path.isfile(os.path.join(target.package_dir, 'tests',
                                       '__init__.py'))


class Plan:
    """The states of all files of the series that exist in this target."""

    def __init__(self, target, by_path):
        self.target = target
        self.files = []
        self.skipped = []   # not part of this kind of installation
        self.missing = []   # test files an installation with tests lacks
        ships_tests = not target.full_tree and _ships_tests(target)
        for series_path, file_patches in sorted(by_path.items()):
            path = target.path_of(series_path)
            if path is None or not _in_scope(target, series_path, path,
                                             file_patches):
                if ships_tests and series_path.startswith('nova/tests/'):
                    self.missing.append(series_path)
                else:
                    self.skipped.append(series_path)
                continue
            self.files.append(file_state(series_path, path, file_patches))

    def count(self, state):
        return sum(1 for item in self.files if item.state == state)

    @property
    def overall(self):
        states = {item.state for item in self.files}
        if not states:
            return CONFLICT
        if states == {APPLIED}:
            return APPLIED
        if states == {NOT_APPLIED}:
            return NOT_APPLIED
        if states == {APPLIED, NOT_APPLIED}:
            return PARTIAL
        return CONFLICT

    @property
    def conflicts(self):
        return [item for item in self.files if item.state == CONFLICT]
