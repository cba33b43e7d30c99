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

"""Figures, the printed table and the JSON file of a run."""
import json
import os

import fixtures
import testtools

from bench import figures
from bench import report
from bench import requests_count


class TestFigures(testtools.TestCase):

    def test_a_ratio_is_met_by_its_median_not_its_min(self):
        spread = {'min': 0.81234, 'median': 1.1049, 'values': [1, 2]}
        fig = figures.ratio('k', 'label', spread, 1.10, seconds={'a': 1})
        self.assertEqual({'key': 'k', 'label': 'label', 'kind': 'ratio',
                          'min': 0.812, 'median': 1.105, 'target': 1.10,
                          'met': False, 'seconds': {'a': 1}}, fig)
        fig = figures.ratio('k', 'label', dict(spread, median=1.1), 1.10)
        self.assertTrue(fig['met'])

    def test_a_ratio_without_target_is_neither_met_nor_missed(self):
        fig = figures.ratio('k', 'label', {'min': 1, 'median': 9}, None)
        self.assertIsNone(fig['met'])

    def test_a_check_is_met_when_true(self):
        self.assertIs(False, figures.check('k', 'l', [], 1, '1')['met'])
        self.assertIs(True, figures.check('k', 'l', [0], 1, '1')['met'])


class TestTable(testtools.TestCase):

    def test_rows_line_up_under_the_longest_label(self):
        figs = [
            figures.ratio('a', 'short', {'min': 0.9, 'median': 1.0}, 1.1),
            figures.ratio('b', 'a much longer label',
                          {'min': 1.2, 'median': 1.25}, 1.1),
            figures.ratio('c', 'no target', {'min': 2, 'median': 3}, None),
            figures.check('d', 'requests', True,
                          {'total': 2, 'compute': 1}, '1 compute GET'),
        ]
        lines = report.table(figs).splitlines()
        self.assertEqual(
            ['figure                   min   median   target  state',
             '-' * 53,
             'short                  0.900    1.000    <=1.1  met',
             'a much longer label    1.200    1.250    <=1.1  MISSED',
             'no target              2.000    3.000        -  -',
             'requests             total=2, compute=1  '
             '[1 compute GET: met]'], lines)

    def test_short_labels_get_a_column_of_ten(self):
        lines = report.table([figures.check('k', 'x', False, 3, '2')])
        self.assertEqual('x           3  [2: MISSED]', lines.splitlines()[2])


class TestRequestLists(testtools.TestCase):

    def test_each_command_with_its_count(self):
        reqs = [{'method': 'GET', 'service': 'compute', 'role': 'api',
                 'path': '/v2.1/servers/x'}]
        text = report.request_lists({'props show ID': reqs, 'none': []},
                                    requests_count.render)
        self.assertEqual(
            'props show ID (1 requests)\n'
            '    GET  compute   api       /v2.1/servers/x\n'
            'none (0 requests)', text)


class TestWrite(testtools.TestCase):

    def test_the_directory_is_made_and_the_keys_sorted(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'new', 'figures.json')
        report.write(path, {'z': 1, 'a': [1, 2]})
        with open(path) as src:
            text = src.read()
        self.assertEqual({'a': [1, 2], 'z': 1}, json.loads(text))
        self.assertLess(text.index('"a"'), text.index('"z"'))
        self.assertTrue(text.endswith('}\n'))
