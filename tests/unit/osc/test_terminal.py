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

"""Output by destination: terminal-safe for people, exact for programs."""

import csv
import io
import json
import os
import subprocess

import yaml

from tests.unit import base
from tests.unit import fakes
from tests.unit.osc import streams

SHOW = ('server', 'image', 'properties', 'show')
DIFF = ('server', 'image', 'properties', 'diff')
SURROGATE = {'hw_lone': 'a\ud800b', 'hw_\udc80key': 'v'}
# The exact encoding of a lone surrogate: its three UTF-8-style bytes.
WTF8 = {k: v.encode('utf-8', 'surrogatepass') for k, v in SURROGATE.items()}


def _printable(test, out):
    for line in out.splitlines():
        test.assertTrue(line.isprintable(), repr(line))


class TestTerminal(base.TestCase):

    def setUp(self):
        super().setUp()
        self.hostile = self.cloud.add_server(name='evil',
                                             properties=fakes.HOSTILE)
        self.cloud.images[fakes.IMAGE_ID] = self.cloud.image_body(
            fakes.IMAGE_ID, {'hw_machine_type': '\x1b]52;c;ZXZpbA==\x07'})

    def run_tty(self, *argv):
        status, out, err = self.run_cli(*argv, stdout=streams.Terminal())
        self.assertEqual(0, status, err)
        self.assertTrue(out.strip(), (argv, 'no output'))
        _printable(self, out)
        return out

    def test_every_format_of_show_is_safe_on_a_terminal(self):
        for fmt in ('table', 'value', 'shell', 'json', 'yaml'):
            self.run_tty(*SHOW, self.hostile, '-f', fmt)

    def test_value_escapes_on_a_terminal_and_is_exact_in_a_pipe(self):
        out = self.run_tty(*SHOW, self.hostile, '-f', 'value',
                           '-c', 'hw_cr', '-c', 'hw_c1')
        self.assertEqual({'ok\\rEVIL', 'x\\x9b31my'}, set(out.splitlines()))
        status, out, err = self.run_cli(*SHOW, self.hostile, '-f', 'value',
                                        '-c', 'hw_cr', '-c', 'hw_c1')
        self.assertEqual('x\x9b31my\nok\rEVIL\n', out)

    def test_diff_value_and_csv_on_a_terminal(self):
        self.cloud.servers[self.hostile]['image']['properties'][
            'hw_machine_type'] = 'safe\rEVIL'
        out = self.run_tty(*DIFF, self.hostile, '-f', 'value')
        self.assertIn('\\x1b]52;c;ZXZpbA==\\x07', out)
        self.assertIn('safe\\rEVIL', out)
        self.run_tty(*DIFF, self.hostile, '-f', 'csv')

    def test_list_formats_on_a_terminal(self):
        for fmt in ('table', 'value', 'csv', 'json', 'yaml'):
            self.run_tty('server', 'list', '--image-properties', '-f', fmt)

    def test_json_and_yaml_are_exact_on_a_terminal_too(self):
        out = self.run_tty(*SHOW, self.hostile, '-f', 'json')
        self.assertEqual(fakes.HOSTILE, json.loads(out))
        out = self.run_tty(*SHOW, self.hostile, '-f', 'yaml')
        self.assertEqual(fakes.HOSTILE, yaml.safe_load(out))


class TestUnambiguous(base.TestCase):

    def test_a_value_cannot_fake_another_key(self):
        server = self.cloud.add_server(properties={
            'hw_machine_type': "pc', hw_tpm_version='2.0"})
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', '-c', 'Image Properties')
        self.assertEqual(0, status, err)
        self.assertIn("hw_machine_type='pc\\', hw_tpm_version=\\'2.0'", out)
        del server

    def test_literal_backslash_and_real_escape_differ(self):
        server = self.cloud.add_server(properties={
            'hw_literal': '\\x1b', 'hw_real': '\x1b'})
        status, out, err = self.run_cli(*SHOW, server)
        self.assertEqual(0, status, err)
        self.assertIn('| hw_literal | \\\\x1b |', out)
        self.assertIn('| hw_real    | \\x1b  |', out)
        status, out, err = self.run_cli(
            'server', 'show', server, '--image-properties', '-c',
            'image_properties')
        self.assertIn("hw_literal='\\\\x1b', hw_real='\\x1b'", out)

    def test_odd_keys_are_quoted(self):
        server = self.cloud.add_server(properties={"a b='c": 'v'})
        status, out, err = self.run_cli(
            'server', 'show', server, '--image-properties', '-c',
            'image_properties', '-f', 'value')
        self.assertEqual(0, status, err)
        status, out, err = self.run_cli(
            'server', 'show', server, '--image-properties', '-c',
            'image_properties')
        self.assertIn("'a b=\\'c'='v'", out)


