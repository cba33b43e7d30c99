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

"""nova_patch under real operations: crashes, concurrent runs, symbolic
links, ownership, modes, bytecode, dry runs and JSON output."""

import fcntl
import json
import os
import py_compile
import subprocess
import sys
import threading
import unittest
from unittest import mock

from nova_patch import cli, transaction
from tests.unit.nova_patch import helpers

VIEWS = os.path.join('nova', 'api', 'views.py')
NEW_DIR = os.path.join('nova', 'tests', 'functional', 'samples', 'v2.98')
OTHER_UID = 4321
OTHER_GID = 4322


class OperationsTestCase(helpers.TreeTestCase):

    def setUp(self):
        super().setUp()
        self.root = self.make_source_tree()
        self.pristine = helpers.snapshot(self.root)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def patched_snapshot(self):
        """The tree as an uninterrupted apply leaves it."""
        reference = os.path.join(self.tmp, 'reference')
        helpers.write_tree(reference, {})
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        patched = helpers.snapshot(self.root)
        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(self.pristine, helpers.snapshot(self.root), out)
        return patched


class CrashLeftoversTest(OperationsTestCase):
    """Finding 1: what a killed run leaves is removed by the next run."""

    def make_leftovers(self):
        # What ``kill -9`` left with the earlier writer: a temporary file
        # next to a file being replaced, and a directory made for a new
        # file that was never written.
        helpers.write_tree(self.root, {'nova/api/.nova_patch-k3j2x9': 'x'})
        os.chmod(self.path('nova', 'api', '.nova_patch-k3j2x9'), 0o600)
        os.mkdir(self.path(NEW_DIR))
        helpers.write_tree(self.root, {
            'nova/tests/functional/samples/.nova_patch-a8b7/v2.98.tpl': 'x'})

    def test_check_removes_and_reports_leftovers(self):
        self.make_leftovers()
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_NOT_APPLIED, code, out)
        self.assertIn('removed 3 leftover(s) of an interrupted run', out)
        self.assertIn('.nova_patch-k3j2x9', out)
        self.assertIn('v2.98', out)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_check_json_lists_removed_leftovers(self):
        self.make_leftovers()
        code, out = self.run_cli('check', '--nova-dir', self.root,
                                 '--format', 'json')
        document = json.loads(out)
        self.assertEqual(3, len(document['leftovers_removed']), out)
        self.assertEqual([], document['leftovers'])

    def test_dry_run_only_reports_leftovers(self):
        self.make_leftovers()
        before = helpers.snapshot(self.root)
        code, out = self.run_cli('apply', '--nova-dir', self.root,
                                 '--dry-run')
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('would remove 3 leftover(s)', out)
        self.assertEqual(before, helpers.snapshot(self.root))

    def test_apply_and_revert_remove_leftovers(self):
        for command in ('apply', 'revert'):
            self.make_leftovers() if command == 'apply' else None
            if command == 'revert':
                helpers.write_tree(self.root, {
                    'nova/api/.nova_patch-zz': 'x'})
            code, out = self.run_cli(command, '--nova-dir', self.root)
            self.assertEqual(cli.EXIT_OK, code, out)
            self.assertIn('leftover(s) of an interrupted run', out)
            self.assertEqual([], helpers.leftovers(self.root))
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_empty_directories_above_a_removed_file_are_removed(self):
        # A revert killed after removing a new file and some, not all, of
        # the directories the series had created for it.
        changes = dict(helpers.SERIES_CHANGES)
        changes['doc/api_samples/servers/v2.98/show.json'] = (None, '{}\n')
        self.write_series(changes)
        os.makedirs(self.path('doc', 'api_samples'))
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertIn('removed 1 leftover(s)', out)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_killed_at_every_step_then_recovered(self):
        # A new file two directories deep, as doc/api_samples/servers/v2.98
        # in a source tree without doc/api_samples.
        changes = dict(helpers.SERIES_CHANGES)
        changes['doc/api_samples/servers/v2.98/show.json'] = (None, '{}\n')
        self.write_series(changes)
        patched = self.patched_snapshot()
        for command, start, final in (('apply', self.pristine, patched),
                                      ('revert', patched, self.pristine)):
            step = 1
            while True:
                if command == 'revert':
                    self.run_cli('apply', '--nova-dir', self.root)
                self.assertEqual(start, helpers.snapshot(self.root))
                code, out = helpers.run_driver(
                    self.series_dir, [command, '--nova-dir', self.root],
                    kill_at=step)
                if code != -9:
                    self.assertEqual(cli.EXIT_OK, code, out)
                    break
                code, out = self.run_cli(command, '--nova-dir', self.root)
                self.assertEqual(cli.EXIT_OK, code, f'step {step}: {out}')
                self.assertEqual(final, helpers.snapshot(self.root),
                                 f'{command} killed at step {step}: {out}')
                if command == 'apply':
                    self.run_cli('revert', '--nova-dir', self.root)
                step += 1
            self.assertGreater(step, 3, command)
            if command == 'apply':
                self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))


