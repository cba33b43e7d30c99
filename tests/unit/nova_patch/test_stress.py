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

"""The kill and concurrency loops of ``stress``, for a few seconds.

``tox -e nova-patch-stress`` runs them longer; NOVA_PATCH_STRESS_SECONDS
sets the time here.
"""

import os
import unittest

from tests.unit.nova_patch import stress


class StressTest(unittest.TestCase):

    def test_kills_and_concurrent_runs(self):
        seconds = float(os.environ.get('NOVA_PATCH_STRESS_SECONDS', '3'))
        figures = stress.run(seconds)
        self.assertEqual([], figures.failures[:5], figures.text())
        self.assertEqual(0, figures.leftovers, figures.text())
        self.assertGreater(figures.kills, 0, figures.text())
        self.assertGreater(figures.concurrent_pairs, 0, figures.text())
