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

"""The capture behind --image-properties: restored, scoped, parsed once."""

import io
import json

import fixtures
from openstack.compute.v2 import server as sdk_server
import requests

from osc_image_props import sdk
from osc_image_props.osc import capture
from osc_image_props.osc import plumbing
from tests.unit import fakes
from tests.unit import pins
from tests.unit.osc import test_hooks


class TestRestoredOnEveryPath(test_hooks.HookTestCase):
    max_version = '2.104'

    def interactive(self, commands, hooks=True):
        """Run ``openstack`` interactively: one process, one client."""
        self.useFixture(fixtures.MonkeyPatch('sys.argv', ['openstack']))
        self.useFixture(fixtures.MonkeyPatch(
            'sys.stdin', io.StringIO(''.join(c + '\n' for c in commands))))
        if hooks:
            self.run_cli()
        else:
            with fixtures.MonkeyPatch(
                'cliff.command.Command._load_hooks', test_hooks._no_hooks
            ):
                self.run_cli()
        return [
            (r.method, r.url, r.headers.get('OpenStack-API-Version'))
            for r in self.mocker.request_history
            if r.path.rstrip('/') not in ('', '/v2.1', '/v3')
            and 'nope' not in r.url
        ]

    def test_failed_command_leaves_nothing_behind(self):
        # openstacksdk 4.0's Server, under every pin set: the failed
        # command raised it to 2.98, and the next ones go at 2.96 again.
        pins.stock_server_below_2_98(self)
        plain = ['server show %s -f json' % self.web, 'server list -f json']
        stock = self.interactive(plain, hooks=False)
        self.mocker.reset_mock()
        after_failure = self.interactive(
            ['server show nope --image-properties'] + plain
        )
        self.assertEqual(stock, after_failure)
        self.assertIn(('GET', 'http://compute.test/v2.1/flavors/detail'
                       '?is_public=None', 'compute 2.61'), stock)
        self.assertIn(('GET', 'http://compute.test/v2.1/servers/%s'
                       % self.web, 'compute 2.96'), stock)

    def test_failed_command_stops_its_capture(self):
        captures = []
        real_start = capture.ServerCapture.start

        def tracked_start(recorder):
            captures.append(recorder)
            return real_start(recorder)

        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.osc.capture.ServerCapture.start',
            tracked_start))
        status, out, err = self.run_cli(
            'server', 'show', 'nope', '--image-properties')
        self.assertEqual(1, status, err)
        (recorder,) = captures
        hooks = recorder._requests_session.hooks['response']
        self.assertNotIn(recorder._record, hooks)

    def test_class_attribute_restored_after_failure(self):
        pins.stock_server_below_2_98(self)
        before = vars(sdk_server.Server)['_max_microversion']
        self.assertEqual('2.96', before)
        status, out, err = self.run_cli(
            'server', 'show', 'nope', '--image-properties')
        self.assertEqual(1, status)
        self.assertEqual(before, vars(sdk_server.Server)['_max_microversion'])
        status, out, err = self.run_cli('server', 'list', '--image-property',
                                        'os_distro=ubuntu')
        self.assertEqual(0, status, err)
        self.assertEqual(before, vars(sdk_server.Server)['_max_microversion'])


class TestEndpointMatching(test_hooks.HookTestCase):

    def _capture_of(self, url):
        """Capture one GET of ``url`` answered with a server body."""
        body = {'server': self.cloud.render(self.web, '2.98')}
        self.mocker.get(url, json=body)
        conn = self.connect()
        compute = conn.compute
        compute.get_endpoint()
        recorder = capture.ServerCapture(compute).start()
        self.addCleanup(recorder.stop)
        compute.session.session.get(url)
        return recorder

    def test_compute_endpoint_is_recorded(self):
        recorder = self._capture_of(
            'http://compute.test/v2.1/servers/%s' % self.web)
        self.assertEqual(fakes.PROPERTIES,
                         recorder.image_properties(self.web))

    def test_other_endpoints_are_not(self):
        for url in (
            'https://compute.test/v2.1/servers/%s',
            'http://compute.test:8774/v2.1/servers/%s',
            'http://image.test/v2.1/servers/%s',
            'http://compute.test/v2.10/servers/%s',
        ):
            recorder = self._capture_of(url % self.web)
            self.assertRaises(sdk.ImagePropertiesProtocolError,
                              recorder.image_properties, self.web)


class TestParsedOnce(test_hooks.HookTestCase):

    def _count_parses(self, *argv, hooks=True):
        parses = []
        real_loads = requests.models.complexjson.loads

        def counting(text, *args, **kwargs):
            # complexjson is the json module: count only server bodies, not
            # files such as openstacksdk's defaults, read once per process.
            if isinstance(text, str) and text.startswith('{"server'):
                parses.append(len(text))
            return real_loads(text, *args, **kwargs)

        with fixtures.MonkeyPatch('requests.models.complexjson.loads',
                                  counting):
            if hooks:
                status, out, err = self.run_cli(*argv)
            else:
                (status, out, err), _ = self.run_without_plugin(*argv)
        self.assertEqual(0, status, err)
        return len(parses)

    def test_list_body_parsed_once(self):
        for i in range(5):
            self.cloud.add_server(name='more-%d' % i)
        stock = self._count_parses('server', 'list', hooks=False)
        # The counter sees the server bodies: this is not 0 == 0.
        self.assertGreater(stock, 0)
        self.assertEqual(
            stock,
            self._count_parses('server', 'list', '--image-properties'))

    def test_show_body_parsed_once(self):
        stock = self._count_parses('server', 'show', self.web, hooks=False)
        self.assertGreater(stock, 0)
        self.assertEqual(
            stock,
            self._count_parses('server', 'show', self.web,
                               '--image-properties'))