class LockTest(OperationsTestCase):
    """Finding 2: one run at a time per tree."""

    def hold_lock(self):
        handle = os.open(self.path('nova'), os.O_RDONLY)
        fcntl.flock(handle, fcntl.LOCK_EX)
        return handle

    def test_run_is_refused_while_another_holds_the_tree(self):
        handle = self.hold_lock()
        try:
            for command in ('apply', 'check', 'revert'):
                code, out = self.run_cli(command, '--nova-dir', self.root)
                self.assertEqual(cli.EXIT_BUSY, code, out)
                self.assertIn('another nova_patch run holds the lock', out)
                self.assertIn('--wait', out)
        finally:
            os.close(handle)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_busy_in_json(self):
        handle = self.hold_lock()
        try:
            code, out = self.run_cli('check', '--nova-dir', self.root,
                                     '--format', 'json')
        finally:
            os.close(handle)
        self.assertEqual(cli.EXIT_BUSY, code)
        self.assertEqual('busy', json.loads(out)['state'])

    def test_wait_for_the_other_run(self):
        handle = self.hold_lock()
        releaser = threading.Timer(0.3, os.close, [handle])
        releaser.start()
        self.addCleanup(releaser.join)
        code, out = self.run_cli('apply', '--nova-dir', self.root,
                                 '--wait', '10')
        self.assertEqual(cli.EXIT_OK, code, out)

    def test_wait_gives_up(self):
        handle = self.hold_lock()
        try:
            code, out = self.run_cli('apply', '--nova-dir', self.root,
                                     '--wait', '0.2')
        finally:
            os.close(handle)
        self.assertEqual(cli.EXIT_BUSY, code, out)
        self.assertIn('after waiting 0.2 s', out)

    def test_bad_wait_is_refused(self):
        for value in ('-1', 'nan', 'soon'):
            with mock.patch('sys.stderr'), self.assertRaises(SystemExit) as \
                    raised:
                cli.main(['apply', '--nova-dir', self.root, '--wait', value])
            self.assertEqual(cli.EXIT_REFUSED, raised.exception.code)

    def test_two_applies_at_once(self):
        for _attempt in range(3):
            processes = [helpers.run_driver(
                self.series_dir, ['apply', '--nova-dir', self.root],
                wait=False) for _ in range(2)]
            codes = sorted(process.wait(timeout=60)
                           for process in processes)
            for process in processes:
                process.stdout.close()
            self.assertIn(codes, ([0, 0], [0, cli.EXIT_BUSY]))
            code, out = self.run_cli('check', '--nova-dir', self.root)
            self.assertEqual(cli.EXIT_OK, code, out)
            self.run_cli('revert', '--nova-dir', self.root)
            self.assertEqual(self.pristine, helpers.snapshot(self.root))


class SymlinkTest(OperationsTestCase):
    """Finding 3: a patched file that is a symbolic link stays one."""

    def test_apply_and_revert_write_through_the_link(self):
        shared = os.path.join(self.tmp, 'shared', 'views.py')
        helpers.write_tree(os.path.dirname(shared),
                           {'views.py': helpers.VIEWS_ORIGINAL})
        os.unlink(self.path(VIEWS))
        os.symlink(shared, self.path(VIEWS))
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertTrue(os.path.islink(self.path(VIEWS)))
        with open(shared) as handle:
            self.assertEqual(helpers.VIEWS_PATCHED, handle.read())
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertTrue(os.path.islink(self.path(VIEWS)))
        self.assertEqual(shared, os.readlink(self.path(VIEWS)))
        with open(shared) as handle:
            self.assertEqual(helpers.VIEWS_ORIGINAL, handle.read())
        self.assertEqual(['views.py'], os.listdir(os.path.dirname(shared)))

    def test_dangling_link_is_refused(self):
        release_note = self.path('releasenotes', 'notes', 'backport.yaml')
        os.symlink(self.path('nowhere.yaml'), release_note)
        before = helpers.snapshot(self.root)
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('symbolic link', out)
        self.assertEqual(before, helpers.snapshot(self.root))

    def test_link_where_revert_removes_a_file_is_refused(self):
        self.run_cli('apply', '--nova-dir', self.root)
        release_note = self.path('releasenotes', 'notes', 'backport.yaml')
        kept = self.path('releasenotes', 'kept.yaml')
        os.rename(release_note, kept)
        os.symlink(kept, release_note)
        before = helpers.snapshot(self.root)
        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('remove the link by hand', out)
        self.assertEqual(before, helpers.snapshot(self.root))


