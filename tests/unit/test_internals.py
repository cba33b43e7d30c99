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

"""Each contact with another library's internals, against the real library.

osc_image_props.sdk._sdk_internals (openstacksdk) and
osc_image_props.osc._cli_internals (cliff, keystoneauth, requests) name
every private attribute and call order the plugin relies on. One test per
contact here, on the library's own objects through the fake cloud's HTTP
boundary, so that an upstream change fails the test that names it.
"""

import argparse
import io
import socket
import urllib.parse

import fixtures
from cliff import app as cliff_app
from cliff import columns
from cliff import command as cliff_command
from cliff import commandmanager
from cliff.formatters import commaseparated
from cliff.formatters import shell
from cliff import lister
from keystoneauth1 import discover
from openstack.compute.v2 import server as sdk_server
import requests

from osc_image_props.osc import _cli_internals
from osc_image_props.sdk import _sdk_internals
from osc_image_props.sdk import compute_api
from tests.unit import base
from tests.unit import drip_cloud

_DETAIL = '/v2.1/servers/detail'


class _InternalsTestCase(base.TestCase):
    # Above every openstacksdk's Server maximum: the class decides.
    max_version = '2.104'

    def setUp(self):
        super().setUp()
        self.web = self.cloud.add_server(name='web-1')
        self.conn = self.connect()

    def server_microversions(self):
        return [
            r.headers.get('OpenStack-API-Version')
            for r in self.mocker.request_history
            if '/servers' in r.path
        ]


class TestOpenstacksdk(_InternalsTestCase):
    """osc_image_props.sdk._sdk_internals."""

    def test_stock_server_max_microversion(self):
        # Server._max_microversion: what conn.compute.get_server() sends.
        stock = _sdk_internals.stock_server_max_microversion()
        self.assertGreaterEqual(
            discover.normalize_version_number(stock), (2, 96))
        self.conn.compute.get_server(self.web)
        self.assertEqual(['compute %s' % stock],
                         self.server_microversions())

    def test_max_microversion(self):
        # A class's own _max_microversion is what its requests negotiate
        # up to, read at each request; without its own, it inherits.
        stock = _sdk_internals.stock_server_max_microversion()

        class Probe(sdk_server.Server):
            pass

        missing = object()
        self.assertIs(missing,
                      _sdk_internals.own_max_microversion(Probe, missing))
        self.assertEqual(stock, _sdk_internals.max_microversion(Probe))
        self.assertEqual(
            stock, _sdk_internals.own_max_microversion(sdk_server.Server))

        _sdk_internals.set_max_microversion(Probe, '2.98')
        self.assertEqual('2.98', _sdk_internals.own_max_microversion(Probe))
        self.assertEqual('2.98', _sdk_internals.max_microversion(Probe))
        Probe.existing(id=self.web).fetch(self.conn.compute)
        _sdk_internals.unset_max_microversion(Probe)
        self.assertIsNone(_sdk_internals.own_max_microversion(Probe))
        Probe.existing(id=self.web).fetch(self.conn.compute)

        # The stock class, as --image-properties raises it for a command.
        self.addCleanup(_sdk_internals.set_max_microversion,
                        sdk_server.Server, stock)
        _sdk_internals.set_max_microversion(sdk_server.Server, '2.99')
        self.conn.compute.get_server(self.web)
        self.assertEqual(
            ['compute 2.98', 'compute %s' % stock, 'compute 2.99'],
            self.server_microversions())

    def test_server_query(self):
        # QueryParameters._validate/_transpose/_mapping, _query_mapping and
        # _body_mapping: the query conn.compute.servers() sends, and the
        # filters it applies on the client.
        params = {'name': 'web', 'all_projects': True, 'status': 'ACTIVE',
                  'flavor': 'f1', 'limit': 5, 'host_id': 'c0ffee',
                  'no_such_filter': 'x'}
        query, client_filters = _sdk_internals.server_query(
            sdk_server.Server, '/servers/detail', params)
        list(self.conn.compute.servers(**params))
        sent = [r for r in self.mocker.request_history
                if r.path == _DETAIL]
        self.assertEqual(
            urllib.parse.parse_qs(sent[0].query),
            urllib.parse.parse_qs(urllib.parse.urlencode(query)))
        self.assertEqual(
            {'name': 'web', 'all_tenants': True, 'status': 'ACTIVE',
             'flavor': 'f1', 'limit': 5}, query)
        self.assertEqual({'host_id': 'c0ffee'}, client_filters)

    def test_body_attrs(self):
        # _body_mapping: the server-side names a resource maps, the ones
        # Resource.existing() takes from a body.
        raw = dict(self.cloud.render(self.web, '2.98'),
                   connection='x', self='y', _synchronized='z',
                   not_a_member=1)
        kept = _sdk_internals.body_attrs(sdk_server.Server, raw)
        for name in ('connection', 'self', '_synchronized', 'not_a_member'):
            self.assertNotIn(name, kept)
        for name in ('id', 'name', 'image', 'flavor', 'hostId',
                     'OS-EXT-STS:vm_state'):
            self.assertEqual(raw[name], kept[name])
        server = sdk_server.Server.existing(**kept)
        self.assertEqual('web-1', server.name)
        self.assertEqual('active', server.vm_state)
        self.assertEqual('c0ffee', server.host_id)

    def test_body(self):
        # Resource._body: the members as the response had them, not
        # converted into resources, after openstacksdk's own fetch.
        server = compute_api.Server.new(id=self.web).fetch(self.conn.compute)
        raw = self.cloud.render(
            self.web, compute_api.client_max_microversion())
        body = _sdk_internals.body(server)
        self.assertEqual(raw['image'], body['image'])
        self.assertIsInstance(body['image'], dict)
        self.assertIsInstance(server.image, compute_api.ImageRef)
        self.assertEqual(raw['image'], body.get('image'))
        self.assertEqual(raw['flavor'], dict(body)['flavor'])


