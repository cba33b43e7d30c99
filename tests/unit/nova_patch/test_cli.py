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

"""check / apply / revert on fake trees."""

import os
import sys
from unittest import mock

from nova_patch import cli, transaction
from tests.unit.nova_patch import helpers


class SourceTreeTest(helpers.TreeTestCase):

    def setUp(self):
        super().setUp()
        self.root = self.make_source_tree()
        self.pristine = helpers.snapshot(self.root)

    def test_check_apply_check_apply_revert(self):
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)
        self.assertIn('not applied', out)

        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('Restart nova-api', out)
        with open(os.path.join(self.root, 'nova', 'api', 'views.py')) as f:
            self.assertEqual(helpers.VIEWS_PATCHED, f.read())
        with open(os.path.join(self.root, 'doc', 'source',
                               'history.rst')) as f:
            self.assertEqual(helpers.DOC_PATCHED, f.read())
        new_file = os.path.join(self.root, 'nova', 'tests', 'functional',
                                'samples', 'v2.98', 'show.json.tpl')
        with open(new_file) as f:
            self.assertEqual(helpers.NEW_FILE, f.read())
        self.assertEqual(0o644, os.stat(new_file).st_mode & 0o777)
        patched = helpers.snapshot(self.root)

        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)

        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('nothing to do', out)
        self.assertEqual(patched, helpers.snapshot(self.root))

        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('nothing to do', out)
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)

    def test_package_dir_of_a_source_tree_is_the_full_tree(self):
        code, out = self.run_cli('apply', '--nova-dir',
                                 os.path.join(self.root, 'nova'))
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('source tree', out)
        self.assertTrue(os.path.exists(os.path.join(
            self.root, 'releasenotes', 'notes', 'backport.yaml')))

    def test_file_mode_is_kept(self):
        views = os.path.join(self.root, 'nova', 'api', 'views.py')
        os.chmod(views, 0o640)
        self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(0o640, os.stat(views).st_mode & 0o777)

    def test_unsupported_version_is_refused(self):
        for version in ('31.0.0', '28.3.0', 'unknown'):
            with open(os.path.join(self.root, 'PKG-INFO'), 'w') as f:
                f.write('Name: nova\nVersion: %s\n' % version)
            before = helpers.snapshot(self.root)
            for command in ('check', 'apply', 'revert'):
                code, out = self.run_cli(command, '--nova-dir', self.root)
                self.assertEqual(cli.EXIT_REFUSED, code, out)
                self.assertIn('not supported', out)
            self.assertEqual(before, helpers.snapshot(self.root))

    def test_release_line_selects_the_series(self):
        # No 2024.1 series in the fake series directory: a 29.x tree must
        # not silently get the 2024.2 one.
        with open(os.path.join(self.root, 'PKG-INFO'), 'w') as f:
            f.write('Name: nova\nVersion: 29.4.0\n')
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('2024.1', out)

    def test_version_override(self):
        os.unlink(os.path.join(self.root, 'PKG-INFO'))
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('--nova-version', out)
        code, out = self.run_cli('check', '--nova-dir', self.root,
                                 '--nova-version', '30.1.0')
        self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)

    def test_version_from_nova_version_module(self):
        # A git checkout: no PKG-INFO, pbr answers from the tags.
        os.unlink(os.path.join(self.root, 'PKG-INFO'))
        helpers.write_tree(self.root, {
            'nova/version.py': 'def version_string():\n'
                               '    return "30.1.1.dev4"\n'})
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)
        self.assertIn('nova 30.1.1.dev4', out)

    def test_tree_that_does_not_match_is_refused(self):
        views = os.path.join(self.root, 'nova', 'api', 'views.py')
        with open(views, 'w') as f:
            f.write(helpers.VIEWS_ORIGINAL.replace('line 9\n', 'line 9!\n'))
        before = helpers.snapshot(self.root)
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_PARTIAL, code, out)
        self.assertIn('nova/api/views.py', out)
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('nothing was changed', out)
        self.assertEqual(before, helpers.snapshot(self.root))

    def test_missing_file_is_refused(self):
        os.unlink(os.path.join(self.root, 'doc', 'source', 'history.rst'))
        before = helpers.snapshot(self.root)
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertEqual(before, helpers.snapshot(self.root))

    def test_new_file_with_other_content_is_a_conflict(self):
        helpers.write_tree(self.root, {
            'releasenotes/notes/backport.yaml': 'something else\n'})
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_PARTIAL, code, out)
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)

    def test_partially_applied_is_reported_then_completed(self):
        self.run_cli('apply', '--nova-dir', self.root)
        patched = helpers.snapshot(self.root)
        # A package reinstall puts one file back.
        with open(os.path.join(self.root, 'nova', 'api', 'views.py'),
                  'w') as f:
            f.write(helpers.VIEWS_ORIGINAL)
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_PARTIAL, code, out)
        self.assertIn('partially applied', out)
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual(patched, helpers.snapshot(self.root))

    def test_partially_applied_can_be_reverted(self):
        self.run_cli('apply', '--nova-dir', self.root)
        with open(os.path.join(self.root, 'nova', 'api', 'views.py'),
                  'w') as f:
            f.write(helpers.VIEWS_ORIGINAL)
        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_failed_write_rolls_everything_back(self):
        real_write = transaction._write
        calls = []

        def failing_write(path, data, mode):
            calls.append(path)
            if len(calls) == 3:
                raise OSError(28, 'No space left on device')
            return real_write(path, data, mode)

        with mock.patch.object(transaction, '_write', failing_write):
            code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_ROLLED_BACK, code, out)
        self.assertIn('rolled back', out)
        self.assertGreaterEqual(len(calls), 3)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_failed_revert_rolls_everything_back(self):
        self.run_cli('apply', '--nova-dir', self.root)
        patched = helpers.snapshot(self.root)
        real_remove = transaction._remove
        calls = []

        def failing_remove(path):
            calls.append(path)
            if len(calls) == 2:
                raise OSError(13, 'Permission denied')
            return real_remove(path)

        with mock.patch.object(transaction, '_remove', failing_remove):
            code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_ROLLED_BACK, code, out)
        self.assertEqual(patched, helpers.snapshot(self.root))

    def test_unwritable_tree_is_refused_before_writing(self):
        with mock.patch.object(transaction.os, 'access', return_value=False):
            code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('cannot write', out)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_not_a_nova_tree(self):
        empty = os.path.join(self.tmp, 'empty')
        os.mkdir(empty)
        for path in (empty, os.path.join(self.tmp, 'missing')):
            code, out = self.run_cli('check', '--nova-dir', path)
            self.assertEqual(cli.EXIT_REFUSED, code, out)

    def test_bytecode_of_removed_module_is_removed(self):
        changes = dict(helpers.SERIES_CHANGES)
        changes['nova/tests/functional/test_new.py'] = (None, 'x = 1\n')
        self.write_series(changes)
        self.run_cli('apply', '--nova-dir', self.root)
        cache = os.path.join(self.root, 'nova', 'tests', 'functional',
                             '__pycache__')
        os.mkdir(cache)
        helpers.write_tree(cache, {'test_new.cpython-311.pyc': 'bytecode'})
        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual([], os.listdir(cache))


