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

"""Fake Nova trees and patch series for the nova_patch tests."""

import contextlib
import difflib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from nova_patch import cli, plan

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'driver.py')

# A file the series changes in the middle and at its end.
VIEWS_ORIGINAL = ''.join('line %d\n' % number for number in range(1, 21))
VIEWS_PATCHED = VIEWS_ORIGINAL.replace(
    'line 10\n', 'line 10\nadded after 10\n') + 'appended at the end\n'
DOC_ORIGINAL = 'title\n=====\n\nsome text\n'
DOC_PATCHED = DOC_ORIGINAL + '\nmore text\n'
NEW_FILE = 'a file the series adds\n'

ORIGINAL_FILES = {
    'nova/__init__.py': '',
    'nova/api/__init__.py': '',
    'nova/api/views.py': VIEWS_ORIGINAL,
    'nova/tests/__init__.py': '',
    'nova/tests/functional/__init__.py': '',
    'nova/tests/functional/samples/servers.json.tpl': '{}\n',
    'doc/source/history.rst': DOC_ORIGINAL,
    'api-ref/source/index.rst': 'api\n',
    'releasenotes/notes/.placeholder': '',
}
SERIES_CHANGES = {
    'nova/api/views.py': (VIEWS_ORIGINAL, VIEWS_PATCHED),
    'doc/source/history.rst': (DOC_ORIGINAL, DOC_PATCHED),
    'nova/tests/functional/samples/v2.98/show.json.tpl': (None, NEW_FILE),
    'releasenotes/notes/backport.yaml': (None, 'features: []\n'),
}


def unified_diff(path, old, new):
    """A git-style diff of one file (old/new are str, or None: absent)."""
    old_lines = (old or '').splitlines(keepends=True)
    new_lines = (new or '').splitlines(keepends=True)
    header = ['diff --git a/%s b/%s\n' % (path, path)]
    if old is None:
        header.append('new file mode 100644\n')
    if new is None:
        header.append('deleted file mode 100644\n')
    body = list(difflib.unified_diff(
        old_lines, new_lines,
        '/dev/null' if old is None else 'a/' + path,
        '/dev/null' if new is None else 'b/' + path, n=3))
    # difflib puts no space after "---"/"+++" dates; git's form is the same.
    return ''.join(header + [line if line.endswith('\n') else line + '\n'
                             for line in body])


def format_patch(subject, changes):
    """A minimal ``git format-patch`` file for {path: (old, new)}."""
    text = ('From 0000000000000000000000000000000000000000 Mon Sep 17 '
            '00:00:00 2001\nFrom: Test <test@example.invalid>\n'
            'Subject: [PATCH] %s\n\n---\n' % subject)
    for path, (old, new) in sorted(changes.items()):
        text += unified_diff(path, old, new)
    return (text + '-- \n2.39.5\n\n').encode('utf-8')


def write_tree(root, files):
    for path, content in files.items():
        full = os.path.join(root, *path.split('/'))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'wb') as handle:
            handle.write(content.encode('utf-8')
                         if isinstance(content, str) else content)


def snapshot(root):
    """Every directory, file and link under root: content, mode, owner."""
    state = {}
    for directory, _dirs, files in os.walk(root):
        relative = os.path.relpath(directory, root)
        info = os.lstat(directory)
        state[relative + '/'] = (info.st_mode & 0o7777, info.st_uid,
                                 info.st_gid)
        for name in files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            if os.path.islink(path):
                content = 'link to ' + os.readlink(path)
            else:
                with open(path, 'rb') as handle:
                    content = handle.read()
            state[os.path.join(relative, name)] = (
                content, info.st_mode & 0o7777, info.st_uid, info.st_gid)
    return state


def leftovers(root):
    """Temporary names and empty directories under root."""
    found = []
    for directory, dirs, files in os.walk(root):
        found += [os.path.join(directory, name) for name in dirs + files
                  if name.startswith('.nova_patch-')]
        if not dirs and not files:
            found.append(directory)
    return found


def run_driver(series_dir, cli_args, kill_at=None, wait=True):
    """The CLI in a child process; a Popen if not ``wait``."""
    # -I -S: the tool needs the standard library only; start fast.
    command = [sys.executable, '-I', '-S', DRIVER, series_dir]
    if kill_at is not None:
        command += ['--kill-at', str(kill_at)]
    command += ['--'] + list(cli_args)
    process = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    if not wait:
        return process
    output, _ = process.communicate(timeout=60)
    return process.returncode, output.decode('utf-8', 'replace')


class TreeTestCase(unittest.TestCase):
    """Runs the CLI against fake trees with a fake series."""

    series = '2024.2'
    version = '30.3.0'

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix='nova_patch-test-')
        self.addCleanup(shutil.rmtree, self.tmp)
        self.series_dir = os.path.join(self.tmp, 'series')
        self.write_series(SERIES_CHANGES)
        patcher = mock.patch.object(plan, 'SERIES_DIR', self.series_dir)
        patcher.start()
        self.addCleanup(patcher.stop)

    def write_series(self, changes, series=None):
        directory = os.path.join(self.series_dir, series or self.series)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        # Two patches, the second touching a file of the first, as a real
        # series does.
        first = {path: change for path, change in changes.items()
                 if path != 'doc/source/history.rst'}
        second = {path: change for path, change in changes.items()
                  if path == 'doc/source/history.rst'}
        with open(os.path.join(directory, '0001-first.patch'), 'wb') as out:
            out.write(format_patch('first', first))
        if second:
            with open(os.path.join(directory, '0002-second.patch'),
                      'wb') as out:
                out.write(format_patch('second', second))

    def make_source_tree(self, version=None, files=None):
        root = os.path.join(self.tmp, 'nova-src')
        write_tree(root, files or ORIGINAL_FILES)
        write_tree(root, {'PKG-INFO': 'Metadata-Version: 1.2\nName: nova\n'
                                      'Version: %s\n' % (version or
                                                         self.version)})
        return root

    def make_installed(self, version=None, with_tests=True,
                       name='site-packages'):
        site = os.path.join(self.tmp, name)
        files = {path[len('nova/'):]: content
                 for path, content in ORIGINAL_FILES.items()
                 if path.startswith('nova/')}
        if not with_tests:
            files = {path: content for path, content in files.items()
                     if not path.startswith('tests/')}
        write_tree(os.path.join(site, 'nova'), files)
        write_tree(site, {
            'nova-%s.dist-info/METADATA' % (version or self.version):
            'Metadata-Version: 2.1\nName: nova\nVersion: %s\n'
            % (version or self.version)})
        return site

    def run_cli(self, *argv):
        output, errors = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(output), \
                contextlib.redirect_stderr(errors):
            code = cli.main(list(argv))
        self.last_stderr = errors.getvalue()
        return code, output.getvalue()
