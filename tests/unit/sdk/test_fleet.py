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

"""sdk.fleet_drift and sdk.summarize: results and requests on the wire."""

import re
import urllib.parse

import fixtures

from osc_image_props import sdk
from osc_image_props.sdk import fleet
from tests.unit import base
from tests.unit import cloud_answers
from tests.unit import fakes
from tests.unit.sdk import test_dialects

OTHER = cloud_answers.image_id(2)
DETAIL = re.compile(r'^http://compute\.test/v2\.1/servers/detail(\?.*)?$')


def detail_requests(mocker):
    return [
        (r.path, urllib.parse.parse_qs(r.query))
        for r in mocker.request_history
        if r.hostname == 'compute.test' and r.path.endswith('/detail')
    ]


def glance_requests(mocker):
    return [
        urllib.parse.unquote(r.path + ('?' + r.query if r.query else ''))
        for r in mocker.request_history
        if r.hostname == 'image.test' and r.path not in ('', '/')
    ]


class FleetTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.cloud.add_image(OTHER, {'hw_machine_type': 'pc'})

    def change_image(self, image_id=fakes.IMAGE_ID, **changes):
        body = self.cloud.images[image_id]
        for name, value in changes.items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value


class TestFleetDrift(FleetTestCase):

    def test_only_the_servers_of_the_changed_image(self):
        ids = [self.cloud.add_server('web-%d' % i) for i in range(3)]
        self.cloud.add_server('legacy', properties={'hw_machine_type': 'pc'},
                              image_id=OTHER)
        self.change_image(hw_machine_type='pc')
        result = list(sdk.fleet_drift(self.connect()))
        self.assertEqual(4, len(result))
        drifted = {r.server_id: r.drifted for r in result if r.drifted}
        self.assertEqual(set(ids), set(drifted))
        for rows in drifted.values():
            self.assertEqual(
                [('hw_machine_type', 'q35', 'pc', 'changed')],
                [(p.name, p.embedded, p.glance, p.state) for p in rows])
        self.assertEqual({fleet.COMPARED}, {r.outcome for r in result})

    def test_keys_compare_only_those_names(self):
        self.cloud.add_server()
        self.change_image(hw_machine_type='pc', os_distro='debian')
        (only,) = sdk.fleet_drift(self.connect(), keys=['os_distro'])
        self.assertEqual(['os_distro'], [p.name for p in only.drifted])

    def test_cost_is_the_pages_and_one_glance_batch(self):
        for i in range(5):
            self.cloud.add_server('s%d' % i,
                                  image_id=OTHER if i % 2 else fakes.IMAGE_ID)
        list(self.connect().compute.servers(details=True, limit=2))
        stock = detail_requests(self.mocker)
        self.mocker.reset_mock()
        list(sdk.fleet_drift(self.connect(), limit=2))
        # The compute requests of conn.compute.servers(), no more.
        self.assertEqual(stock, detail_requests(self.mocker))
        self.assertEqual({'limit': ['2']}, stock[0][1])
        self.assertEqual(4, len(stock))
        for request in self.mocker.request_history:
            if request.path.endswith('/detail'):
                self.assertEqual('compute 2.98',
                                 request.headers['OpenStack-API-Version'])
        self.assertEqual(
            ['/v2/images?id=in:%s,%s&limit=3'
             % tuple(sorted([fakes.IMAGE_ID, OTHER]))],
            glance_requests(self.mocker))

    def test_glance_requests_grow_with_distinct_images_not_servers(self):
        for i in range(120):
            image = self.cloud.add_image(
                cloud_answers.image_id(100 + i), fakes.PROPERTIES)
            self.cloud.add_server('a%d' % i, image_id=image)
            self.cloud.add_server('b%d' % i, image_id=image)
        result = list(sdk.fleet_drift(self.connect()))
        self.assertEqual(240, len(result))
        requests = glance_requests(self.mocker)
        self.assertEqual(3, len(requests))  # 50 + 50 + 20 IDs
        self.assertEqual(
            [51, 51, 21],
            [int(urllib.parse.parse_qs(r.split('?', 1)[1])['limit'][0])
             for r in requests])
        self.assertEqual(1, len(detail_requests(self.mocker)))

    def test_streams_a_chunk_at_a_time(self):
        self.useFixture(fixtures.MonkeyPatch(
            'osc_image_props.sdk.fleet.CHUNK', 2))
        for i in range(6):
            self.cloud.add_server('s%d' % i)
        stream = sdk.fleet_drift(self.connect(), limit=2)
        self.assertEqual([], detail_requests(self.mocker))
        next(stream)
        self.assertEqual(1, len(detail_requests(self.mocker)))
        self.assertEqual(5, len(list(stream)))
        # The image was fetched once, for the first chunk.
        self.assertEqual(1, len(glance_requests(self.mocker)))

    def test_outcomes_that_are_not_compared(self):
        self.cloud.add_server('vol', volume_backed=True)
        self.cloud.add_partial_server()
        gone = cloud_answers.image_id(3)
        self.cloud.add_server('orphan-1', image_id=gone)
        self.cloud.add_server('orphan-2', image_id=gone)
        result = list(sdk.fleet_drift(self.connect()))
        self.assertEqual(
            [fleet.VOLUME_BOOTED, fleet.UNREACHABLE, fleet.IMAGE_MISSING,
             fleet.IMAGE_MISSING],
            [r.outcome for r in result])
        self.assertEqual([(), (), (), ()], [r.drifted for r in result])
        self.assertEqual(gone, result[2].image_id)
        # Missing from the list: asked for once by ID, as diff does.
        self.assertEqual(
            ['/v2/images?id=in:%s&limit=2' % gone, '/v2/images/%s' % gone],
            glance_requests(self.mocker))

    def test_hidden_image_is_compared_not_missing(self):
        self.cloud.add_server()
        self.change_image(os_hidden=True, hw_machine_type='pc')
        (only,) = sdk.fleet_drift(self.connect())
        self.assertEqual(fleet.COMPARED, only.outcome)
        self.assertEqual(['hw_machine_type'], [p.name for p in only.drifted])

    def test_flavor_root_disk_is_read_as_for_one_server(self):
        # Nova 2025.1 stores a vhd image's min_disk as the flavor's root
        # disk; a flavor without a number there leaves Glance's min_disk.
        self.cloud.max_version = '2.100'
        self.change_image(disk_format='vhd', min_disk=5)
        embedded = dict(test_dialects.EPOXY_COPY, disk_format='vhd',
                        min_disk='20')
        changed = [('min_disk', '20', 5, 'changed')]
        for flavor, drifted in (
            ({'disk': 20}, []),
            ({'disk': '20'}, changed),
            ({'disk': None}, changed),
            (None, changed),
        ):
            with self.subTest(flavor=flavor):
                self.cloud.servers.clear()
                server_id = self.cloud.add_server(properties=embedded)
                self.cloud.servers[server_id]['flavor'] = flavor
                conn = self.connect()
                (server,) = sdk.fleet_drift(conn)
                one = sdk.image_properties_drift(conn, server_id)
                for result in (server.drifted, one.drifted):
                    self.assertEqual(
                        drifted,
                        [(p.name, p.embedded, p.glance, p.state)
                         for p in result])

    def test_image_id_that_is_not_plain_is_asked_for_alone(self):
        self.cloud.add_server(image_id='a,b')
        (only,) = sdk.fleet_drift(self.connect())
        self.assertEqual(fleet.IMAGE_MISSING, only.outcome)
        self.assertEqual(['/v2/images/a,b'], glance_requests(self.mocker))

    def test_glance_list_cannot_add_images(self):
        self.cloud.add_server()
        self.mocker.get(fakes.IMAGE_LIST, json={'images': [
            fakes.FakeCloud.image_body(fakes.IMAGE_ID, {}),
            fakes.FakeCloud.image_body('intruder', {'hw_x': '1'}),
        ]})
        (only,) = sdk.fleet_drift(self.connect())
        self.assertEqual(fleet.COMPARED, only.outcome)
        # Compared with the server's own image, which has no properties.
        self.assertEqual(
            [('hw_tpm_model', 'only-embedded'),
             ('hw_tpm_version', 'only-embedded'),
             ('os_distro', 'only-embedded')],
            [(p.name, p.state) for p in only.drifted])
        self.assertEqual([('hw_machine_type', 'recorded-by-nova')],
                         [(p.name, p.state) for p in only.recorded])

    def test_next_link_elsewhere_is_not_followed(self):
        self.cloud.add_server()
        self.mocker.get(fakes.IMAGE_LIST, json={
            'images': [], 'next': 'http://evil.test/v2/images?marker=x'})
        list(sdk.fleet_drift(self.connect()))
        self.assertNotIn('evil.test', str(
            [r.url for r in self.mocker.request_history]))

    def test_unreadable_glance_list_is_a_protocol_error(self):
        self.cloud.add_server()
        self.mocker.get(fakes.IMAGE_LIST, text='<html>',
                        headers={'Content-Type': 'text/html'})
        stream = sdk.fleet_drift(self.connect())
        self.assertRaises(sdk.ImagePropertiesProtocolError, list, stream)

    def test_too_old_cloud_fails_at_the_call(self):
        self.cloud.max_version = '2.96'
        self.assertRaises(sdk.ImagePropertiesUnsupported,
                          sdk.fleet_drift, self.connect())
        self.assertEqual([], detail_requests(self.mocker))

    def test_max_servers_asks_for_one_page(self):
        for i in range(5):
            self.cloud.add_server('s%d' % i)
        result = list(sdk.fleet_drift(self.connect(), limit=2,
                                      max_servers=2))
        self.assertEqual(2, len(result))
        self.assertEqual(1, len(detail_requests(self.mocker)))

    def test_filters_go_to_nova(self):
        list(sdk.fleet_drift(self.connect(), all_projects=True,
                             status='ACTIVE', compute_host='cmp1',
                             project_id='p1', image=OTHER))
        ((_, query),) = detail_requests(self.mocker)
        self.assertEqual(
            {'all_tenants': ['True'], 'status': ['ACTIVE'],
             'host': ['cmp1'], 'project_id': ['p1'], 'image': [OTHER]},
            query)

    def test_client_side_filters_are_refused(self):
        self.assertRaises(sdk.ImagePropertiesError, sdk.fleet_drift,
                          self.connect(), is_locked=True)


