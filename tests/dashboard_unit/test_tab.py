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

"""The tab through Horizon's own detail views and test helpers.

Horizon's calls of its own (server, flavor, security groups) are mocked the
way Horizon's tests mock them; the plugin's calls go through the real
openstacksdk and keystoneauth stack to requests-mock, so the tests see the
HTTP requests the tab makes, with whose token.
"""

from unittest import mock

from django.urls import reverse
from openstack_dashboard import api
from openstack_dashboard.dashboards.admin.instances import (
    tabs as admin_tabs,
)
from openstack_dashboard.dashboards.project.instances import (
    tabs as project_tabs,
)
from openstack_dashboard.test import helpers
from openstack_dashboard.utils import settings as settings_utils
import requests_mock
from urllib3 import connection as urllib3_connection

from osc_image_props_dashboard import enabled
from osc_image_props_dashboard import tabs
from tests.unit import drip_cloud

# The public endpoints of Horizon's test service catalog.
COMPUTE = 'http://public.nova.example.com:8774/v2'
IMAGE = 'http://public.glance.example.com:9292'
TAB = 'instance_details__image_properties'
IMAGE_ID = '8a1e4c2f-36a5-4a4b-9b1e-3f2f6f0b7e11'
# Flavor extra specs Nova leaves out of the server body: the policy
# os_compute_api:servers:show:flavor-extra-specs hides them from the user.
HIDDEN = object()


def _version(maximum):
    return {'version': {
        'id': 'v2.1', 'status': 'CURRENT', 'version': maximum,
        'min_version': '2.1', 'links': [{'rel': 'self', 'href': COMPUTE}],
    }}


class EnabledFileTests(helpers.TestCase):

    @helpers.create_mocks({api.neutron: ('is_extension_supported',)})
    def test_enabled_file_adds_the_tab_to_both_detail_pages(self):
        self.mock_is_extension_supported.return_value = False
        config, apps = {}, []
        settings_utils.update_dashboards([enabled], config, apps)

        self.assertEqual(['osc_image_props_dashboard'], apps)
        self.assertEqual(
            {
                'openstack_dashboard.dashboards.project.instances.tabs.'
                'InstanceDetailTabs',
                'openstack_dashboard.dashboards.admin.instances.tabs.'
                'AdminInstanceDetailTabs',
            },
            set(config['extra_tabs']),
        )
        for group in (project_tabs.InstanceDetailTabs,
                      admin_tabs.AdminInstanceDetailTabs):
            server = self.servers.first()
            loaded = group(self.request, instance=server,
                           instance_id=server.id)
            self.assertIsInstance(
                loaded.get_tab('image_properties'), tabs.ImagePropertiesTab)


# What Horizon's detail view calls on its own, mocked as Horizon's tests do.
HORIZON_CALLS = {
    api.nova: ('server_get', 'instance_volumes_list', 'flavor_get',
               'flavor_list', 'is_feature_available'),
    api.neutron: ('server_security_groups',
                  'floating_ip_simple_associate_supported',
                  'floating_ip_supported', 'is_extension_supported'),
    api.network: ('servers_update_addresses',),
}


