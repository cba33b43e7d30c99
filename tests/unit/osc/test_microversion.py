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

"""Never lower, only raise: the option against the stock commands.

For clouds whose maximum is 2.96, 2.98, 2.100 and 2.104, the requests of
``server list``/``server show`` with ``--image-properties`` are those of the
stock command (the plugin's hooks not loaded at all), except that server
requests carry max(stock microversion, 2.98); the output is the stock output
plus one column or field.
"""

import json

import fixtures
from keystoneauth1 import discover
from openstack.compute.v2 import server as sdk_server
import testtools

from osc_image_props.osc import server_microversion
from tests.unit import pins
from tests.unit.osc import test_hooks


def _at_least_298(header):
    version = header.split()[1]
    if discover.normalize_version_number(version) < (2, 98):
        return 'compute 2.98'
    return header


def _server_request(url):
    return '/servers/' in url


class _NeverLower(test_hooks.HookTestCase):

    def requests_with_headers(self):
        return [
            (r.method, r.url, r.headers.get('OpenStack-API-Version'))
            for r in self.mocker.request_history
            if r.path.rstrip('/') not in ('', '/v2.1', '/v3')
        ]

    def stock(self, *argv):
        """Run OSC with no hooks at all; return its result and requests."""
        with fixtures.MonkeyPatch(
            'cliff.command.Command._load_hooks', test_hooks._no_hooks
        ):
            result = self.run_cli(*argv)
        self.assertEqual(0, result[0], result[2])
        requests = self.requests_with_headers()
        self.mocker.reset_mock()
        return result, requests

    def expected(self, stock_requests):
        return [
            (method, url, _at_least_298(header))
            if _server_request(url) else (method, url, header)
            for method, url, header in stock_requests
        ]

    def check_list(self):
        (_, stock_out, _), stock = self.stock('server', 'list', '-f', 'json')
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties', '-f', 'json'
        )
        self.assertEqual(0, status, err)
        self.assertEqual(self.expected(stock), self.requests_with_headers())
        rows = json.loads(out)
        for row in rows:
            row.pop('Image Properties')
        self.assertEqual(json.loads(stock_out), rows)
        return stock

    def check_show(self):
        (_, stock_out, _), stock = self.stock(
            'server', 'show', self.web, '-f', 'json'
        )
        status, out, err = self.run_cli(
            'server', 'show', self.web, '--image-properties', '-f', 'json'
        )
        self.assertEqual(0, status, err)
        self.assertEqual(self.expected(stock), self.requests_with_headers())
        shown = json.loads(out)
        self.assertIsInstance(shown.pop('image_properties'), dict)
        self.assertEqual(json.loads(stock_out), shown)
        return json.loads(stock_out)


def _stock_max():
    return sdk_server.Server._max_microversion


class TestCloud296(_NeverLower):
    max_version = '2.96'

    def test_list_refused_before_any_server_request(self):
        status, out, err = self.run_cli(
            'server', 'list', '--image-properties'
        )
        self.assertOneLineError(status, out, err, '2.96', '2.98')
        self.assertFalse(
            [r for r in self.requests_with_headers() if '/servers' in r[1]]
        )

    def test_show_refused(self):
        status, out, err = self.run_cli(
            'server', 'show', self.web, '--image-properties'
        )
        self.assertOneLineError(status, out, err, '2.96', '2.98')


class TestCloud298(_NeverLower):
    max_version = '2.98'

    def test_list(self):
        self.check_list()

    def test_show(self):
        self.check_show()


class TestCloud2100(_NeverLower):
    max_version = '2.100'

    def test_list(self):
        stock = self.check_list()
        # flavors keep their own negotiation
        flavors = [h for m, u, h in stock if '/flavors' in u]
        self.assertEqual(['compute 2.61'], flavors)

    def test_show(self):
        shown = self.check_show()
        newest = discover.normalize_version_number(_stock_max()) >= (2, 100)
        self.assertEqual(newest, 'scheduler_hints' in shown)


class TestCloud2104(_NeverLower):
    max_version = '2.104'

    def test_list(self):
        self.check_list()

    def test_show(self):
        self.check_show()


class TestStockSdkBelow298(_NeverLower):
    """openstacksdk 4.0's Server (2.96), under every pin set: the option
    raises OSC's own server requests to 2.98, and only those."""
    max_version = '2.100'

    def setUp(self):
        super().setUp()
        pins.stock_server_below_2_98(self)

    def test_list(self):
        stock = self.check_list()
        self.assertEqual(
            {'compute 2.96'},
            {h for m, u, h in stock if _server_request(u)})
        self.assertEqual({'compute 2.98'}, self.server_microversions())

    def test_show(self):
        self.check_show()
        self.assertEqual({'compute 2.98'}, self.server_microversions())


class _Sdk40Server:
    """A stand-in for openstacksdk 4.0's Server class."""
    _max_microversion = '2.96'


class TestRaisedServerMicroversion(testtools.TestCase):
    """The class attribute itself, on stand-in Server classes."""

    def raised(self, server_class):
        raised = server_microversion.RaisedServerMicroversion(server_class)
        self.addCleanup(raised.stop)
        return raised.start()

    def test_lower_maximum_is_raised_then_restored(self):
        class Server(_Sdk40Server):
            pass
        Server._max_microversion = '2.96'
        raised = self.raised(Server)
        self.assertEqual('2.98', Server._max_microversion)
        raised.stop()
        self.assertEqual('2.96', vars(Server)['_max_microversion'])
        raised.stop()
        self.assertEqual('2.96', vars(Server)['_max_microversion'])

    def test_inherited_maximum_is_raised_and_left_inherited(self):
        class Server(_Sdk40Server):
            pass
        raised = self.raised(Server)
        self.assertEqual('2.98', vars(Server)['_max_microversion'])
        self.assertEqual('2.96', _Sdk40Server._max_microversion)
        raised.stop()
        self.assertNotIn('_max_microversion', vars(Server))
        self.assertEqual('2.96', Server._max_microversion)

    def test_no_maximum_gets_2_98(self):
        class Server:
            pass
        raised = self.raised(Server)
        self.assertEqual('2.98', Server._max_microversion)
        raised.stop()
        self.assertFalse(hasattr(Server, '_max_microversion'))

    def test_higher_maximum_is_never_lowered(self):
        for version in ('2.98', '2.100', '2.104'):
            class Server:
                _max_microversion = version
            raised = self.raised(Server)
            self.assertEqual(version, Server._max_microversion)
            raised.stop()
            self.assertEqual(version, Server._max_microversion)

    def test_at_least(self):
        at_least = server_microversion.at_least
        self.assertEqual('2.98', at_least(None))
        self.assertEqual('2.98', at_least('2.96'))
        self.assertEqual('2.98', at_least('2.9'))
        self.assertEqual('2.100', at_least('2.100'))
        self.assertEqual('2.98', at_least('2.98'))