class TestFleetDriftOnLibvirt(FleetTestCase):
    """Names nova-compute recorded itself are listed, not counted."""

    def setUp(self):
        super().setUp()
        self.ids = [self.cloud.add_libvirt_server('web-%d' % i)
                    for i in range(3)]

    def test_no_server_has_drifted(self):
        result = list(sdk.fleet_drift(self.connect()))
        self.assertEqual([False] * 3, [r.has_drift for r in result])
        self.assertEqual([()] * 3, [r.drifted for r in result])
        for server in result:
            self.assertEqual(
                sorted(fakes.LIBVIRT_RECORDED.items()),
                [(p.name, p.embedded) for p in server.recorded])
            self.assertEqual({'recorded-by-nova'},
                             {p.state for p in server.recorded})

    def test_include_recorded_counts_them(self):
        result = list(sdk.fleet_drift(self.connect(), include_recorded=True))
        self.assertEqual([True] * 3, [r.has_drift for r in result])
        for server in result:
            self.assertEqual(server.recorded, server.drifted)
            self.assertEqual(len(fakes.LIBVIRT_RECORDED),
                             len(server.drifted))

    def test_image_with_another_value_is_changed(self):
        self.change_image(hw_machine_type='q35')
        result = list(sdk.fleet_drift(self.connect()))
        for server in result:
            self.assertEqual(
                [('hw_machine_type', 'pc-q35-8.2', 'q35', 'changed')],
                [(p.name, p.embedded, p.glance, p.state)
                 for p in server.drifted])
            self.assertNotIn('hw_machine_type',
                             [p.name for p in server.recorded])

    def test_keys_apply_to_recorded_names_too(self):
        (first, *_) = sdk.fleet_drift(self.connect(), keys={'hw_disk_bus'})
        self.assertEqual(['hw_disk_bus'], [p.name for p in first.recorded])