class TestKeystoneauthAndRequests(_InternalsTestCase):
    """osc_image_props.osc._cli_internals: keystoneauth and requests."""

    def test_requests_session(self):
        # keystoneauth's Session.session: the requests Session whose
        # response hooks see every response of the adapter's requests.
        session = _cli_internals.requests_session(self.conn.compute)
        self.assertIsInstance(session, requests.Session)
        seen = []

        def hook(response, *args, **kwargs):
            seen.append(urllib.parse.urlsplit(response.url).path)

        session.hooks['response'].append(hook)
        self.addCleanup(session.hooks['response'].remove, hook)
        self.conn.compute.get_server(self.web)
        list(self.conn.compute.servers())
        self.assertIn('/v2.1/servers/%s' % self.web, seen)
        self.assertIn(_DETAIL, seen)

    def test_reuse_parsed_body(self):
        # openstacksdk reads a body through response.json() on the
        # response a requests hook saw, shown alone or listed.
        def hook(response, *args, **kwargs):
            if '/servers' not in response.url:
                return
            body = response.json()
            for raw in body.get('servers') or [body.get('server')]:
                raw['name'] = 'from-the-hook'
            _cli_internals.reuse_parsed_body(response, body)

        session = _cli_internals.requests_session(self.conn.compute)
        session.hooks['response'].append(hook)
        self.addCleanup(session.hooks['response'].remove, hook)
        self.assertEqual('from-the-hook',
                         self.conn.compute.get_server(self.web).name)
        self.assertEqual(['from-the-hook'],
                         [s.name for s in self.conn.compute.servers()])

    def test_session_timeout(self):
        # keystoneauth's Session.timeout, read at each request.
        session = self.conn.session
        self.assertIsNone(_cli_internals.session_timeout(session))
        _cli_internals.set_session_timeout(session, 7.5)
        self.assertEqual(7.5, _cli_internals.session_timeout(session))
        self.conn.compute.get('/servers/detail')
        self.assertEqual(7.5, self.mocker.last_request.timeout)
        _cli_internals.set_session_timeout(session, None)
        self.conn.compute.get('/servers/detail')
        self.assertIsNone(self.mocker.last_request.timeout)


class _App(cliff_app.App):
    """A real cliff application with the given commands."""

    def __init__(self, **commands):
        manager = commandmanager.CommandManager('osc_image_props.test')
        for name, command_class in commands.items():
            manager.add_command(name, command_class)
        super().__init__('probe', '1', manager, stdin=io.StringIO(),
                         stdout=io.StringIO(), stderr=io.StringIO())
        self.options, _ = self.parser.parse_known_args([])


class _Recording:
    """A formatter that marks its output, then lets ``inner`` write."""

    def __init__(self, inner):
        self.inner = inner

    def emit_list(self, column_names, data, stdout, parsed_args):
        stdout.write('recorded\n')
        self.inner.emit_list(column_names, data, stdout, parsed_args)


class TestRequestsAndUrllib3(_InternalsTestCase):
    """osc_image_props.sdk._sdk_internals: under keystoneauth's Session."""

    def test_bound_new_connections(self):
        # Real sockets: requests-mock never opens a connection.
        self.mocker.stop()
        cloud = self.useFixture(drip_cloud.DripCloud())
        wrapped, timeouts = [], []

        class Recording:
            def __init__(self, sock):
                self.sock, self.files = sock, []
                wrapped.append(self)

            def makefile(self, *args, **kwargs):
                self.files.append(args)
                return self.sock.makefile(*args, **kwargs)

            def __getattr__(self, name):
                return getattr(self.sock, name)

        session = self.conn.session
        session.session.get(cloud.url + '/image')  # an idle connection
        _sdk_internals.bound_new_connections(
            session, Recording, lambda t: timeouts.append(t) or t)
        _sdk_internals.bound_new_connections(
            session, Recording, lambda t: timeouts.append(t) or t)
        for _ in range(2):
            response = session.session.get(cloud.url + '/image', timeout=7.5)
            self.assertEqual(200, response.status_code)
        # One new connection (the idle one was closed), made with the
        # connect timeout, and its response read through the wrapper.
        self.assertEqual([7.5], timeouts)
        self.assertEqual(1, len(wrapped))
        self.assertIn(('rb',), wrapped[0].files)
        self.assertIsInstance(wrapped[0].sock, socket.socket)