class OwnershipAndModeTest(OperationsTestCase):
    """Finding 4: owner, group and mode; read-only files; the umask."""

    @unittest.skipUnless(os.geteuid() == 0, 'changing owners needs root')
    def test_root_keeps_the_owner_of_a_tree_it_does_not_own(self):
        for directory, dirs, files in os.walk(self.root):
            for name in [''] + dirs + files:
                os.lchown(os.path.join(directory, name), OTHER_UID,
                          OTHER_GID)
        owned = helpers.snapshot(self.root)
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        for directory, dirs, files in os.walk(self.root):
            for name in [''] + dirs + files:
                info = os.lstat(os.path.join(directory, name))
                self.assertEqual((OTHER_UID, OTHER_GID),
                                 (info.st_uid, info.st_gid),
                                 os.path.join(directory, name))
        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual(owned, helpers.snapshot(self.root))

    def test_other_users_file_is_refused_when_not_root(self):
        with mock.patch.object(transaction.os, 'geteuid',
                               return_value=os.geteuid() + 1000):
            code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('so that it keeps its owner', out)
        self.assertEqual(self.pristine, helpers.snapshot(self.root))

    def test_read_only_file_is_refused(self):
        os.chmod(self.path(VIEWS), 0o444)
        before = helpers.snapshot(self.root)
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_REFUSED, code, out)
        self.assertIn('read-only (mode 0444)', out)
        self.assertEqual(before, helpers.snapshot(self.root))

    def test_new_directories_take_the_parent_mode_under_umask_077(self):
        parent = self.path('nova', 'tests', 'functional', 'samples')
        os.chmod(parent, 0o2775)  # noqa: S103 (a mode to copy)
        previous = os.umask(0o077)
        try:
            code, out = self.run_cli('apply', '--nova-dir', self.root)
        finally:
            os.umask(previous)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual(0o2775, os.stat(self.path(NEW_DIR)).st_mode & 0o7777)
        self.assertEqual(0o664, os.stat(os.path.join(
            self.path(NEW_DIR), 'show.json.tpl')).st_mode & 0o7777)
        self.assertEqual(0o644, os.stat(self.path(
            'releasenotes', 'notes', 'backport.yaml')).st_mode & 0o7777)