class TestSummarize(FleetTestCase):

    def test_counts_values_nulls_and_projects(self):
        self.cloud.add_server('a')
        self.cloud.add_server('b')
        other = self.cloud.add_server(
            'c', properties={'hw_machine_type': 'pc', 'hw_tpm_version': None},
            image_id=OTHER)
        self.cloud.servers[other]['tenant_id'] = 'another-project'
        self.cloud.add_server('vol', volume_backed=True)
        self.cloud.add_partial_server()
        summary = sdk.summarize(self.connect())
        self.assertEqual(
            [('hw_machine_type', 'pc', 1, 1),
             ('hw_machine_type', 'q35', 2, 1),
             ('hw_tpm_model', 'tpm-crb', 2, 1),
             ('hw_tpm_version', '2.0', 2, 1),
             ('hw_tpm_version', None, 1, 1),
             ('os_distro', 'ubuntu', 2, 1)],
            [(c.name, c.value, c.servers, c.projects)
             for c in summary.counts])
        self.assertEqual((3, 1, 1), (summary.servers, summary.volume_booted,
                                     summary.unreachable))
        # Only compute requests: one detail list, no Glance.
        self.assertEqual([], glance_requests(self.mocker))
        self.assertEqual(1, len(detail_requests(self.mocker)))

    def test_names_nova_records_are_flagged(self):
        self.cloud.add_libvirt_server()
        summary = sdk.summarize(self.connect())
        flagged = {c.name for c in summary.counts if c.recorded_by_nova}
        self.assertEqual(set(fakes.LIBVIRT_RECORDED), flagged)
        self.assertEqual(
            set(fakes.PLAIN_PROPERTIES),
            {c.name for c in summary.counts if not c.recorded_by_nova})

    def test_projects_are_distinct(self):
        for project in ('p1', 'p2', 'p2'):
            sid = self.cloud.add_server()
            self.cloud.servers[sid]['tenant_id'] = project
        summary = sdk.summarize(self.connect(), keys={'hw_machine_type'})
        self.assertEqual([('hw_machine_type', 'q35', 3, 2)],
                         [(c.name, c.value, c.servers, c.projects)
                          for c in summary.counts])
