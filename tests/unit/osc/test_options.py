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

"""Key escapes, the default timeout and empty server names."""

import json

import fixtures

from osc_image_props.osc import plumbing
from tests.unit import fakes
from tests.unit.osc import test_hooks

SHOW = ('server', 'image', 'properties', 'show')
DIFF = ('server', 'image', 'properties', 'diff')
ODD = {'a,b': '1', 'x=y': '2', 'back\\slash': '3', 'plain': '4'}


class TestKeyEscapes(test_hooks.HookTestCase):

    def setUp(self):
        super().setUp()
        self.odd = self.cloud.add_server(name='odd', properties=ODD)

    def _column(self, *argv):
        status, out, err = self.run_cli('server', 'list', *argv,
                                        '-f', 'json')
        self.assertEqual(0, status, err)
        return {r['ID']: r.get('Image Properties') for r in json.loads(out)}

    def test_comma_in_a_key(self):
        rows = self._column('--image-properties', 'a\\,b,plain')
        self.assertEqual({'a,b': '1', 'plain': '4'}, rows[self.odd])

    def test_backslash_in_a_key(self):
        rows = self._column('--image-properties', 'back\\\\slash')
        self.assertEqual({'back\\slash': '3'}, rows[self.odd])

    def test_equals_in_a_condition_name(self):
        self.assertEqual({self.odd},
                         set(self._column('--image-property', 'x\\=y=2')))
        self.assertEqual({self.odd},
                         set(self._column('--image-property', 'x\\=y')))
        self.assertEqual(set(),
                         set(self._column('--image-property', 'x=y=2')))

    def test_value_is_verbatim(self):
        # The escapes of a name, and the separator, are the value's own
        # characters.
        verbatim = 'p\\=q\\\\r=s\\,'
        properties = self.cloud.servers[self.odd]['image']['properties']
        properties['v'] = verbatim
        unescaped = self.cloud.add_server(
            name='unescaped', properties={'v': 'p=q\\r=s\\,'})
        self.assertEqual({self.odd}, set(self._column(
            '--image-property', 'v=' + verbatim)))
        self.assertEqual({unescaped}, set(self._column(
            '--image-property', 'v=p=q\\r=s\\,')))


class TestNamesAndConditions(test_hooks.HookTestCase):
    """What users type: names with digits, capitals and punctuation."""

    NAMES = {'v2': 'a', 'Hw.9': 'b', 'a+b': 'c', 'plain': 'd',
             'xy,z': 'e', 'os': 'linux'}

    def setUp(self):
        super().setUp()
        self.named = self.cloud.add_server(name='named',
                                           properties=self.NAMES)

    def _rows(self, *argv):
        status, out, err = self.run_cli('server', 'list', *argv,
                                        '-f', 'json')
        self.assertEqual(0, status, err)
        return {r['ID']: r.get('Image Properties') for r in json.loads(out)}

    def test_key_list(self):
        # An escape well into the list, not only near its start.
        rows = self._rows('--image-properties', 'v2,Hw.9,a+b,xy\\,z')
        self.assertEqual({'v2': 'a', 'Hw.9': 'b', 'a+b': 'c', 'xy,z': 'e'},
                         rows[self.named])

    def test_long_key_list(self):
        keys = ['k%03d' % n for n in range(80)] + ['plain']
        self.assertGreater(len(','.join(keys)), 256)
        rows = self._rows('--image-properties', ','.join(keys))
        self.assertEqual({'plain': 'd'}, rows[self.named])

    def test_condition_names(self):
        for condition in ('Hw.9=b', 'v2=a', 'a+b=c', 'Hw.9', 'v2'):
            with self.subTest(condition=condition):
                self.assertEqual({self.named}, set(self._rows(
                    '--image-property', condition)))

    def test_empty_name(self):
        status, out, err = self.run_cli(
            'server', 'list', '--image-property', '=pc')
        self.assertEqual(
            "--image-property needs a property name: '=pc'",
            self.assertOneLineError(status, out, err))

    def test_one_name_two_conditions(self):
        for first, second in (('v2=a', 'v2=b'), ('v2=b', 'v2=a'),
                              ('v2', 'v2=a'), ('v2=a', 'v2')):
            with self.subTest(first=first, second=second):
                status, out, err = self.run_cli(
                    'server', 'list', '--image-property', first,
                    '--image-property', second)
                self.assertEqual(
                    "--image-property 'v2' is given twice with different "
                    "conditions.", self.assertOneLineError(status, out, err))

    def test_one_name_same_condition_twice(self):
        for condition in ('os=linux', 'v2=a', 'v2'):
            with self.subTest(condition=condition):
                self.assertEqual({self.named}, set(self._rows(
                    '--image-property', condition,
                    '--image-property', condition)))


class TestDefaultTimeout(test_hooks.HookTestCase):

    def _timeouts(self, *argv):
        self.mocker.reset_mock()
        status, out, err = self.run_cli(*argv)
        self.assertEqual(0, status, err)
        return {r.timeout for r in self.mocker.request_history
                if r.hostname in ('compute.test', 'image.test')}

    def test_own_commands_use_the_default(self):
        self.assertEqual({plumbing.DEFAULT_SECONDS},
                         self._timeouts(*SHOW, self.web))
        self.assertEqual({plumbing.DEFAULT_SECONDS},
                         self._timeouts(*DIFF, self.web))

    def test_api_timeout_overrides_it(self):
        config = self.useFixture(fixtures.TempDir()).join('clouds.yaml')
        with open(config, 'w') as f:
            f.write('clouds: {fake: {api_timeout: 7}}\n')
        self.useFixture(
            fixtures.EnvironmentVariable('OS_CLIENT_CONFIG_FILE', config))
        self.assertEqual({7.0}, self._timeouts('--os-cloud', 'fake', *SHOW,
                                               self.web))

    def test_stock_commands_keep_theirs(self):
        for stock_argv, option in (
            (('server', 'show', self.web), ('--image-properties',)),
            (('server', 'list'), ('--image-property', 'os_distro')),
        ):
            with fixtures.MonkeyPatch('cliff.command.Command._load_hooks',
                                      test_hooks._no_hooks):
                stock = self._timeouts(*stock_argv)
            self.assertEqual({None}, stock)
            self.assertEqual(stock, self._timeouts(*stock_argv))
            self.assertEqual(stock, self._timeouts(*stock_argv, *option))


class TestEmptyServer(test_hooks.HookTestCase):

    def test_refused_before_any_request(self):
        for command in (SHOW, DIFF):
            self.mocker.reset_mock()
            status, out, err = self.run_cli(*command, ' ')
            self.assertOneLineError(status, out, err, 'empty')
            self.assertEqual([], fakes.compute_requests(self.mocker))