class TestCliff(base.TestCase):
    """osc_image_props.osc._cli_internals: cliff."""

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger())

    def test_formatter(self):
        # DisplayCommandBase: the -f choice is parsed_args.formatter, the
        # formatter is command.formatter from before take_action() until
        # produce_output() uses it.
        seen = {}

        class Probe(lister.Lister):
            def take_action(self, parsed_args):
                seen['name'] = _cli_internals.formatter_name(parsed_args)
                picked = _cli_internals.formatter(self)
                seen['picked'] = picked
                _cli_internals.set_formatter(self, _Recording(picked))
                return ('a',), [('x',)]

        application = _App(probe=Probe)
        self.assertEqual(
            0, application.run_subcommand(['probe', '-f', 'csv']),
            self.logger.output)
        self.assertEqual('csv', seen['name'])
        self.assertIsInstance(seen['picked'], commaseparated.CSVLister)
        self.assertEqual('recorded\n"a"\n"x"\n',
                         application.stdout.getvalue().replace('\r', ''))

    def test_column_value(self):
        # A FormattableColumn keeps the value it was made with as _value,
        # which cliff's own machine_readable() returns.
        class Probe(columns.FormattableColumn):
            def human_readable(self):
                return 'shown'

        value = {'hw_machine_type': 'q35'}
        column = Probe(value)
        self.assertIs(value, _cli_internals.column_value(column))
        self.assertIs(column.machine_readable(),
                      _cli_internals.column_value(column))

    def test_shell_options(self):
        # cliff's shell formatter keeps --variable and --prefix as
        # ``variables`` and ``prefix``.
        parser = argparse.ArgumentParser()
        shell.ShellFormatter().add_argument_group(parser)
        self.assertEqual(
            (['a', 'b'], 'p_'),
            _cli_internals.shell_options(parser.parse_args(
                ['--variable', 'a', '--variable', 'b', '--prefix', 'p_'])))
        self.assertEqual(
            ([], ''), _cli_internals.shell_options(parser.parse_args([])))

    def test_replace_get_parser(self):
        # cliff's App builds a command's parser through the get_parser
        # attribute of the command object, after its __init__ (where the
        # hooks are built).
        class Probe(cliff_command.Command):
            def __init__(self, app, app_args, cmd_name=None):
                super().__init__(app, app_args, cmd_name=cmd_name)
                get_parser = self.get_parser

                def then_add(prog_name):
                    parser = get_parser(prog_name)
                    parser.add_argument('--added-after')
                    return parser

                _cli_internals.replace_get_parser(self, then_add)

            def take_action(self, parsed_args):
                self.app.stdout.write('%s\n' % parsed_args.added_after)

        application = _App(probe=Probe)
        self.assertEqual(
            0, application.run_subcommand(['probe', '--added-after', 'x']))
        self.assertEqual('x\n', application.stdout.getvalue())

    def test_option_strings(self):
        # A parser and its argument groups share what they hold.
        parser = argparse.ArgumentParser()
        parser.add_argument('--one')
        group = parser.add_argument_group('g')
        group.add_argument('--two', '-t')
        for holder in (parser, group):
            self.assertLessEqual({'--one', '--two', '-t', '-h', '--help'},
                                 _cli_internals.option_strings(holder))
        self.assertNotIn('--three', _cli_internals.option_strings(parser))

    def test_replace_run(self):
        # cliff's App calls the run attribute of the command it built,
        # after the command's __init__ (where the hooks are built), and
        # a failing command leaves through it.
        events = []

        class Probe(cliff_command.Command):
            def __init__(self, app, app_args, cmd_name=None):
                super().__init__(app, app_args, cmd_name=cmd_name)
                run = self.run

                def around(parsed_args):
                    events.append('start')
                    try:
                        return run(parsed_args)
                    finally:
                        events.append('end')

                _cli_internals.replace_run(self, around)

            def take_action(self, parsed_args):
                events.append('action')
                raise RuntimeError('the command fails')

        self.assertEqual(1, _App(probe=Probe).run_subcommand(['probe']))
        self.assertEqual(['start', 'action', 'end'], events)
        self.assertIn('the command fails', self.logger.output)
