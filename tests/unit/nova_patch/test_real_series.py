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

"""The shipped series: well formed, and applied to a real Nova sdist.

The sdist test uses the pristine trees that ``tests/nova/run.py`` unpacks
under ``.nova-test/pristine/`` (copying them, never touching them); it is
skipped, saying so, when no such tree is there.
"""

import glob
import os
import shutil
import tempfile
import unittest

from nova_patch import SERIES_BY_MAJOR, cli, plan, target
from tests.unit.nova_patch import helpers

PRISTINE = os.path.join(helpers.REPO_ROOT, '.nova-test', 'pristine')
TOP_DIRS = ('nova/', 'doc/', 'api-ref/', 'releasenotes/')


class SeriesTest(unittest.TestCase):

    def test_every_release_line_has_a_series(self):
        for series in SERIES_BY_MAJOR.values():
            by_path = plan.load_series(series)
            self.assertIn('nova/api/openstack/api_version_request.py',
                          by_path, series)
            self.assertIn('nova/api/openstack/compute/views/servers.py',
                          by_path, series)
            for path, file_patches in by_path.items():
                self.assertTrue(path.startswith(TOP_DIRS), path)
                for file_patch in file_patches:
                    self.assertTrue(file_patch.hunks, path)

    def test_series_raise_the_maximum_to_2_98(self):
        for series in SERIES_BY_MAJOR.values():
            [file_patch] = plan.load_series(series)[
                'nova/api/openstack/api_version_request.py']
            added = b''.join(line for hunk in file_patch.hunks
                             for line in hunk.new_lines)
            self.assertIn(b"_MAX_API_VERSION = '2.98'", added)

    def test_history_states_the_2_97_gap(self):
        for series in SERIES_BY_MAJOR.values():
            by_path = plan.load_series(series)
            for path in ('nova/api/openstack/compute/'
                         'rest_api_version_history.rst',
                         'nova/api/openstack/api_version_request.py'):
                added = b''.join(line for file_patch in by_path[path]
                                 for hunk in file_patch.hunks
                                 for line in hunk.new_lines)
                self.assertIn(b'2.97', added, (series, path))
            notes = [path for path in by_path
                     if path.startswith('releasenotes/notes/')]
            self.assertEqual(1, len(notes), series)


class RealSdistTest(unittest.TestCase):

    def _pristine_trees(self):
        trees = []
        for tree in sorted(glob.glob(os.path.join(PRISTINE, 'nova-*'))):
            try:
                version = target.detect_version(tree, tree + '/nova', True)
                target.series_for_version(version)
            except target.TargetError:
                continue  # e.g. upstream 2025.x, kept for the comparison
            trees.append(tree)
        return trees

    def test_apply_check_revert_on_a_real_sdist(self):
        trees = self._pristine_trees()
        if not trees:
            self.skipTest('no unpacked nova 29.x/30.x sdist under %s; run '
                          'tests/nova/run.py first' % PRISTINE)
        for pristine in trees:
            with self.subTest(tree=os.path.basename(pristine)):
                scratch = tempfile.mkdtemp(prefix='nova_patch-real-')
                self.addCleanup(shutil.rmtree, scratch)
                tree = os.path.join(scratch, os.path.basename(pristine))
                shutil.copytree(pristine, tree, symlinks=True)
                before = helpers.snapshot(tree)
                runner = helpers.TreeTestCase.run_cli
                code, out = runner(self, 'check', '--nova-dir', tree)
                self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)
                code, out = runner(self, 'apply', '--nova-dir', tree)
                self.assertEqual(cli.EXIT_OK, code, out)
                code, out = runner(self, 'check', '--nova-dir', tree)
                self.assertEqual(cli.EXIT_OK, code, out)
                with open(os.path.join(tree, 'nova', 'api', 'openstack',
                                       'api_version_request.py')) as f:
                    self.assertIn("_MAX_API_VERSION = '2.98'", f.read())
                code, out = runner(self, 'revert', '--nova-dir', tree)
                self.assertEqual(cli.EXIT_OK, code, out)
                self.assertEqual(before, helpers.snapshot(tree))
