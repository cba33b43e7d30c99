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

"""Apply hunks to file contents with exact context matching.

A hunk applies where the lines it expects are found unchanged; it may have
moved (other hunks or local changes above it), but no line of its context
may differ. This is ``patch --fuzz=0``: anything less strict could change
code that is not what the series was written for.
"""


class HunkMismatch(Exception):
    """A hunk's expected lines are not in the file."""

    def __init__(self, number, expected_line):
        super().__init__(
            f'hunk {number} (near line {expected_line}) does not match')
        self.number = number


def _expected_index(hunk):
    # "-k,0" means "insert after line k"; otherwise the hunk starts at k.
    if not hunk.old_lines:
        return hunk.old_start
    return hunk.old_start - 1


def _find(lines, hunk_lines, hunk, expected, lowest):
    """The index of the hunk's lines in ``lines`` nearest to ``expected``.

    A hunk whose context was cut short by the start or the end of the file
    only fits there; without this an append at the end of a file would
    fit again after it was applied.
    """
    block = hunk_lines
    size = len(block)
    highest = len(lines) - size
    if size == 0:
        return min(max(expected, lowest), len(lines))
    if hunk.at_start or hunk.at_end:
        index = 0 if hunk.at_start else highest
        if lowest <= index and lines[index:index + size] == block:
            return index
        return None
    for distance in range(max(expected - lowest, highest - expected) + 1):
        for index in (expected - distance, expected + distance):
            if lowest <= index <= highest and lines[index:index + size] == \
                    block:
                return index
    return None


def apply(content, hunks, reverse=False):
    """Return (new content, total offset) or raise HunkMismatch.

    ``content`` is bytes or None (the file does not exist). The offset sum
    tells how far the hunks were from the lines their headers name; 0 means
    the file is exactly the one the series was made from.
    """
    lines = [] if content is None else content.splitlines(keepends=True)
    if reverse:
        hunks = [hunk.reversed() for hunk in hunks]
    result = []
    position = 0     # first line of ``lines`` not yet copied to result
    shift = 0        # how far the previous hunk was from its header
    total_offset = 0
    for number, hunk in enumerate(hunks, 1):
        expected = _expected_index(hunk) + shift
        found = _find(lines, hunk.old_lines, hunk, expected, position)
        if found is None:
            raise HunkMismatch(number, _expected_index(hunk) + 1)
        shift = found - _expected_index(hunk)
        total_offset += abs(shift)
        result.extend(lines[position:found])
        result.extend(hunk.new_lines)
        position = found + len(hunk.old_lines)
    result.extend(lines[position:])
    return b''.join(result), total_offset
