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

"""Side-by-side timing: interleaving, per-repetition ratios, spreads."""
import sys

import testtools

from bench import timing


class Clock:
    """Runners that return the seconds a table gives for each call.

    ``calls`` records the order in which they ran.
    """

    def __init__(self, seconds):
        self.seconds = {name: list(values) for name, values in
                        seconds.items()}
        self.calls = []

    def runner(self, name):
        def run():
            self.calls.append(name)
            return self.seconds[name].pop(0)
        return name, run


class TestStats(testtools.TestCase):

    def test_min_and_median_of_an_even_count(self):
        self.assertEqual({'min': 1.0, 'median': 2.5,
                          'values': [4.0, 1.0, 3.0, 2.0]},
                         timing.stats((4.0, 1.0, 3.0, 2.0)))

    def test_the_median_is_not_the_mean(self):
        self.assertEqual(2.0, timing.stats([1.0, 2.0, 30.0])['median'])


class TestSideBySide(testtools.TestCase):

    def test_the_order_alternates_after_the_warmup(self):
        clock = Clock({'a': [1] * 4, 'b': [1] * 4})
        timing.side_by_side([clock.runner('a'), clock.runner('b')],
                            repeat=3, warmup=1)
        self.assertEqual(['a', 'b',            # warm-up
                          'a', 'b', 'b', 'a', 'a', 'b'], clock.calls)

    def test_the_warmup_is_not_measured(self):
        clock = Clock({'a': [100, 1, 1], 'b': [100, 3, 5]})
        res = timing.side_by_side([clock.runner('a'), clock.runner('b')],
                                  repeat=2)
        self.assertEqual([1, 1], res['times']['a']['values'])
        self.assertEqual([3, 5], res['times']['b']['values'])

    def test_ratios_pair_the_runs_of_one_repetition(self):
        # The baseline got slower in the second repetition and so did the
        # candidate: within each repetition the candidate takes twice as
        # long. Pairing sorted times instead would also give 2; pairing
        # across repetitions would not.
        clock = Clock({'base': [1, 10, 2], 'cand': [1, 20, 4],
                       'other': [1, 5, 6]})
        res = timing.side_by_side(
            [clock.runner('base'), clock.runner('cand'),
             clock.runner('other')], repeat=2)
        self.assertEqual([2.0, 2.0], res['ratios']['cand']['values'])
        self.assertEqual([0.5, 3.0], res['ratios']['other']['values'])
        self.assertEqual(0.5, res['ratios']['other']['min'])
        self.assertEqual(1.75, res['ratios']['other']['median'])
        self.assertNotIn('base', res['ratios'])


class TestMeasure(testtools.TestCase):

    def test_wall_and_cpu_of_a_command(self):
        took, cpu = timing.measure(
            [sys.executable, '-c', 'sum(range(3000000))'], env=None)
        self.assertGreater(cpu, 0)
        # The CPU the child burnt, not the time this process waited.
        self.assertGreaterEqual(took * 1.5 + 0.05, cpu)

    def test_a_failing_command_says_why(self):
        exc = self.assertRaises(
            RuntimeError, timing.wall,
            [sys.executable, '-c', 'import sys; sys.exit("no cloud here")'],
            None)
        self.assertIn('no cloud here', str(exc))
