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

"""sdk.take_baseline, read_baseline, image_properties_since, fleet_since."""

import io
import json

import fixtures

from osc_image_props import sdk
from osc_image_props.sdk import baseline as baseline_mod
from osc_image_props.sdk import since
from tests.unit import base
from tests.unit import fakes

OTHER_IMAGE = '0e0e0e0e-3b6f-4bde-9f0c-1c2d3e4f5a6b'


def operator_sets(cloud, server_id, **changes):
    """What ``nova-manage image_property set`` does to the copy."""
    cloud.servers[server_id]['image']['properties'].update(changes)


def valid_document(**changes):
    document = {
        'format': baseline_mod.FORMAT,
        'version': 1,
        'taken_at': '2026-12-06T11:00:00Z',
        'cloud': {'compute_endpoint': fakes.COMPUTE_URL,
                  'region': 'RegionOne', 'project_id': fakes.PROJECT_ID},
        'scope': 'project',
        'servers': [{'id': 's1', 'name': 'web', 'image_id': 'i1',
                     'properties': {'hw_machine_type': 'q35'}}],
    }
    document.update(changes)
    return document


def encoded(document):
    return json.dumps(document).encode()


def entry(**changes):
    server = {'id': 's1', 'name': 'web', 'image_id': 'i1',
              'properties': {'a': 'b'}}
    server.update(changes)
    return server


#: Files that are not baselines: (label, bytes, a fragment of the error).
HOSTILE_FILES = [
    ('empty', b'', 'cut short'),
    ('not json', b'<html>hello</html>', 'not JSON'),
    ('truncated', encoded(valid_document())[:-20], 'cut short'),
    ('not utf-8', b'{"format": "\xff"}', 'not UTF-8'),
    ('a list', b'[]', 'not a JSON object'),
    ('no format', encoded({'version': 1}), '"format"'),
    ('another format', encoded(valid_document(format='x')), '"format"'),
    ('version 2', encoded(valid_document(version=2)),
     'its version is 2; this client reads version 1'),
    ('version "1"', encoded(valid_document(version='1')), 'version is "1"'),
    ('version true', encoded(valid_document(version=True)), 'version'),
    ('no version', encoded({'format': baseline_mod.FORMAT}), 'null'),
    ('NaN', encoded(valid_document()).replace(b'"version": 1',
                                              b'"version": NaN'),
     'NaN is not JSON'),
    ('duplicate member', b'{"format": "a", "format": "b"}',
     'a member is given twice'),
    ('deep nesting', b'[' * 100000 + b']' * 100000, 'nested too deeply'),
    ('taken_at a number', encoded(valid_document(taken_at=5)), 'taken_at'),
    ('taken_at not a time', encoded(valid_document(taken_at='yesterday')),
     'ISO 8601'),
    ('cloud a string', encoded(valid_document(cloud='x')), '"cloud"'),
    ('no endpoint', encoded(valid_document(cloud={})), 'compute_endpoint'),
    ('scope unknown', encoded(valid_document(scope='all')), '"scope"'),
    ('servers an object', encoded(valid_document(servers={})), '"servers"'),
    ('server a string', encoded(valid_document(servers=['s1'])),
     'server 0 is not an object'),
    ('server id a number', encoded(valid_document(servers=[entry(id=1)])),
     'server 0 "id"'),
    ('server without properties', encoded(valid_document(servers=[
        {'id': 's1', 'name': 'a', 'image_id': 'i'}])), 'no "properties"'),
    ('property value a number', encoded(valid_document(
        servers=[entry(properties={'a': 1})])), 'object of strings'),
    ('properties a list', encoded(valid_document(
        servers=[entry(properties=['a'])])), 'object of strings'),
    ('image without properties', encoded(valid_document(
        servers=[entry(properties=None)])), 'booted from a volume'),
    ('server twice', encoded(valid_document(servers=[entry(), entry()])),
     'listed twice'),
    ('hostile server id', encoded(valid_document(servers=[
        entry(id='\x1b]0;owned\x07\u202e'), entry(id='\x1b]0;owned\x07\u202e')
    ])), 'server \\x1b]0;owned\\x07\\u202e is listed twice'),
]