class InstalledPackageTest(helpers.TreeTestCase):

    def setUp(self):
        super().setUp()
        self.site = self.make_installed()
        self.package = os.path.join(self.site, 'nova')
        self.pristine = helpers.snapshot(self.site)

    def test_runtime_files_only(self):
        code, out = self.run_cli('apply', '--nova-dir', self.package, '-v')
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('installed package', out)
        with open(os.path.join(self.package, 'api', 'views.py')) as f:
            self.assertEqual(helpers.VIEWS_PATCHED, f.read())
        # The new template goes into the shipped tests tree; docs, API
        # reference and release notes are not part of an installation.
        self.assertTrue(os.path.exists(os.path.join(
            self.package, 'tests', 'functional', 'samples', 'v2.98',
            'show.json.tpl')))
        self.assertFalse(os.path.exists(os.path.join(self.site, 'doc')))
        self.assertFalse(os.path.exists(os.path.join(self.site,
                                                     'releasenotes')))
        code, out = self.run_cli('check', '--nova-dir', self.package)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('not shipped', out)
        code, out = self.run_cli('revert', '--nova-dir', self.package)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual(self.pristine, helpers.snapshot(self.site))

    def test_installation_without_tests(self):
        site = self.make_installed(with_tests=False, name='no-tests')
        pristine = helpers.snapshot(site)
        code, out = self.run_cli('apply', '--nova-dir',
                                 os.path.join(site, 'nova'))
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertFalse(os.path.exists(os.path.join(site, 'nova', 'tests')))
        self.run_cli('revert', '--nova-dir', os.path.join(site, 'nova'))
        self.assertEqual(pristine, helpers.snapshot(site))

    def test_missing_runtime_module_is_refused(self):
        os.unlink(os.path.join(self.package, 'api', 'views.py'))
        code, out = self.run_cli('apply', '--nova-dir', self.package)
        self.assertEqual(cli.EXIT_REFUSED, code, out)

    def test_site_packages_dir_is_accepted(self):
        code, out = self.run_cli('check', '--nova-dir', self.site)
        self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)

    def test_default_is_the_importable_nova(self):
        with mock.patch.object(sys, 'path', [self.site] + sys.path):
            sys.path_importer_cache.clear()
            code, out = self.run_cli('apply')
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn(self.package, out)

    def test_no_importable_nova(self):
        with mock.patch('importlib.util.find_spec', return_value=None):
            code, out = self.run_cli('check')
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('--nova-dir', out)

    def test_egg_info_of_a_distro_package(self):
        os.rename(os.path.join(self.site, 'nova-30.3.0.dist-info'),
                  os.path.join(self.site, 'nova-30.2.0.egg-info'))
        os.unlink(os.path.join(self.site, 'nova-30.2.0.egg-info',
                               'METADATA'))
        helpers.write_tree(self.site, {
            'nova-30.2.0.egg-info/PKG-INFO': 'Name: nova\nVersion: 30.2.0\n'})
        code, out = self.run_cli('check', '--nova-dir', self.package)
        self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)
        self.assertIn('30.2.0', out)

    def test_conflicting_metadata_is_refused(self):
        helpers.write_tree(self.site, {
            'nova-29.4.0.dist-info/METADATA': 'Name: nova\nVersion: 29.4.0\n'})
        code, out = self.run_cli('check', '--nova-dir', self.package)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('several nova versions', out)