class TabTestBase(helpers.TestCase):

    def setUp(self):
        super().setUp()
        for module, names in HORIZON_CALLS.items():
            for name in names:
                patcher = mock.patch.object(module, name)
                setattr(self, 'mock_' + name, patcher.start())
                self.addCleanup(patcher.stop)
        self.mock_instance_volumes_list.return_value = []
        self.mock_flavor_get.return_value = self.flavors.first()
        self.mock_server_security_groups.return_value = []
        self.mock_servers_update_addresses.return_value = None
        self.mock_floating_ip_simple_associate_supported.return_value = True
        self.mock_floating_ip_supported.return_value = True
        self.mock_is_feature_available.return_value = True
        self.mock_is_extension_supported.return_value = False
        self.http = requests_mock.Mocker()
        self.http.start()
        self.addCleanup(self.http.stop)
        self.server = self.servers.first()
        self.mock_server_get.return_value = self.server
        self.max_version('2.98')
        # No flavor but the server's own: a vTPM section lists none.
        self.http.get(COMPUTE + '/flavors/detail', json={'flavors': []})
        self.http.get(IMAGE + '/', status_code=300, json={'versions': [{
            'id': 'v2.9', 'status': 'CURRENT',
            'links': [{'rel': 'self', 'href': IMAGE + '/v2/'}],
        }]})

    def max_version(self, maximum):
        for url in (COMPUTE, COMPUTE + '/'):
            self.http.get(url, json=_version(maximum))

    def nova_server(self, body, extra_specs=None):
        """Nova's answer for the server at 2.98, with its embedded flavor;
        ``extra_specs`` :data:`HIDDEN`: hidden by policy."""
        flavor = {'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0,
                  'swap': 0, 'original_name': 'm1.tiny'}
        if extra_specs is not HIDDEN:
            flavor['extra_specs'] = dict(extra_specs or {})
        body = dict({'id': self.server.id, 'name': 'web',
                     'status': 'ACTIVE', 'flavor': flavor}, **body)
        self.http.get(
            '%s/servers/%s' % (COMPUTE, self.server.id),
            json={'server': body},
        )

    def glance_image(self, properties=None, status_code=200):
        body = dict({'id': IMAGE_ID, 'name': 'img'}, **(properties or {}))
        self.http.get(
            '%s/v2/images/%s' % (IMAGE, IMAGE_ID),
            status_code=status_code,
            json=body if status_code == 200 else {'message': 'gone'},
        )

    def booted_from_image(self, properties, extra_specs=None):
        self.nova_server({'image': {
            'id': IMAGE_ID, 'links': [], 'properties': properties,
        }}, extra_specs)

    def render_tab(self, url_name='horizon:project:instances:detail'):
        """GET the tab alone, as Horizon's tab JavaScript does."""
        url = reverse(url_name, args=[self.server.id])
        return self.client.get(
            url, {'tab': TAB}, HTTP_X_REQUESTED_WITH='XMLHttpRequest',
        )

    def sdk_requests(self):
        return [r for r in self.http.request_history
                if '/servers/' in r.path or '/images/' in r.path]