class TestFormat(base.TestCase):

    def test_round_trip(self):
        server_id = self.cloud.add_server()
        self.cloud.add_server('vol', volume_backed=True)
        taken = sdk.take_baseline(self.connect())
        again = baseline_mod.parse(taken.to_json().encode())
        self.assertEqual(taken, again)
        self.assertEqual(fakes.PROPERTIES, again.servers[server_id].properties)
        self.assertEqual(fakes.IMAGE_ID, again.servers[server_id].image_id)
        self.assertEqual(baseline_mod.Cloud(fakes.COMPUTE_URL, 'RegionOne',
                                            fakes.PROJECT_ID), again.cloud)
        self.assertEqual('project', again.scope)

    def test_the_file_is_ascii_and_keeps_hostile_text_exactly(self):
        hostile = {'k\x1b[2J': 'v\u202e\ud800', 'null': None}
        self.cloud.add_server('\x1b]0;x\x07', properties=hostile)
        text = sdk.take_baseline(self.connect()).to_json()
        self.assertTrue(text.isascii())
        (server,) = baseline_mod.parse(text.encode()).servers.values()
        self.assertEqual(hostile, server.properties)
        self.assertEqual('\x1b]0;x\x07', server.name)

    def test_every_hostile_file_is_one_line_error(self):
        for label, data, fragment in HOSTILE_FILES:
            with self.subTest(label):
                error = self.assertRaises(
                    sdk.BaselineError, baseline_mod.parse, data, 'f.json')
                message = str(error)
                self.assertIn(fragment, message, label)
                self.assertTrue(message.startswith(
                    'f.json is not a baseline this client can read: '))
                self.assertTrue(message.isprintable(), repr(message))
                self.assertNotIn('\n', message)

    def test_a_file_larger_than_the_limit_is_not_read_whole(self):
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk.baseline.MAX_BYTES', 100))
        data = encoded(valid_document(servers=[entry()] * 0))
        self.assertLess(len(data), 1000)
        stream = io.BytesIO(data + b' ' * 10 ** 6)
        error = self.assertRaises(sdk.BaselineError, sdk.read_baseline,
                                  stream)
        self.assertIn('larger than 0 MiB', str(error))
        self.assertEqual(101, stream.tell())

    def test_a_missing_file(self):
        error = self.assertRaises(sdk.BaselineError, sdk.read_baseline,
                                  '/nonexistent/\x1b[2J.json')
        self.assertEqual(
            'Cannot read the baseline /nonexistent/\\x1b[2J.json: No such '
            'file or directory.', str(error))

    def test_write_leaves_the_old_file_on_an_error(self):
        path = self.useFixture(fixtures.TempDir()).join('b.json')
        with open(path, 'w') as f:
            f.write('old')
        taken = sdk.take_baseline(self.connect())
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk.baseline.Baseline.to_json',
            lambda self: '\u00e9'))  # not ASCII: the write fails
        self.assertRaises(UnicodeEncodeError, sdk.write_baseline, taken,
                          path)
        with open(path) as f:
            self.assertEqual('old', f.read())


class TestTake(base.TestCase):

    def test_the_fleet_costs_the_server_list_only(self):
        ids = [self.cloud.add_server('web-%d' % i) for i in range(3)]
        taken = sdk.take_baseline(self.connect(), all_projects=True)
        self.assertEqual(set(ids), set(taken.servers))
        self.assertEqual('all-projects', taken.scope)
        self.assertEqual(
            [('GET', '/v2.1/servers/detail?all_tenants=True')],
            fakes.compute_requests(self.mocker))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_named_servers_cost_one_get_each(self):
        first = self.cloud.add_server('a')
        second = self.cloud.add_server('b')
        self.cloud.add_server('c')
        taken = sdk.take_baseline(self.connect(), [first, second])
        self.assertEqual({first, second}, set(taken.servers))
        self.assertEqual('servers', taken.scope)
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % first),
             ('GET', '/v2.1/servers/%s' % second)],
            fakes.compute_requests(self.mocker))


class SinceTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.web = self.cloud.add_server('web')
        self.baseline = sdk.take_baseline(self.connect())
        self.mocker.reset_mock()