class BytecodeTest(OperationsTestCase):
    """Finding 4: compiled modules never serve the code of before."""

    MODULE = 'nova/api/version.py'
    BEFORE = 'MAX = "2.96"\n'
    AFTER = 'MAX = "2.98"\n'

    def setUp(self):
        super().setUp()
        changes = dict(helpers.SERIES_CHANGES)
        changes[self.MODULE] = (self.BEFORE, self.AFTER)
        self.write_series(changes)
        helpers.write_tree(self.root, {self.MODULE: self.BEFORE})
        self.module = self.path(*self.MODULE.split('/'))

    def compile(self):
        cached = py_compile.compile(
            self.module, doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        return cached

    def served(self):
        """What a fresh interpreter imports from the tree."""
        return subprocess.run(
            [sys.executable, '-c', 'from nova.api import version; '
             'print(version.MAX)'], cwd=self.root, check=True,
            stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=self.root,
                                             PYTHONDONTWRITEBYTECODE='1'),
        ).stdout.decode().strip()

    def test_unchecked_hash_bytecode_after_apply_and_revert(self):
        self.compile()
        self.assertEqual('2.96', self.served())
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual('2.98', self.served())
        self.compile()
        code, out = self.run_cli('revert', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertEqual('2.96', self.served())

    def test_check_warns_and_apply_removes_stale_bytecode(self):
        cached = self.compile()
        self.run_cli('apply', '--nova-dir', self.root)
        # A package reinstall puts the old bytecode back next to the
        # patched source.
        with open(self.module, 'w') as handle:
            handle.write(self.BEFORE)
        self.compile()
        with open(self.module, 'w') as handle:
            handle.write(self.AFTER)
        self.assertEqual('2.96', self.served())
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('warning: ' + cached, out)
        code, out = self.run_cli('check', '--nova-dir', self.root,
                                 '--format', 'json')
        self.assertEqual([cached], [entry['file'] for entry in
                                    json.loads(out)['stale_bytecode']])
        code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('removed 1 stale compiled file', out)
        self.assertEqual('2.98', self.served())

    def test_stale_bytecode_that_cannot_be_removed_is_a_warning(self):
        self.run_cli('apply', '--nova-dir', self.root)
        with open(self.module, 'w') as handle:
            handle.write(self.BEFORE)
        cached = self.compile()
        with open(self.module, 'w') as handle:
            handle.write(self.AFTER)
        with mock.patch.object(cli.os, 'unlink',
                               side_effect=PermissionError(13, 'denied')):
            code, out = self.run_cli('apply', '--nova-dir', self.root)
        self.assertEqual(cli.EXIT_OK, code, out)
        self.assertIn('warning: cannot remove ' + cached, out)

    def test_fresh_bytecode_is_not_reported(self):
        self.run_cli('apply', '--nova-dir', self.root)
        self.compile()
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertNotIn('warning', out)

    def test_bytecode_of_another_python_is_reported(self):
        self.run_cli('apply', '--nova-dir', self.root)
        cached = self.compile()
        other = cached.replace(sys.implementation.cache_tag, 'cpython-30')
        os.rename(cached, other)
        code, out = self.run_cli('check', '--nova-dir', self.root)
        self.assertIn('cpython-30', out)
        self.assertIn('cannot compare', out)


class InstalledTestFilesTest(helpers.TreeTestCase):
    """Finding 4: a test file missing from an installation is named."""

    def test_missing_test_file_is_reported(self):
        changes = dict(helpers.SERIES_CHANGES)
        changes['nova/tests/functional/test_servers.py'] = (
            'x = 1\n', 'x = 2\n')
        self.write_series(changes)
        site = self.make_installed()
        package = os.path.join(site, 'nova')
        for command in ('check', 'apply'):
            code, out = self.run_cli(command, '--nova-dir', package)
            self.assertIn('missing here', out)
            self.assertIn('nova/tests/functional/test_servers.py', out)
        code, out = self.run_cli('check', '--nova-dir', package,
                                 '--format', 'json')
        states = {entry['path']: entry['state']
                  for entry in json.loads(out)['files']}
        self.assertEqual('missing',
                         states['nova/tests/functional/test_servers.py'])
        self.assertEqual('not shipped', states['doc/source/history.rst'])
        self.assertEqual(cli.EXIT_OK, code)


class DryRunAndJsonTest(OperationsTestCase):

    def test_dry_run_prints_files_and_hunks_and_changes_nothing(self):
        for command in ('apply', 'revert'):
            before = helpers.snapshot(self.root)
            code, out = self.run_cli(command, '--nova-dir', self.root,
                                     '--dry-run')
            self.assertEqual(cli.EXIT_OK, code, out)
            self.assertEqual(before, helpers.snapshot(self.root))
            sign = '+' if command == 'apply' else '-'
            self.assertIn('would change ' + self.path(VIEWS), out)
            self.assertIn('@@ ', out)
            self.assertIn(sign + 'added after 10', out)
            self.assertIn('nothing was changed', out)
            self.run_cli('apply', '--nova-dir', self.root)

    def test_check_json(self):
        code, out = self.run_cli('check', '--nova-dir', self.root,
                                 '--format', 'json')
        self.assertEqual(cli.EXIT_NOT_APPLIED, code)
        document = json.loads(out)
        self.assertEqual('not applied', document['state'])
        self.assertEqual('2024.2', document['release'])
        self.assertEqual(['0001-first.patch', '0002-second.patch'],
                         document['series'])
        self.assertEqual(1, document['exit_code'])
        self.assertEqual({'not applied'},
                         {entry['state'] for entry in document['files']})
        self.assertIn('nova/api/views.py',
                      [entry['path'] for entry in document['files']])
        self.run_cli('apply', '--nova-dir', self.root)
        code, out = self.run_cli('check', '--nova-dir', self.root,
                                 '--format', 'json')
        self.assertEqual(cli.EXIT_OK, code)
        self.assertEqual('applied', json.loads(out)['state'])

    def test_closed_output_is_no_traceback(self):
        # ``apply --dry-run | head -1``: the reader goes away.
        process = subprocess.Popen(
            [sys.executable, '-I', '-S', helpers.DRIVER, self.series_dir,
             '--', 'apply', '--dry-run', '--nova-dir', self.root],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()
        _output, errors = process.communicate(timeout=60)
        self.assertEqual(cli.EXIT_OK, process.returncode)
        self.assertEqual(b'', errors)

    def test_check_json_refusal(self):
        code, out = self.run_cli('check', '--nova-dir', self.tmp,
                                 '--format', 'json')
        self.assertEqual(cli.EXIT_REFUSED, code)
        self.assertEqual('refused', json.loads(out)['state'])
