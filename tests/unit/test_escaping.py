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

"""The one escaping module, per category of character, and who uses it."""

import ast
import codecs
import importlib.util
import pathlib
import subprocess
import sys

import testtools

from osc_image_props import escaping
from osc_image_props.sdk import exceptions

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Each category: characters a cloud could send, and how they must show.
CATEGORIES = {
    'C0': [
        ('\x00', '\\x00'), ('\x07', '\\x07'), ('\x08', '\\x08'),
        ('\x1b', '\\x1b'), ('\x1f', '\\x1f'),
        ('\t', '\\t'), ('\n', '\\n'), ('\r', '\\r'),
    ],
    'DEL': [('\x7f', '\\x7f')],
    'C1': [('\x80', '\\x80'), ('\x85', '\\x85'), ('\x9b', '\\x9b'),
           ('\x9f', '\\x9f')],
    'bidi': [
        ('\u202a', '\\u202a'), ('\u202e', '\\u202e'),
        ('\u2066', '\\u2066'), ('\u2069', '\\u2069'),
        ('\u200e', '\\u200e'), ('\u200f', '\\u200f'),
        ('\u061c', '\\u061c'),
    ],
    'other Cf': [
        ('\u00ad', '\\xad'), ('\u2060', '\\u2060'),
        ('\ufeff', '\\ufeff'), ('\U000e0001', '\\U000e0001'),
        ('\U000e007f', '\\U000e007f'),
    ],
    'zero-width': [('\u200b', '\\u200b'), ('\u200c', '\\u200c'),
                   ('\u200d', '\\u200d')],
    'line separators': [('\u2028', '\\u2028'), ('\u2029', '\\u2029')],
    'space separators other than the space': [
        ('\xa0', '\\xa0'), ('\u2007', '\\u2007'), ('\u3000', '\\u3000'),
    ],
    'surrogates': [('\ud800', '\\ud800'), ('\udbff', '\\udbff'),
                   ('\udc00', '\\udc00'), ('\udfff', '\\udfff')],
    'private use': [('\ue000', '\\ue000'), ('\U000f0000', '\\U000f0000')],
    'unassigned': [('\u0378', '\\u0378'), ('\U0010ffff', '\\U0010ffff')],
}

# Printable characters, which every function keeps as they are.
KEPT = ' az AZ 09 ~!@#$%^&*()_+-={}[]|:;"\'<>,.?/ é ß Ω 日本 \U0001f600'


class TestEscapeUnprintable(testtools.TestCase):

    def test_every_category(self):
        for category, chars in CATEGORIES.items():
            for char, shown in chars:
                with self.subTest(category=category, char=ascii(char)):
                    self.assertEqual(
                        'a%sb' % shown,
                        escaping.escape_unprintable('a%sb' % char))

    def test_printable_text_is_kept(self):
        self.assertEqual(KEPT, escaping.escape_unprintable(KEPT))
        self.assertEqual('a\\x1b', escaping.escape_unprintable('a\\x1b'))

    def test_every_code_point(self):
        # Kept if printable; otherwise Python's own unicode_escape form,
        # which is printable ASCII and reads back as the character.
        every = [chr(code) for code in range(sys.maxunicode + 1)]
        kept = ''.join(c for c in every if c.isprintable())
        escaped = ''.join(c for c in every if not c.isprintable())
        self.assertNotIn('\\', escaped)
        self.assertEqual(kept, escaping.escape_unprintable(kept))
        shown = escaping.escape_unprintable(escaped)
        self.assertEqual(
            escaped.encode('unicode_escape').decode('ascii'), shown)
        self.assertTrue(shown.isascii() and shown.isprintable())
        self.assertEqual(escaped, codecs.decode(shown, 'unicode_escape'))

    def test_terminal_sequence_is_inert(self):
        self.assertEqual(
            '\\x1b]0;title\\x07\\x1b[2J\\x9b31m',
            escaping.escape_unprintable('\x1b]0;title\x07\x1b[2J\x9b31m'))

    def test_any_value_becomes_text(self):
        self.assertEqual('None', escaping.escape_unprintable(None))
        self.assertEqual('42', escaping.escape_unprintable(42))
        self.assertEqual('', escaping.escape_unprintable(''))


class TestEscapeOrNone(testtools.TestCase):

    def test_none_stays_none(self):
        self.assertIsNone(escaping.escape_or_none(None))

    def test_text_is_escaped(self):
        self.assertEqual('', escaping.escape_or_none(''))
        self.assertEqual('a\\u202eb', escaping.escape_or_none('a\u202eb'))
        self.assertEqual('a\\b', escaping.escape_or_none('a\\b'))


class TestTerminalText(testtools.TestCase):

    def test_every_category(self):
        for category, chars in CATEGORIES.items():
            for char, shown in chars:
                with self.subTest(category=category, char=ascii(char)):
                    self.assertEqual(
                        shown, escaping.terminal_text(char))

    def test_backslash_is_doubled(self):
        self.assertEqual('a\\\\b', escaping.terminal_text('a\\b'))
        self.assertEqual(KEPT, escaping.terminal_text(KEPT))

    def test_escape_and_look_alike_differ(self):
        real = escaping.terminal_text('\x1b[31m')
        look_alike = escaping.terminal_text('\\x1b[31m')
        self.assertEqual('\\x1b[31m', real)
        self.assertEqual('\\\\x1b[31m', look_alike)


