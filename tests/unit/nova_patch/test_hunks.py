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

"""The patch reader and the exact-context hunk applier."""

import unittest

from nova_patch import hunks, patchfile
from tests.unit.nova_patch import helpers


def _file_patch(old, new, path='nova/x.py'):
    data = helpers.format_patch('x', {path: (old, new)})
    [file_patch] = patchfile.parse_patch(data)
    return file_patch


class ApplyTest(unittest.TestCase):

    def test_forward_and_back(self):
        patch = _file_patch(helpers.VIEWS_ORIGINAL, helpers.VIEWS_PATCHED)
        patched, offset = hunks.apply(helpers.VIEWS_ORIGINAL.encode(),
                                      patch.hunks)
        self.assertEqual(helpers.VIEWS_PATCHED.encode(), patched)
        self.assertEqual(0, offset)
        original, _ = hunks.apply(patched, patch.hunks, reverse=True)
        self.assertEqual(helpers.VIEWS_ORIGINAL.encode(), original)

    def test_moved_context_applies_with_an_offset(self):
        patch = _file_patch(helpers.VIEWS_ORIGINAL, helpers.VIEWS_PATCHED)
        moved = 'header 1\nheader 2\n' + helpers.VIEWS_ORIGINAL
        patched, offset = hunks.apply(moved.encode(), patch.hunks)
        self.assertEqual(('header 1\nheader 2\n' +
                          helpers.VIEWS_PATCHED).encode(), patched)
        self.assertEqual(4, offset)  # two hunks, two lines each

    def test_changed_context_does_not_apply(self):
        patch = _file_patch(helpers.VIEWS_ORIGINAL, helpers.VIEWS_PATCHED)
        changed = helpers.VIEWS_ORIGINAL.replace('line 8\n', 'line 8 \n')
        self.assertRaises(hunks.HunkMismatch, hunks.apply, changed.encode(),
                          patch.hunks)

    def test_append_at_end_does_not_apply_twice(self):
        patch = _file_patch(helpers.DOC_ORIGINAL, helpers.DOC_PATCHED)
        self.assertRaises(hunks.HunkMismatch, hunks.apply,
                          helpers.DOC_PATCHED.encode(), patch.hunks)

    def test_insert_at_start_is_pinned_to_the_start(self):
        old = ''.join('line %d\n' % number for number in range(1, 10))
        patch = _file_patch(old, 'first\n' + old)
        self.assertTrue(patch.hunks[0].at_start)
        self.assertRaises(hunks.HunkMismatch, hunks.apply,
                          ('first\n' + old).encode(), patch.hunks)

    def test_crlf_is_kept(self):
        old = 'a\r\nb\r\nc\r\n'
        new = 'a\r\nb\r\nB\r\nc\r\n'
        patch = _file_patch(old, new)
        patched, _ = hunks.apply(old.encode(), patch.hunks)
        self.assertEqual(new.encode(), patched)

    def test_new_file(self):
        patch = _file_patch(None, 'one\ntwo\n')
        self.assertTrue(patch.is_new)
        patched, _ = hunks.apply(None, patch.hunks)
        self.assertEqual(b'one\ntwo\n', patched)


class ParseTest(unittest.TestCase):

    def test_no_newline_at_end_of_file(self):
        data = (b'diff --git a/f b/f\n--- a/f\n+++ b/f\n'
                b'@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n'
                b'+c\n\\ No newline at end of file\n-- \n2.39.5\n')
        [file_patch] = patchfile.parse_patch(data)
        patched, _ = hunks.apply(b'a\nb', file_patch.hunks)
        self.assertEqual(b'a\nc', patched)
        original, _ = hunks.apply(patched, file_patch.hunks, reverse=True)
        self.assertEqual(b'a\nb', original)

    def test_signature_is_not_a_hunk_line(self):
        patch = _file_patch('a\nb\n', 'a\nc\n')
        self.assertEqual(1, len(patch.hunks))
        self.assertEqual([b'a\n', b'b\n'], patch.hunks[0].old_lines)

    def test_rename_is_refused(self):
        data = (b'diff --git a/f b/g\nsimilarity index 100%\n'
                b'rename from f\nrename to g\n')
        self.assertRaises(patchfile.PatchFormatError, patchfile.parse_patch,
                          data)

    def test_cut_hunk_is_refused(self):
        data = b'diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n'
        self.assertRaises(patchfile.PatchFormatError, patchfile.parse_patch,
                          data)

    def test_empty_patch_is_refused(self):
        self.assertRaises(patchfile.PatchFormatError, patchfile.parse_patch,
                          b'From: nobody\n\njust text\n')
