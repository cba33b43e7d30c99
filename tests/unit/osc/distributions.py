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

"""A distribution installed for one test: metadata on ``sys.path``.

OSC finds commands through entry points, which stevedore reads from every
``*.dist-info`` on ``sys.path``; a directory holding one is all it takes
for a test to install another package's commands, and removing it (with
the caches that remembered it) uninstalls them.
"""

import importlib
import os
import sys

import fixtures
from stevedore import _cache as stevedore_cache


class Distribution(fixtures.Fixture):
    """A distribution that declares entry points and nothing else.

    :param entry_points: ``{group: {name: 'module:attribute'}}``.
    :param first: where its directory goes on ``sys.path``: before
        site-packages (its entry points are enumerated first), or after.
    """

    def __init__(self, name, entry_points, first):
        super().__init__()
        self.name = name
        self.entry_points = entry_points
        self.first = first

    def _setUp(self):
        self.root = root = self.useFixture(fixtures.TempDir()).path
        info = os.path.join(
            root, '%s-0.dist-info' % self.name.replace('-', '_'))
        os.mkdir(info)
        with open(os.path.join(info, 'METADATA'), 'w') as f:
            f.write('Metadata-Version: 2.1\nName: %s\nVersion: 0\n'
                    % self.name)
        with open(os.path.join(info, 'entry_points.txt'), 'w') as f:
            for group, members in self.entry_points.items():
                f.write('[%s]\n' % group)
                for name, target in members.items():
                    f.write('%s = %s\n' % (name, target))
        self.useFixture(EntryPointCache())
        sys.path.insert(0 if self.first else len(sys.path), root)
        self.addCleanup(_forget_path, root)


def _forget_path(root):
    sys.path.remove(root)
    sys.path_importer_cache.pop(root, None)
    # importlib.metadata keeps what it read of each path entry.
    importlib.invalidate_caches()


class EntryPointCache(fixtures.Fixture):
    """stevedore's entry point caches, empty for the test.

    stevedore keeps the entry points of each group it was asked for for
    the rest of the process (``ExtensionManager.ENTRY_POINT_CACHE``), and
    what it read for each ``sys.path`` in memory and in a file under
    ``~/.cache/python-entrypoints``; the test's reads go to fresh ones, a
    temporary directory for the file, and the real ones come back after.
    This is the one place the tests touch stevedore's private cache: its
    module-level ``Cache`` object and that object's ``_dir`` and
    ``_internal`` (stevedore 5.3 to 5.10).
    """

    def _setUp(self):
        cache = stevedore_cache._c
        for attribute in ('_dir', '_internal'):
            if not hasattr(cache, attribute):
                raise AssertionError(
                    'stevedore._cache._c has no %s: the test fixture no '
                    'longer isolates its cache' % attribute)
        self.useFixture(fixtures.MonkeyPatch(
            'stevedore.ExtensionManager.ENTRY_POINT_CACHE', {}))
        self.useFixture(fixtures.MonkeyPatch(
            'stevedore._cache._c._dir',
            self.useFixture(fixtures.TempDir()).path))
        self.useFixture(fixtures.MonkeyPatch(
            'stevedore._cache._c._internal', {}))