class TestOneLine(testtools.TestCase):

    def test_whitespace_becomes_one_space(self):
        self.assertEqual(
            'a b c d e f g',
            escaping.one_line(
                '  a\nb\r\nc\td\x0b\x0ce\u2028f\x85\x1cg \n'))

    def test_other_characters_are_escaped(self):
        self.assertEqual(
            'x \\x1b[2J \\u202eevil \\x00 \\u200b \\ud800 \\\\',
            escaping.one_line(
                'x\n\x1b[2J \u202eevil \x00 \u200b \ud800 \\\\'))

    def test_exception_message(self):
        self.assertEqual(
            'bad \\x1b[31m body',
            escaping.one_line(ValueError('bad\n\x1b[31m\nbody')))

    def test_empty(self):
        self.assertEqual('', escaping.one_line(' \n\t'))


class TestPrintable(testtools.TestCase):

    def test_every_category(self):
        for category, chars in CATEGORIES.items():
            for char, shown in chars:
                with self.subTest(category=category, char=ascii(char)):
                    self.assertEqual(
                        'id-%s' % shown, escaping.printable('id-' + char))

    def test_long_values_are_cut(self):
        self.assertEqual('a' * 200, escaping.printable('a' * 200))
        self.assertEqual('a' * 200 + '...', escaping.printable('a' * 201))
        self.assertEqual('abcdef', escaping.printable('abcdef', 6))
        self.assertEqual('abcde...', escaping.printable('abcdef', 5))

    def test_the_limit_counts_characters_before_escaping(self):
        self.assertEqual('\\x1b\\x1b\\x1b', escaping.printable('\x1b' * 3, 3))
        self.assertEqual('\\x1b\\x1b...', escaping.printable('\x1b' * 3, 2))
        self.assertEqual(
            '\\U000e0001...', escaping.printable('\U000e0001x', 1))

    def test_any_value_becomes_text(self):
        self.assertEqual('None', escaping.printable(None))
        self.assertEqual(
            'x\\x1by', escaping.printable(ValueError('x\x1by')))

    def test_the_sdk_function_on_hostile_text(self):
        # Documented in the SDK reference (osc_image_props.sdk.exceptions).
        self.assertEqual(
            'srv\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.exe\\n\\ud800 \\',
            exceptions.printable(
                'srv\x1b]0;pwned\x07\x1b[2J\u202egnp.exe\n\ud800 \\'))
        self.assertEqual('x' * 60 + '...', exceptions.printable('x' * 70, 60))
        self.assertEqual('y' * 200 + '...', exceptions.printable('y' * 300))
        self.assertEqual('\\x9b...', exceptions.printable('\x9b31m', 1))
        self.assertEqual('None', exceptions.printable(None))


_CLIENT_LIBRARIES = ('openstack', 'keystoneauth1', 'cliff', 'osc_lib',
                     'requests', 'django', 'horizon')


def _imported_after(statement):
    """The top-level module names a fresh interpreter holds after
    running ``statement``."""
    probe = (
        '%s\nimport sys\n'
        'print("\\n".join(sorted(sys.modules)))\n' % statement
    )
    result = subprocess.run(
        [sys.executable, '-c', probe], cwd=str(ROOT),
        capture_output=True, text=True, check=True,
    )
    return set(result.stdout.split())


class TestWhoImportsWhat(testtools.TestCase):

    def test_escaping_needs_no_client_library(self):
        modules = _imported_after('import osc_image_props.escaping')
        self.assertEqual(
            [], sorted(m for m in modules
                       if m.split('.')[0] in _CLIENT_LIBRARIES))

    def test_dashboard_modules_import_no_cli_code(self):
        # The modules of the tab that Horizon is not needed to import; the
        # dashboard-unit tests import the others too, with Horizon.
        modules = _imported_after(
            'import osc_image_props_dashboard.report\n'
            'import osc_image_props_dashboard.vtpm_section')
        self.assertIn('osc_image_props.escaping', modules)
        self.assertEqual(
            [], sorted(m for m in modules
                       if m == 'osc_image_props.osc'
                       or m.startswith('osc_image_props.osc.')
                       or m.split('.')[0] in ('cliff', 'osc_lib')))

    def test_no_dashboard_file_names_cli_code(self):
        names = []
        # Where the package is installed from: the tree, or the wheel.
        spec = importlib.util.find_spec('osc_image_props_dashboard')
        package = pathlib.Path(spec.origin).parent
        for path in sorted(package.rglob('*.py')):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names += [(path.name, a.name) for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names += [(path.name, '%s.%s' % (node.module, a.name))
                              for a in node.names]
        self.assertIn(('report.py', 'osc_image_props.escaping'), names)
        self.assertEqual(
            [], [(f, n) for f, n in names
                 if n.startswith(('osc_image_props.osc', 'cliff', 'osc_lib'))
                 ])