class TestServerSince(SinceTestCase):

    def since(self, **kwargs):
        return sdk.image_properties_since(self.connect(), self.web,
                                          self.baseline, **kwargs)

    def test_unchanged(self):
        result = self.since()
        self.assertEqual(since.COMPARED, result.outcome)
        self.assertFalse(result.has_changes)
        self.assertEqual({since.UNCHANGED},
                         {p.state for p in result.properties})

    def test_operator_change_after_image_changed_and_deleted(self):
        # The image owner changes the image, then deletes it; the
        # operator then sets a property in the server's copy.
        self.cloud.images[fakes.IMAGE_ID]['hw_machine_type'] = 'pc'
        del self.cloud.images[fakes.IMAGE_ID]
        operator_sets(self.cloud, self.web, hw_machine_type='pc-q35-8.2',
                      hw_video_model='virtio')
        del self.cloud.servers[self.web]['image']['properties']['os_distro']
        result = self.since()
        self.assertEqual(
            [('hw_machine_type', 'q35', 'pc-q35-8.2', since.CHANGED),
             ('os_distro', 'ubuntu', None, since.REMOVED)],
            [(p.name, p.baseline, p.now, p.state) for p in result.changed])
        # A name nova-compute records itself: listed, not a change.
        self.assertEqual(
            [('hw_video_model', None, 'virtio', since.RECORDED)],
            [(p.name, p.baseline, p.now, p.state) for p in result.recorded])
        self.assertTrue(result.has_changes)

    def test_requests_one_server_get_and_no_glance(self):
        self.since()
        self.assertEqual([('GET', '/v2.1/servers/%s' % self.web)],
                         fakes.compute_requests(self.mocker))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_added_and_recorded_with_include_recorded(self):
        operator_sets(self.cloud, self.web, hw_rng_model='virtio',
                      hw_video_model='virtio')
        result = self.since(include_recorded=True)
        self.assertEqual(
            [('hw_rng_model', since.ADDED),
             ('hw_video_model', since.RECORDED)],
            [(p.name, p.state) for p in result.changed])

    def test_rebuilt(self):
        server = self.cloud.servers[self.web]
        server['image']['id'] = OTHER_IMAGE
        result = self.since()
        self.assertEqual(since.REBUILT, result.outcome)
        self.assertEqual((OTHER_IMAGE, fakes.IMAGE_ID),
                         (result.image_id, result.baseline_image_id))
        self.assertTrue(result.has_changes)

    def test_new_since(self):
        newer = self.cloud.add_server('newer')
        result = sdk.image_properties_since(self.connect(), newer,
                                            self.baseline)
        self.assertEqual(since.NEW, result.outcome)
        self.assertTrue(result.has_changes)

    def test_another_cloud_is_refused_before_any_server_request(self):
        for field, value in (
            ('compute_endpoint', 'http://other.test/v2.1'),
            ('region', 'RegionTwo'),
            ('project_id', 'another-project'),
        ):
            with self.subTest(field):
                cloud = baseline_mod.Cloud(**dict(
                    vars(self.baseline.cloud), **{field: value}))
                other = baseline_mod.Baseline(
                    self.baseline.taken_at, cloud, self.baseline.scope,
                    self.baseline.servers)
                self.mocker.reset_mock()
                error = self.assertRaises(
                    sdk.BaselineFromAnotherCloud,
                    sdk.image_properties_since, self.connect(), self.web,
                    other)
                self.assertIn(value, str(error))
                self.assertEqual([], fakes.compute_requests(self.mocker))

    def test_endpoint_compared_without_case_or_trailing_slash(self):
        self.assertEqual(
            'http://compute.test/v2.1',
            baseline_mod.normalized_endpoint('HTTP://Compute.TEST/v2.1/'))


class TestFleetSince(SinceTestCase):

    def setUp(self):
        super().setUp()
        self.gone = self.cloud.add_server('gone')
        self.rebuilt = self.cloud.add_server('rebuilt')
        self.baseline = sdk.take_baseline(self.connect())
        del self.cloud.servers[self.gone]
        self.cloud.servers[self.rebuilt]['image']['id'] = OTHER_IMAGE
        self.new = self.cloud.add_server('new')
        operator_sets(self.cloud, self.web, hw_machine_type='pc')
        self.mocker.reset_mock()

    def test_every_outcome(self):
        result = {s.server_id: s for s in sdk.fleet_since(
            self.connect(), self.baseline)}
        self.assertEqual(
            {self.web: since.COMPARED, self.gone: since.GONE,
             self.rebuilt: since.REBUILT, self.new: since.NEW},
            {k: v.outcome for k, v in result.items()})
        self.assertEqual(
            [('hw_machine_type', 'q35', 'pc', since.CHANGED)],
            [(p.name, p.baseline, p.now, p.state)
             for p in result[self.web].changed])
        self.assertTrue(all(s.has_changes for s in result.values()))

    def test_requests_are_drifts_list_and_no_glance(self):
        list(sdk.fleet_since(self.connect(), self.baseline))
        self.assertEqual([('GET', '/v2.1/servers/detail')],
                         fakes.compute_requests(self.mocker))
        self.assertEqual([], fakes.image_requests(self.mocker))

    def test_a_filtered_list_cannot_tell_new_or_gone(self):
        result = {s.server_id: s.outcome for s in sdk.fleet_since(
            self.connect(), self.baseline, name='^(web|new)$')}
        self.assertEqual(
            {self.web: since.COMPARED, self.new: since.OUTSIDE,
             self.gone: since.OUTSIDE, self.rebuilt: since.OUTSIDE},
            result)

    def test_all_projects_against_a_project_baseline(self):
        result = {s.server_id: s.outcome for s in sdk.fleet_since(
            self.connect(), self.baseline, all_projects=True)}
        self.assertEqual(since.OUTSIDE, result[self.new])

    def test_keys(self):
        (web,) = [s for s in sdk.fleet_since(
            self.connect(), self.baseline, keys=['os_distro'])
            if s.server_id == self.web]
        self.assertFalse(web.has_changes)
