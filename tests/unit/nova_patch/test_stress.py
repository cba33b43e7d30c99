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
