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

"""tools/bench's command line: what it accepts, what it refuses."""
import contextlib
import io
import json
import os
import subprocess
import sys
from unittest import mock

import fixtures
import testtools

from bench import cli
from bench import cloud

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
LAUNCHER = os.path.join(REPO_ROOT, 'tools', 'bench')


class TestParse(testtools.TestCase):

    def refused(self, *argv):
        """The status and stderr of a command line parse() refuses."""
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            exc = self.assertRaises(SystemExit, cli.parse, list(argv))
        return exc.code, err.getvalue()

    def assertRefused(self, argv, fragment):
        code, err = self.refused(*argv)
        self.assertEqual(2, code)
        self.assertNotIn('Traceback', err)
        last = err.rstrip('\n').splitlines()[-1]
        self.assertTrue(last.startswith('tools/bench: error: '), err)
        self.assertIn(fragment, last)

    def test_defaults_run_every_part_on_every_tier(self):
        args = cli.parse([])
        self.assertEqual(list(cli.ORDER), args.parts)
        self.assertEqual(sorted(cloud.TIERS), args.tiers)
        self.assertEqual(cloud.MODE, args.nova)

    def test_parts_and_tiers_are_split_and_tiers_sorted(self):
        args = cli.parse(['--parts', 'sql,requests,', '--tiers', '200,1'])
        self.assertEqual(['sql', 'requests'], args.parts)
        self.assertEqual([1, 200], args.tiers)

    def test_a_tier_named_twice_is_measured_once(self):
        self.assertEqual([1, 50], cli.parse(['--tiers', '50,1,50']).tiers)

    def test_unknown_parts_are_named(self):
        self.assertRefused(['--parts', 'requests,nope,zzz'],
                           'unknown parts: nope, zzz')

    def test_no_part_at_all(self):
        self.assertRefused(['--parts', ','], '--parts')

    def test_a_tier_without_servers_prepared(self):
        self.assertRefused(['--tiers', '1,7'], 'tiers are among [1, 50, 200]')

    def test_a_tier_that_is_not_a_number(self):
        self.assertRefused(['--tiers', '1,abc'], "'1,abc'")

    def test_no_tier_at_all(self):
        self.assertRefused(['--tiers', ''], 'tiers are among')

    def test_repeat_at_least_once(self):
        self.assertRefused(['--repeat', '0'], '--repeat must be at least 1')
        self.assertRefused(['--repeat', 'two'], '--repeat')


class TestMain(testtools.TestCase):

    def test_a_part_with_its_own_cloud_needs_no_devcloud(self):
        with mock.patch.object(cli, '_check_cloud') as check, \
                mock.patch.object(cli, '_measure_without_devcloud',
                                  return_value=0) as without:
            self.assertEqual(0, cli.main(['--parts', 'fleet10k']))
        check.assert_not_called()
        self.assertEqual(['fleet10k'], without.call_args[0][0].parts)

    def test_the_devcloud_is_checked_first(self):
        with mock.patch.object(cli, '_check_cloud',
                               side_effect=SystemExit('down')) as check, \
                mock.patch.object(cli.venvs, 'ensure') as ensure:
            self.assertRaises(SystemExit, cli.main,
                              ['--parts', 'fleet10k,sql', '--nova', 'm'])
        check.assert_called_once_with('m')
        ensure.assert_not_called()

    def test_an_unhealthy_service_stops_the_run(self):
        status = subprocess.CompletedProcess([], 0, stdout=(
            'keystone  1234  healthy\nglance  1235  healthy\n'
            'nova-api  1236  healthy\nnova-conductor  -  stopped\n'
            'nova-scheduler  1238  healthy\nnova-compute  1239  healthy\n'),
            stderr='')
        with mock.patch.object(cli.subprocess, 'run', return_value=status):
            exc = self.assertRaises(SystemExit, cli._check_cloud, 'm')
        self.assertIn('tools/devcloud up --nova m', str(exc.code))
        healthy = status.stdout.replace('-  stopped', '1237  healthy')
        with mock.patch.object(cli.subprocess, 'run', return_value=(
                subprocess.CompletedProcess([], 0, stdout=healthy))):
            self.assertIsNone(cli._check_cloud('m'))

    def test_finish_writes_the_figures_and_prints_their_table(self):
        output = self.useFixture(fixtures.TempDir()).join('a', 'f.json')
        args = cli.parse(['--output', output])
        fig = {'key': 'k', 'label': 'one figure', 'kind': 'check',
               'value': 3, 'target': '3', 'met': True}
        document = {'figures': [fig], 'machine': {
            'loadavg_at_start': (0.5, 0.25, 0.125)}}
        out = io.StringIO()
        with contextlib.redirect_stdout(out), \
                mock.patch('os.getloadavg', return_value=(1.0, 2.0, 3.0)):
            self.assertEqual(0, cli._finish(args, document, 0))
        with open(output) as src:
            written = json.load(src)
        self.assertEqual([fig], written['figures'])
        self.assertEqual([1.0, 2.0, 3.0],
                         written['machine']['loadavg_at_end'])
        self.assertIn('one figure  3  [3: met]', out.getvalue())
        self.assertIn('0.50/0.25/0.12 at the start, 1.00/2.00/3.00 at the '
                      'end', out.getvalue())


class TestLauncher(testtools.TestCase):
    """tools/bench as a user runs it, from any directory."""

    def run_bench(self, *argv):
        return subprocess.run(
            [sys.executable, LAUNCHER] + list(argv), capture_output=True,
            text=True, cwd=self.useFixture(fixtures.TempDir()).path,
            env=dict(os.environ, PYTHONPATH=''))

    def test_help(self):
        proc = self.run_bench('--help')
        self.assertEqual(0, proc.returncode, proc.stderr)
        for name in cli.ORDER:
            self.assertIn(name, proc.stdout)

    def test_bad_input_is_one_line_error_before_any_cloud(self):
        for argv in (['--parts', 'nope'], ['--tiers', 'x']):
            proc = self.run_bench(*argv)
            self.assertEqual(2, proc.returncode)
            self.assertNotIn('Traceback', proc.stderr)
            self.assertTrue(proc.stderr.splitlines()[-1].startswith(
                'tools/bench: error: '), proc.stderr)
