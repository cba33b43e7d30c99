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

"""Read ``git format-patch`` files into per-file lists of hunks.

Everything is kept as bytes, line endings included, so that applying a
series and reversing it gives back the original files byte for byte.
"""

import re

DEV_NULL = b'/dev/null'
_HUNK_HEADER = re.compile(
    rb'^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@')
_NO_NEWLINE = b'\\ No newline at end of file'


class PatchFormatError(Exception):
    """A patch file this tool cannot read."""


class Hunk:
    """One ``@@`` block: the lines it expects and the lines it leaves."""

    def __init__(self, old_start, old_lines, new_start, new_lines,
                 leading=0, trailing=0):
        self.old_start = old_start
        self.old_lines = old_lines
        self.new_start = new_start
        self.new_lines = new_lines
        # Unchanged lines before and after the change. git cuts them short
        # only at the start or the end of the file, which pins the hunk
        # there (as GNU patch does).
        self.leading = leading
        self.trailing = trailing

    @property
    def at_start(self):
        return self.leading < self.trailing

    @property
    def at_end(self):
        return self.trailing < self.leading

    def reversed(self):
        return Hunk(self.new_start, self.new_lines,
                    self.old_start, self.old_lines,
                    self.leading, self.trailing)


class FilePatch:
    """The changes of one patch to one file."""

    def __init__(self, path, is_new, is_deleted, hunks, source):
        self.path = path            # 'nova/api/...', relative to the tree
        self.is_new = is_new
        self.is_deleted = is_deleted
        self.hunks = hunks
        self.source = source        # name of the .patch file, for messages


def _strip_prefix(raw, prefix):
    raw = raw.rstrip(b'\r\n').split(b'\t')[0]
    if raw == DEV_NULL:
        return None
    if not raw.startswith(prefix):
        raise PatchFormatError(f'unexpected file name {raw!r}')
    return raw[len(prefix):].decode('utf-8')


def _read_hunk(lines, index, header):
    match = _HUNK_HEADER.match(header)
    if not match:
        raise PatchFormatError(f'bad hunk header {header!r}')
    old_start = int(match.group(1))
    old_count = int(match.group(2) or b'1')
    new_start = int(match.group(3))
    new_count = int(match.group(4) or b'1')
    old, new, tags = [], [], []
    while len(old) < old_count or len(new) < new_count:
        if index >= len(lines):
            raise PatchFormatError(f'hunk cut short: {header!r}')
        line = lines[index]
        index += 1
        tag, text = line[:1], line[1:]
        if line.rstrip(b'\r\n') == b'' and not line.startswith(b' '):
            # Some tools strip the space of an empty context line.
            tag, text = b' ', line
        tags.append(tag)
        if tag == b' ':
            old.append(text)
            new.append(text)
        elif tag == b'-':
            old.append(text)
        elif tag == b'+':
            new.append(text)
        else:
            raise PatchFormatError(f'bad hunk line {line!r}')
        if index < len(lines) and lines[index].startswith(_NO_NEWLINE):
            index += 1
            if tag in (b' ', b'-'):
                old[-1] = old[-1].rstrip(b'\n')
            if tag in (b' ', b'+'):
                new[-1] = new[-1].rstrip(b'\n')
    if index < len(lines) and lines[index].startswith(_NO_NEWLINE):
        index += 1
    leading = len(tags) - len(b''.join(tags).lstrip(b' '))
    trailing = len(tags) - len(b''.join(tags).rstrip(b' '))
    return Hunk(old_start, old, new_start, new, leading, trailing), index


def parse_patch(data, source='<patch>'):
    """Return the FilePatch objects of one format-patch file (bytes)."""
    lines = data.splitlines(keepends=True)
    patches = []
    index = 0
    while index < len(lines):
        if not lines[index].startswith(b'diff --git '):
            index += 1
            continue
        index += 1
        is_new = is_deleted = False
        old_name = new_name = None
        while index < len(lines) and not lines[index].startswith(b'@@'):
            line = lines[index]
            if line.startswith(b'diff --git '):
                raise PatchFormatError(
                    f'{source}: a change without hunks (mode or rename '
                    f'only) is not supported')
            if line.startswith(b'new file mode'):
                is_new = True
            elif line.startswith(b'deleted file mode'):
                is_deleted = True
            elif line.startswith((b'rename ', b'copy ', b'GIT binary')):
                raise PatchFormatError(f'{source}: {line!r} is not supported')
            elif line.startswith(b'--- '):
                old_name = _strip_prefix(line[4:], b'a/')
            elif line.startswith(b'+++ '):
                new_name = _strip_prefix(line[4:], b'b/')
            index += 1
        path = new_name or old_name
        if path is None:
            raise PatchFormatError(f'{source}: file name missing')
        hunks = []
        while index < len(lines) and lines[index].startswith(b'@@'):
            hunk, index = _read_hunk(lines, index + 1, lines[index])
            hunks.append(hunk)
        patches.append(FilePatch(path, is_new or old_name is None,
                                 is_deleted or new_name is None,
                                 hunks, source))
    if not patches:
        raise PatchFormatError(f'{source}: no file changes found')
    return patches