class TestMemory(test_hooks.HookTestCase):
    """What a large list keeps: one copy of each property set, briefly."""

    def _capture_list(self):
        url = 'http://compute.test/v2.1/servers/detail'
        self.twin = self.cloud.add_server(name='web-3')
        ids = (self.web, self.other, self.volume, self.twin)
        self.mocker.get(url, json={
            'servers': [self.cloud.render(i, '2.98') for i in ids]})
        compute = self.connect().compute
        compute.get_endpoint()
        recorder = capture.ServerCapture(compute).start()
        self.addCleanup(recorder.stop)
        return recorder, compute.session.session.get(url).json()

    def test_equal_properties_share_one_dict(self):
        recorder, _ = self._capture_list()
        web = recorder.image_properties(self.web)
        self.assertEqual(fakes.PROPERTIES, web)
        self.assertIs(web, recorder.image_properties(self.twin))
        self.assertEqual({'hw_machine_type': 'pc'},
                         recorder.image_properties(self.other))
        self.assertIsNone(recorder.image_properties(self.volume))

    def test_openstacksdk_gets_no_second_copy(self):
        _, body = self._capture_list()
        images = {s['id']: s['image'] for s in body['servers']}
        self.assertEqual('', images.pop(self.volume))
        for image in images.values():
            self.assertEqual({'id', 'links'}, set(image))

    def test_release_forgets_everything(self):
        recorder, _ = self._capture_list()
        self.assertEqual(4, len(recorder))
        recorder.release()
        self.assertEqual(0, len(recorder))
        self.assertRaises(sdk.ImagePropertiesProtocolError,
                          recorder.image_properties, self.web)

    def test_errors_wait_for_their_row(self):
        del self.cloud.servers[self.other]['image']['properties']
        recorder, _ = self._capture_list()
        self.assertEqual(fakes.PROPERTIES,
                         recorder.image_properties(self.web))
        for _ in range(2):
            error = self.assertRaises(sdk.ImagePropertiesMissing,
                                      recorder.image_properties, self.other)
            self.assertIn(self.other, str(error))

    def _held_while_printing(self, *argv):
        """Servers each capture holds when the rows are printed."""
        captures, held = [], []
        real_init = capture.ServerCapture.__init__

        def tracked_init(recorder, *args, **kwargs):
            real_init(recorder, *args, **kwargs)
            captures.append(recorder)

        def spy(emit):
            def emit_and_count(formatter, *args, **kwargs):
                held.extend(len(c) for c in captures)
                return emit(formatter, *args, **kwargs)
            return emit_and_count

        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.osc.capture.ServerCapture.__init__',
            tracked_init))
        for name in ('emit_list', 'emit_one'):
            self.useFixture(fixtures.MonkeyPatch(
                'osc_image_props.osc.plumbing.DestinationFormatter.' + name,
                spy(getattr(plumbing.DestinationFormatter, name))))
        status, out, err = self.run_cli(*argv)
        self.assertEqual(0, status, err)
        self.assertEqual(1, len(captures))
        return held, out

    def test_list_rows_alone_hold_properties_while_printing(self):
        twin = self.cloud.add_server(name='web-3')
        held, out = self._held_while_printing(
            'server', 'list', '--image-properties', 'hw_machine_type',
            '-f', 'json')
        self.assertEqual([0], held)
        rows = {r['ID']: r['Image Properties'] for r in json.loads(out)}
        self.assertEqual({
            self.web: {'hw_machine_type': 'q35'},
            twin: {'hw_machine_type': 'q35'},
            self.other: {'hw_machine_type': 'pc'},
            self.volume: None,
        }, rows)

    def test_show_field_alone_holds_properties_while_printing(self):
        held, out = self._held_while_printing(
            'server', 'show', self.web, '--image-properties', '-f', 'json')
        self.assertEqual([0], held)
        self.assertEqual(fakes.PROPERTIES,
                         json.loads(out)['image_properties'])


class TestOnePath(test_hooks.HookTestCase):

    def test_hook_failure_is_one_line_and_debug_has_the_traceback(self):
        del self.cloud.servers[self.other]['image']['properties']
        status, out, err = self.run_cli('server', 'list',
                                        '--image-properties')
        self.assertOneLineError(status, out, err, self.other)
        status, out, err = self.run_cli('--debug', 'server', 'list',
                                        '--image-properties')
        self.assertEqual(1, status)
        self.assertIn('Traceback', err)
        self.assertIn('ImagePropertiesMissing', err)

    def test_bad_key_list_is_one_line_and_escaped(self):
        status, out, err = self.run_cli(
            'server', 'list', '--image-property', '=\x1b[2J')
        line = self.assertOneLineError(status, out, err, 'property name')
        self.assertNotIn('\x1b', line)
