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

"""Every home of a fact about a Nova release agrees with the one table.

``osc_image_props/releases.py`` is the table; the SDK's generated facts,
its vTPM rules, the local cloud's modes, nova_patch, and the documentation
either read it or are checked here.
"""

import os
import re

import testtools

import nova_patch
from devcloud import modes
from devcloud import paths
from osc_image_props import releases
from osc_image_props.sdk import recorded_keys
from osc_image_props.sdk import standard_properties
from osc_image_props.sdk import vtpm


def _read(*parts):
    with open(os.path.join(paths.REPO_ROOT, *parts)) as src:
        return src.read()


class TestTable(testtools.TestCase):

    def test_oldest_first_and_unique(self):
        table = releases.RELEASES
        self.assertEqual(sorted(r.series for r in table),
                         [r.series for r in table])
        self.assertEqual(len(table), len(releases.BY_SERIES))
        self.assertEqual(len(table), len(releases.BY_NOVA))
        self.assertEqual(len(table), len({r.major for r in table}))
        self.assertIs(table[-1], releases.NEWEST)

    def test_backport_only_below_298(self):
        for release in releases.RELEASES:
            below = (tuple(map(int, release.max_microversion.split('.')))
                     < (2, 98))
            self.assertEqual(below, bool(release.backport), release.series)

    def test_constraints_are_vendored(self):
        for release in releases.RELEASES:
            if release.constraints:
                self.assertTrue(os.path.isfile(os.path.join(
                    paths.REPO_ROOT, 'constraints', release.constraints)),
                    release.series)


class TestSdk(testtools.TestCase):

    def test_generated_facts_are_of_the_same_releases(self):
        # tools/gen-standard-properties writes (version, maximum, ...),
        # a backported release at the maximum nova_patch gives it.
        self.assertEqual(
            [(r.nova, r.max_with_backport) for r in releases.RELEASES],
            [row[:2] for row in standard_properties.RELEASES])
        self.assertEqual(releases.NEWEST.nova,
                         standard_properties.NOVA_VERSION)

    def test_recorded_names(self):
        for release in releases.RELEASES:
            self.assertEqual(release.recorded,
                             recorded_keys.recorded_by(release.nova))
        self.assertEqual(releases.NEWEST.recorded,
                         recorded_keys.recorded_by('99.0.0'))

    def test_secret_security_modes(self):
        for release in releases.RELEASES:
            self.assertEqual(
                release.secret_security_modes,
                vtpm.has_secret_security(release.max_microversion),
                release.series)


class TestDevcloud(testtools.TestCase):

    def test_a_cloud_for_each_published_series(self):
        published = {r.series for r in releases.RELEASES if r.constraints}
        self.assertEqual(published, set(modes.RELEASES))
        for series, release in modes.RELEASES.items():
            self.assertIs(releases.BY_SERIES[series], release.nova_release)

    def test_dialect_is_the_generated_one(self):
        shows_standard = {row[0]: row[2]
                          for row in standard_properties.RELEASES}
        for mode in modes.MODES.values():
            if not mode.has_298:
                continue
            self.assertEqual(
                modes.STANDARD if shows_standard[mode.nova]
                else modes.ALL_IMAGE_KEYS, mode.dialect, mode.name)


class TestNovaPatch(testtools.TestCase):

    def test_series_by_major(self):
        self.assertEqual(
            {r.major: r.backport for r in releases.RELEASES if r.backport},
            nova_patch.SERIES_BY_MAJOR)
        for series in nova_patch.SERIES_BY_MAJOR.values():
            self.assertTrue(os.path.isdir(os.path.join(
                paths.REPO_ROOT, 'nova_patch', 'series', series)))

    def test_readme_table(self):
        readme = _read('nova_patch', 'README.rst')
        for release in releases.RELEASES:
            row = re.search(r'^%s %s +\S+ - (\S+) ' % (
                re.escape(release.series), release.codename), readme, re.M)
            if release.backport:
                self.assertIsNotNone(row, release.series)
                self.assertEqual(release.nova, row.group(1))
            else:
                self.assertIsNone(row, release.series)


class TestDocs(testtools.TestCase):

    def test_compatibility_table(self):
        doc = _read('doc', 'source', 'compatibility.rst')
        for release in releases.RELEASES:
            row = re.search(r'^   \* - %s %s \(%d\.x\)\n +- (\S+)\n' % (
                re.escape(release.series), release.codename,
                release.major), doc, re.M)
            self.assertIsNotNone(row, release.series)
            self.assertEqual(release.max_microversion, row.group(1))
            patched = re.search(r'^   \* - %s \+ ``nova_patch``\n +- (\S+)\n'
                                % re.escape(release.series), doc, re.M)
            if release.backport:
                self.assertIsNotNone(patched, release.series)
                self.assertEqual(releases.IMAGE_PROPERTIES_MICROVERSION,
                                 patched.group(1))
            else:
                self.assertIsNone(patched, release.series)

    def test_devcloud_modes_table(self):
        doc = re.sub(r'\s+', ' ', _read('doc', 'source', 'devcloud.rst'))
        for release in modes.RELEASES.values():
            self.assertIn('nova %s' % release.nova, doc, release.series)
