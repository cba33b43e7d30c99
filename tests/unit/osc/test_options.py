"""Key escapes, the default timeout and empty server names."""

import json

import fixtures

from osc_image_props.osc import timeout
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
        self.cloud.servers[self.odd]['image']['properties']['v'] = 'p=q\\,'
        self.assertEqual({self.odd},
                         set(self._column('--image-property', 'v=p=q\\,')))


class TestDefaultTimeout(test_hooks.HookTestCase):

    def _timeouts(self, *argv):
        self.mocker.reset_mock()
        status, out, err = self.run_cli(*argv)
        self.assertEqual(0, status, err)
        return {r.timeout for r in self.mocker.request_history
                if r.hostname in ('compute.test', 'image.test')}

    def test_own_commands_use_the_default(self):
        self.assertEqual({timeout.DEFAULT_SECONDS},
                         self._timeouts(*SHOW, self.web))
        self.assertEqual({timeout.DEFAULT_SECONDS},
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
        _, stock = self.run_without_plugin('server', 'show', self.web)
        self.assertEqual({None}, self._timeouts(
            'server', 'show', self.web, '--image-properties'))


class TestEmptyServer(test_hooks.HookTestCase):

    def test_refused_before_any_request(self):
        for command in (SHOW, DIFF):
            self.mocker.reset_mock()
            status, out, err = self.run_cli(*command, ' ')
            self.assertOneLineError(status, out, err, 'empty')
            self.assertEqual([], fakes.compute_requests(self.mocker))