class TestLoneSurrogates(base.TestCase):

    def setUp(self):
        super().setUp()
        self.server = self.cloud.add_server(properties=SURROGATE)

    def run_pipe(self, *argv):
        status, out, err = self.run_cli(*argv, stdout=streams.binary_pipe())
        self.assertEqual(0, status, err)
        return out

    def test_value_is_written_whole(self):
        out = self.run_pipe(*SHOW, self.server, '-f', 'value')
        self.assertEqual({WTF8['hw_\udc80key'], WTF8['hw_lone']},
                         set(out.splitlines()))
        self.assertEqual(
            SURROGATE['hw_lone'] + '\n',
            self.run_pipe(*SHOW, self.server, '-f', 'value', '-c',
                          'hw_lone').decode('utf-8', 'surrogatepass'))

    def test_json_carries_them_escaped(self):
        out = self.run_pipe(*SHOW, self.server, '-f', 'json')
        self.assertEqual(SURROGATE, json.loads(out))

    def test_terminal_shows_them_escaped(self):
        status, out, err = self.run_cli(*SHOW, self.server, '-f', 'value',
                                        stdout=streams.Terminal())
        self.assertEqual({'v', 'a\\ud800b'}, set(out.splitlines()))

    def test_shell_eval_in_bash_and_dash(self):
        out = self.run_pipe(*SHOW, self.server, '-f', 'shell', '--prefix',
                            'p_')
        script = out + b'printf "%s|" "$p_hw_lone" "$p_hw__key"\n'
        for shell in ('bash', 'dash'):
            result = subprocess.run(
                [shell, '-c', 'eval "$(cat)"'], input=script,
                capture_output=True, check=True)
            self.assertEqual(WTF8['hw_lone'] + b'|v|', result.stdout)


class TestShellEval(base.TestCase):

    def test_hostile_values_exact_in_dash(self):
        tmp = self.useFixture(__import__('fixtures').TempDir()).path
        marker = os.path.join(tmp, 'pwned')
        hostile = dict(fakes.HOSTILE)
        del hostile['hw_nul']
        hostile['hw_shell'] = '$(touch %s) `touch %s` "\'' % (marker, marker)
        server = self.cloud.add_server(properties=hostile)
        status, out, err = self.run_cli(*SHOW, server, '-f', 'shell')
        self.assertEqual(0, status, err)
        script = out + ''.join(
            'printf "%%s\\0" "$%s"\n' % n for n in sorted(hostile))
        result = subprocess.run(['dash', '-c', 'eval "$1"', 'dash', script],
                                capture_output=True, check=True)
        self.assertFalse(os.path.exists(marker))
        self.assertEqual([hostile[n] for n in sorted(hostile)],
                         result.stdout.decode('utf-8').split('\0')[:-1])

    def test_nul_is_refused_not_dropped(self):
        server = self.cloud.add_server(properties={'hw_nul': 'a\x00b'})
        status, out, err = self.run_cli(*SHOW, server, '-f', 'shell')
        self.assertOneLineError(status, out, err, 'hw_nul', 'NUL')
        self.assertEqual('', out)

    def test_name_collisions_are_an_error(self):
        server = self.cloud.add_server(
            properties={'a-b': '1', 'a_b': '2', 'A_B': '3'})
        status, out, err = self.run_cli(*SHOW, server, '-f', 'shell')
        self.assertOneLineError(status, out, err, 'a_b', '-c')
        self.assertEqual('', out)
        status, out, err = self.run_cli(*SHOW, server, '-f', 'shell',
                                        '-c', 'a-b')
        self.assertEqual((0, 'a_b=1\n'), (status, out), err)


class TestValue(base.TestCase):

    def test_null_is_an_empty_field_on_a_terminal_and_in_a_pipe(self):
        volume = self.cloud.add_server(name='vol', volume_backed=True)
        named = self.cloud.add_server(name='n', properties={})
        argv = ('server', 'list', '--image-properties', '-f', 'value',
                '-c', 'ID', '-c', 'Image Properties')
        for stdout in (None, streams.Terminal()):
            with self.subTest(terminal=stdout is not None):
                status, out, err = self.run_cli(*argv, stdout=stdout)
                self.assertEqual(0, status, err)
                self.assertEqual(
                    {volume + ' ', named + ' {}'}, set(out.splitlines()))


class TestCSV(base.TestCase):

    def test_null_is_an_empty_cell_not_none(self):
        volume = self.cloud.add_server(name='vol', volume_backed=True)
        named = self.cloud.add_server(name='n', properties={'k': 'None'})
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', '-f', 'csv',
            '-c', 'ID', '-c', 'Image Properties')
        self.assertEqual(0, status, err)
        cells = {r[0]: r[1] for r in csv.reader(io.StringIO(out),
                                                escapechar='\\')}
        self.assertEqual('', cells[volume])
        self.assertEqual("{'k': 'None'}", cells[named])

    def test_diff_passes_formulas_exactly(self):
        server = self.cloud.add_server()
        formula = '=HYPERLINK("http://x.test","y")'
        self.cloud.images[fakes.IMAGE_ID] = self.cloud.image_body(
            fakes.IMAGE_ID, dict(fakes.PROPERTIES, hw_machine_type=formula,
                                 os_distro=None))
        status, out, err = self.run_cli(*DIFF, server, '-f', 'csv')
        self.assertEqual(0, status, err)
        rows = list(csv.reader(io.StringIO(out), escapechar='\\'))
        self.assertIn(['hw_machine_type', 'q35', formula, 'changed'], rows)
        self.assertIn(['os_distro', 'ubuntu', '', 'only-embedded'], rows)
