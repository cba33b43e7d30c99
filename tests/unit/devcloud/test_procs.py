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

"""The process registry under the threads of ``devcloud up``."""
import os
import threading
import time
from unittest import mock

import fixtures
import testtools

from devcloud import paths
from devcloud import procs


class TestRegistryThreads(testtools.TestCase):

    def setUp(self):
        super().setUp()
        root = self.useFixture(fixtures.TempDir()).path
        self.layout = paths.Layout('test', root=root)
        for path in (self.layout.run_file(''), self.layout.log_file('')):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        self.registry = procs.Registry(self.layout)
        self.addCleanup(self.registry.stop_all)

    def test_parallel_starts_keep_every_record(self):
        # up starts services from several threads at once. A slow rename
        # widens the window in which two saves overlap: each must still
        # land, and none may lose another's record.
        real_replace = os.replace

        def slow_replace(src, dst):
            time.sleep(0.05)
            real_replace(src, dst)

        errors = []

        def start(name):
            try:
                self.registry.start(name, ['sleep', '30'])
            except Exception as exc:
                errors.append(exc)

        names = [f'service-{n}' for n in range(8)]
        with mock.patch.object(procs.os, 'replace', slow_replace):
            threads = [threading.Thread(target=start, args=(name,))
                       for name in names]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual([], errors)
        self.assertEqual(sorted(names), sorted(self.registry.load()))
        self.assertTrue(all(self.registry.alive(name) for name in names))