class ProjectTabTests(TabTestBase):

    def test_rows_sorted_with_glance_value_and_drift_state(self):
        self.booted_from_image({
            'os_distro': 'ubuntu', 'hw_machine_type': 'q35',
            'hw_tpm_version': '2.0',
        })
        self.glance_image({
            'os_distro': 'ubuntu', 'hw_machine_type': 'pc',
            'hw_vif_model': 'e1000', 'owner_specified.note': 'custom',
        })
        res = self.render_tab()

        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(
            res, 'osc_image_props_dashboard/_image_properties.html')
        rows = [(r.name, r.embedded, r.glance, r.state)
                for r in res.context['report'].rows]
        self.assertEqual(
            [
                ('hw_machine_type', 'q35', 'pc', 'changed'),
                ('hw_tpm_version', '2.0', None, 'only-embedded'),
                ('hw_vif_model', None, 'e1000', 'only-glance'),
                ('os_distro', 'ubuntu', 'ubuntu', 'unchanged'),
            ],
            rows,
        )
        self.assertContains(res, '3 properties differ')
        self.assertContains(res, 'data-state="changed"', count=1)
        self.assertNotContains(res, 'owner_specified')

    def test_names_nova_recorded_are_labelled_not_drift(self):
        # A libvirt cloud: nova-compute recorded the machine type and the
        # default buses and models; the image sets only os_distro.
        self.booted_from_image({
            'os_distro': 'ubuntu', 'hw_machine_type': 'pc-q35-8.2',
            'hw_disk_bus': 'virtio', 'hw_video_model': 'virtio',
            'hw_tpm_version': '2.0',
        })
        self.glance_image({'os_distro': 'ubuntu'})
        res = self.render_tab()

        self.assertEqual(200, res.status_code)
        self.assertEqual(
            [
                ('hw_disk_bus', 'virtio', None, 'recorded-by-nova'),
                ('hw_machine_type', 'pc-q35-8.2', None, 'recorded-by-nova'),
                ('hw_tpm_version', '2.0', None, 'only-embedded'),
                ('hw_video_model', 'virtio', None, 'recorded-by-nova'),
                ('os_distro', 'ubuntu', 'ubuntu', 'unchanged'),
            ],
            [(r.name, r.embedded, r.glance, r.state)
             for r in res.context['report'].rows],
        )
        self.assertContains(res, 'data-state="recorded-by-nova"', count=3)
        self.assertContains(
            res, '<span class="label label-info" title=', count=3)
        self.assertContains(res, 'recorded by Nova</span>', count=3)
        # Only the vTPM version, which the image lost, is drift.
        table = res.content.decode().split('id="osc-image-props-table"')[1]
        table = table.split('</table>')[0]
        self.assertEqual(1, table.count('label-warning'), table)
        self.assertContains(res, 'data-drifted="1"')
        self.assertContains(res, '1 property differs')
        self.assertContains(res, 'data-recorded="3"')
        self.assertContains(
            res, "3 properties are not in the image: Nova's compute "
            'service recorded the values it chose for this server. This is '
            'not drift.')

    def test_requests_carry_the_users_token_and_ask_for_2_98(self):
        self.booted_from_image({'os_distro': 'ubuntu'})
        self.glance_image({'os_distro': 'ubuntu'})
        self.render_tab()

        server_get, image_get = self.sdk_requests()
        self.assertEqual(self.token.id, server_get.headers['X-Auth-Token'])
        self.assertEqual(
            'compute 2.98', server_get.headers['OpenStack-API-Version'])
        self.assertEqual(self.token.id, image_get.headers['X-Auth-Token'])
        # No request went to Keystone: no other credentials were used.
        self.assertFalse(any(
            'identity' in r.url or '/auth/tokens' in r.path
            for r in self.http.request_history))

    def test_hostile_values_are_escaped_text(self):
        hostile = '\x1b[2J\u202eevil<script>alert(1)</script>\u200b'
        self.booted_from_image({'os_distro': hostile})
        self.glance_image({'os_distro': hostile})
        res = self.render_tab()
        body = res.content.decode()

        self.assertIn(
            '\\x1b[2J\\u202eevil&lt;script&gt;alert(1)&lt;/script&gt;'
            '\\u200b', body)
        self.assertNotIn('<script>alert', body)
        for raw in ('\x1b', '\u202e', '\u200b'):
            self.assertNotIn(raw, body)

    def test_volume_booted_server(self):
        self.nova_server({'image': ''})
        res = self.render_tab()
        self.assertContains(
            res, 'This server was booted from a volume: Nova keeps no image '
            'properties for it.')
        self.assertNotContains(res, 'osc-image-props-table')
        # Nothing to compare: Glance is not asked.
        self.assertEqual(1, len(self.sdk_requests()))

    def test_deleted_image(self):
        self.booted_from_image({'hw_machine_type': 'q35'})
        self.glance_image(status_code=404)
        res = self.render_tab()
        self.assertContains(res, 'data-line="image-deleted"')
        self.assertContains(
            res, 'is deleted in Glance or not visible to you')
        # Not compared, as diff and drift say: no drift, and no count of
        # it under the table.
        self.assertEqual(
            [('hw_machine_type', 'q35', None, 'not-compared', False)],
            [(r.name, r.embedded, r.glance, r.state, r.is_drift)
             for r in res.context['report'].rows])
        self.assertContains(res, 'none counts as drift')
        self.assertNotContains(res, 'osc-image-props-drift')
        table = res.content.decode().split('id="osc-image-props-table"')[1]
        table = table.split('</table>')[0]
        self.assertNotIn('label-warning', table)
        self.assertIn('label-default', table)

    def test_a_dripping_cloud_is_one_line_within_the_bound(self):
        # Real sockets (Horizon's helpers forbid them: allowed here): Nova
        # answers its version at once, then sends the server one byte at a
        # time for ever.
        self.http.stop()
        real_connect = mock.patch.object(
            urllib3_connection.HTTPConnection, 'connect',
            self._real_conn_request)
        real_connect.start()
        self.addCleanup(real_connect.stop)
        drip = drip_cloud.DripCloud()
        drip.setUp()
        self.addCleanup(drip.cleanUp)
        urls = {'compute': drip.url + '/compute/v2.1',
                'image': drip.url + '/image'}
        with mock.patch(
                'openstack_dashboard.api.base.url_for',
                side_effect=lambda request, kind: urls[kind]), \
                mock.patch.object(tabs, 'BOUND_SECONDS', 1):
            res = self.render_tab()
        self.assertEqual(200, res.status_code)
        self.assertEqual('error', res.context['report'].state)
        self.assertIn('did not answer within 1 s',
                      res.context['report'].message)
        self.assertEqual(['/compute/v2.1/servers/%s' % self.server.id],
                         drip.dripped)

    def test_unreachable_cell(self):
        self.nova_server({'status': 'UNKNOWN'})
        res = self.render_tab()
        self.assertContains(res, 'data-line="unreachable"')
        self.assertContains(
            res, 'is in a cell the compute API cannot reach now')

    def test_cloud_below_2_98_names_its_maximum(self):
        self.max_version('2.96')
        res = self.render_tab()
        self.assertContains(res, 'data-line="unsupported"')
        self.assertContains(
            res, 'This cloud supports compute API microversions up to 2.96, '
            'but server image properties need microversion 2.98.')
        self.assertEqual([], self.sdk_requests())

    def test_missing_field_is_a_protocol_error_line(self):
        self.nova_server({'image': {'id': IMAGE_ID, 'links': []}})
        res = self.render_tab()
        self.assertContains(res, 'data-line="error"')
        self.assertContains(res, 'without &quot;image.properties&quot;')

    def test_error_message_from_the_cloud_is_escaped(self):
        self.http.get(
            '%s/servers/%s' % (COMPUTE, self.server.id), status_code=500,
            json={'computeFault': {
                'message': '<b>boom</b>\x1b[0m', 'code': 500}},
        )
        res = self.render_tab()
        self.assertContains(res, 'data-line="error"')
        self.assertNotContains(res, '<b>boom')
        self.assertNotIn('\x1b', res.content.decode())

    def test_server_gone_between_page_and_tab(self):
        self.http.get(
            '%s/servers/%s' % (COMPUTE, self.server.id), status_code=404,
            json={'itemNotFound': {'message': 'not found', 'code': 404}},
        )
        self.http.get(
            '%s/servers/detail' % COMPUTE, json={'servers': []})
        res = self.render_tab()
        self.assertContains(res, 'data-line="not-found"')

    def test_no_image_endpoint_in_catalog(self):
        catalog = [s for s in self.service_catalog if s['type'] != 'image']
        self.setActiveUser(
            id=self.user.id, token=self.token, username=self.user.name,
            domain_id=self.domain.id, tenant_id=self.tenant.id,
            service_catalog=catalog,
            authorized_tenants=self.tenants.list(),
        )
        with mock.patch.object(api.base, 'is_service_enabled',
                               return_value=True):
            res = self.render_tab()
        self.assertContains(res, 'data-line="error"')
        self.assertEqual([], self.sdk_requests())


class AdminTabTests(helpers.BaseAdminViewTests, TabTestBase):

    def test_admin_detail_shows_the_tab(self):
        self.booted_from_image({'hw_machine_type': 'q35'})
        self.glance_image({'hw_machine_type': 'q35'})

        res = self.render_tab('horizon:admin:instances:detail')
        self.assertContains(res, 'data-state="unchanged"', count=1)
        self.assertContains(res, '<code>q35</code>', count=2)
