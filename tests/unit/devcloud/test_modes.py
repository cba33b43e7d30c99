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

"""The mode table: what each ``--nova`` mode installs and what CI runs."""
import ast
import configparser
import io
import itertools
import json
import os
import re

import fixtures
import testtools

import nova_patch
from devcloud import cli, modes, paths
from osc_image_props import releases

CONSTRAINTS = os.path.join(paths.REPO_ROOT, 'constraints')


def _major(version):
    return int(version.split('.')[0])


def _microversion(text):
    major, minor = text.split('.')
    return int(major), int(minor)


def _constraints(release):
    pins = {}
    with open(os.path.join(CONSTRAINTS, release.constraints_name)) as src:
        for line in src:
            match = re.match(r'^([A-Za-z0-9._-]+)===?([^;\s]+)', line)
            if match:
                pins[match.group(1).lower()] = match.group(2)
    return pins


def _tox_envs():
    """Every environment tox.ini defines, factor lists expanded."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(os.path.join(paths.REPO_ROOT, 'tox.ini'))
    found = set()
    for section in parser.sections():
        if not section.startswith('testenv:'):
            continue
        name = section[len('testenv:'):]
        pieces = re.split(r'\{([^}]*)\}', name)
        choices = [[piece] if index % 2 == 0 else piece.split(',')
                   for index, piece in enumerate(pieces)]
        found.update(''.join(combo) for combo in itertools.product(*choices))
    return found


def _cli(*argv):
    out = io.StringIO()
    with fixtures.MonkeyPatch('sys.stdout', out):
        code = cli.main(['modes', *argv])
    return code, out.getvalue()


class TestTable(testtools.TestCase):

    def test_each_release_has_its_constraints(self):
        for mode in modes.MODES.values():
            self.assertIs(modes.RELEASES[mode.series], mode.release)
            self.assertTrue(os.path.isfile(os.path.join(
                CONSTRAINTS, f'upper-constraints-{mode.series}.txt')),
                mode.name)

    def test_service_pins_agree_with_the_constraints(self):
        # A pin that the constraints file also pins, differently, makes
        # the install fail.
        for mode in modes.MODES.values():
            pins = _constraints(mode.release)
            for requirement in mode.requirements:
                name, sep, version = requirement.partition('==')
                if sep and name.lower() in pins:
                    self.assertEqual(pins[name.lower()], version,
                                     f'{mode.name}: {requirement}')

    def test_names_are_unique(self):
        # MODES is a dict made from a list: a second mode of the same name
        # would silently replace the first.
        with open(os.path.join(paths.REPO_ROOT, 'devcloud',
                               'modes.py')) as src:
            tree = ast.parse(src.read())
        made = [node for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and getattr(node.func, 'id', None) == 'Mode']
        self.assertEqual(len(made), len(modes.MODES))
        self.assertEqual(len(modes.choices()), len(set(modes.choices())))
        self.assertEqual(set(), set(modes.ALIASES) & set(modes.MODES))
        for name in modes.MODES:
            # The cloud directory of one cell is the mode's name.
            self.assertEqual((name, 1), paths.parse_cloud_name(name))
            self.assertEqual((name, 2), paths.parse_cloud_name(
                paths.cloud_name(name, 2)))

    def test_aliases_name_modes(self):
        for alias, name in modes.ALIASES.items():
            self.assertIn(name, modes.MODES)
            self.assertIs(modes.MODES[name], modes.get(alias))
        newest = max(modes.RELEASES)
        self.assertEqual(newest, modes.get('upstream').series)

    def test_default_is_a_patched_mode(self):
        default = modes.MODES[modes.DEFAULT]
        self.assertTrue(default.patched)
        self.assertEqual(modes.FULL, default.ci)
        self.assertEqual(modes.FAKE, default.driver)


class TestNovaPatch(testtools.TestCase):
    """Only a Nova nova_patch has a series for is patched."""

    def test_patched_modes_are_releases_nova_patch_supports(self):
        for mode in modes.MODES.values():
            supported = nova_patch.SERIES_BY_MAJOR.get(_major(mode.nova))
            if mode.patched:
                self.assertEqual(mode.series, supported, mode.name)
                self.assertTrue(os.path.isdir(os.path.join(
                    paths.REPO_ROOT, 'nova_patch', 'series', mode.series)))
            elif supported:
                # Stock Nova of a backported release: no 2.98 at all.
                self.assertIsNone(mode.dialect, mode.name)

    def test_each_supported_release_has_a_patched_mode(self):
        patched = {mode.series for mode in modes.MODES.values()
                   if mode.patched}
        self.assertEqual(set(nova_patch.SERIES_BY_MAJOR.values()), patched)
        for major, series in nova_patch.SERIES_BY_MAJOR.items():
            self.assertEqual(major, _major(modes.RELEASES[series].nova))

    def test_298_where_the_microversion_reaches_it(self):
        for mode in modes.MODES.values():
            self.assertEqual(
                _microversion(mode.max_microversion) >= (2, 98),
                mode.has_298, mode.name)
            self.assertIn(mode.dialect,
                          (modes.STANDARD, modes.ALL_IMAGE_KEYS, None))
            if mode.patched:
                self.assertEqual(modes.STANDARD, mode.dialect)
                self.assertEqual('2.98', mode.max_microversion)
            # Epoxy's Nova alone returns every image key.
            self.assertEqual(_major(mode.nova) == 31,
                             mode.dialect == modes.ALL_IMAGE_KEYS, mode.name)


class TestTpmSecretSecurity(testtools.TestCase):

    def test_from_the_release_table(self):
        first = releases.FIRST_WITH_SECRET_SECURITY
        self.assertEqual(('2026.1', 33), (first.series, first.major))
        for mode in modes.MODES.values():
            self.assertEqual(
                mode.series >= first.series,
                mode.has_tpm_secret_security, mode.name)

    def test_two_computes_only_where_vtpm_servers_live_migrate(self):
        several = [m.name for m in modes.MODES.values() if m.computes != 1]
        self.assertEqual(['2026.1'], several)
        mode = modes.MODES['2026.1']
        self.assertEqual(2, mode.computes)
        self.assertTrue(mode.has_tpm_secret_security)
        self.assertEqual(modes.FAKE, mode.driver)


class TestCI(testtools.TestCase):

    def test_ci_lists_name_existing_modes(self):
        for ci in (modes.FULL, modes.SMOKE):
            code, out = _cli('--ci', ci)
            self.assertEqual(0, code)
            listed = out.split()
            self.assertNotEqual([], listed, ci)
            self.assertEqual(set(), set(listed) - set(modes.MODES), ci)
            self.assertEqual([m.name for m in modes.MODES.values()
                              if m.ci == ci], listed)
        for mode in modes.MODES.values():
            self.assertIn(mode.ci, (modes.FULL, modes.SMOKE, None))

    def test_tox_has_the_environments_tools_run_tests_derives(self):
        envs = _tox_envs()
        for mode in modes.MODES.values():
            wanted = {'functional-' + mode.name}
            if mode.ci == modes.SMOKE:
                wanted.add('smoke-' + mode.name)
            if mode.ci == modes.SMOKE and not mode.is_libvirt:
                wanted.add('dashboard-' + mode.name)
            if not mode.is_libvirt:
                wanted.add('tempest-' + mode.name)
                if mode.name != modes.DEFAULT:  # tox -e dashboard
                    wanted.add('dashboard-' + mode.name)
            self.assertEqual(set(), wanted - envs, mode.name)

    def test_modes_command_lists_every_mode(self):
        code, out = _cli()
        self.assertEqual(0, code)
        self.assertEqual(list(modes.MODES), out.splitlines())
        code, out = _cli('--default')
        self.assertEqual([modes.DEFAULT], out.splitlines())
        code, out = _cli('--json')
        listed = json.loads(out)
        self.assertEqual(list(modes.MODES),
                         [m['name'] for m in listed['modes']])
        self.assertEqual(modes.DEFAULT, listed['default'])
        for entry in listed['modes']:
            mode = modes.MODES[entry['name']]
            self.assertEqual(mode.nova, entry['nova'])
            self.assertEqual(mode.constraints_name, entry['constraints'])
