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

"""The vTPM section of the tab, through Horizon's detail views.

As in test_tab: Horizon's own calls mocked, the plugin's through the real
openstacksdk and keystoneauth stack to requests-mock. The section is read
from the server body the tab asks for anyway (2.98, whose embedded flavor
has its extra specs) and the version discovery the tab makes anyway.
"""

import dataclasses
import html
import re

from openstack_dashboard.test import helpers
import testtools

from osc_image_props import escaping
from osc_image_props.sdk import vtpm
from osc_image_props_dashboard import vtpm_section
from tests.dashboard_unit import test_tab
from tests.unit import fakes

# What a 2.98 server of each release of Nova answers the tab.
NOVA_2026_1 = '2.103'
NOVA_2025_2 = '2.100'

CRB_FLAVOR = {'hw:tpm_version': '2.0', 'hw:tpm_model': 'tpm-crb'}
TPM_IMAGE = {'hw_tpm_version': '2.0', 'hw_machine_type': 'q35'}


def fact(body, name):
    """``(data-value, data-source)`` of one fact of the section."""
    match = re.search(
        r'data-fact="%s" data-value="([^"]*)"(?: data-source="([^"]*)")?'
        % re.escape(name), body)
    if match is None:
        raise AssertionError('no fact %s in the page' % name)
    return match.group(1), match.group(2)


class VtpmSectionTests(test_tab.TabTestBase):

    def render(self, extra_specs, properties=None):
        self.booted_from_image(
            {'os_distro': 'ubuntu'} if properties is None else properties,
            extra_specs,
        )
        self.glance_image({'os_distro': 'ubuntu'})
        res = self.render_tab()
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, 'osc_image_props_dashboard/_vtpm.html')
        return res, res.content.decode()

    def mode(self, extra_specs):
        self.max_version(NOVA_2026_1)
        res, body = self.render(dict(CRB_FLAVOR, **extra_specs))
        self.assertContains(res, 'data-vtpm="vtpm"')
        self.assertEqual(('2.0', 'flavor'), fact(body, 'version'))
        self.assertEqual(('tpm-crb', 'flavor'), fact(body, 'model'))
        # The image properties are shown as before, beside the vTPM.
        self.assertEqual(
            [('os_distro', 'ubuntu', 'ubuntu', 'unchanged')],
            [(r.name, r.embedded, r.glance, r.state)
             for r in res.context['report'].rows])
        return res, body

    def test_mode_host_live_migrates_and_restarts(self):
        res, body = self.mode({'hw:tpm_secret_security': 'host'})
        self.assertEqual(('host', 'flavor'), fact(body, 'secret_security'))
        self.assertEqual('yes', fact(body, 'live_migratable')[0])
        self.assertEqual('yes', fact(body, 'restarts_after_host_reboot')[0])
        self.assertContains(
            res, 'set by the flavor (hw:tpm_secret_security)')
        self.assertContains(
            res, 'once every nova-compute service of its cell runs 33.0.0')
        self.assertEqual(
            ('rebuild', 'shelve', 'rescue', 'evacuate',
             'resize-to-deployment'),
            res.context['report'].vtpm.refused_operations)
        self.assertNotContains(res, '<code>live-migration</code>')
        self.assertNotContains(res, 'data-line="vtpm-warning"')

    def test_mode_user_is_pinned_to_its_host(self):
        res, body = self.mode({'hw:tpm_secret_security': 'user'})
        self.assertEqual(('user', 'flavor'), fact(body, 'secret_security'))
        self.assertEqual('no', fact(body, 'live_migratable')[0])
        self.assertEqual('no', fact(body, 'restarts_after_host_reboot')[0])
        self.assertContains(res, html.escape(vtpm.OWNER_ONLY))
        self.assertContains(res, 'Not without the owner')
        self.assertEqual(
            ('live-migration', 'rebuild', 'shelve', 'rescue', 'evacuate',
             'resize-to-deployment'),
            res.context['report'].vtpm.refused_operations)

    def test_mode_deployment_restarts_but_does_not_move(self):
        res, body = self.mode({'hw:tpm_secret_security': 'deployment'})
        self.assertEqual(
            ('deployment', 'flavor'), fact(body, 'secret_security'))
        self.assertEqual('no', fact(body, 'live_migratable')[0])
        self.assertEqual('yes', fact(body, 'restarts_after_host_reboot')[0])
        self.assertContains(res, 'Nova&#x27;s service user owns the vTPM')
        self.assertContains(res, html.escape(vtpm.WITHOUT_OWNER))
        self.assertContains(res, '>Without the owner<')
        self.assertEqual(
            ('live-migration', 'rebuild', 'shelve', 'rescue', 'evacuate',
             'resize-from-deployment'),
            res.context['report'].vtpm.refused_operations)

    def test_mode_unset_is_novas_default_user(self):
        res, body = self.mode({})
        self.assertEqual(('user', 'default'), fact(body, 'secret_security'))
        self.assertContains(
            res, "the flavor sets none, or an empty value: Nova's default")
        self.assertEqual('no', fact(body, 'live_migratable')[0])
        self.assertEqual('no', fact(body, 'restarts_after_host_reboot')[0])
        self.assertNotContains(res, 'data-line="vtpm-warning"')

    def test_mode_empty_is_novas_default_user_with_a_warning(self):
        res, body = self.mode({'hw:tpm_secret_security': ''})
        self.assertEqual(('user', 'default'), fact(body, 'secret_security'))
        self.assertEqual('no', fact(body, 'restarts_after_host_reboot')[0])
        self.assertContains(
            res, 'The flavor sets hw:tpm_secret_security to an empty value: '
            'Nova applies its default, user, as when it is unset.')

    def test_mode_nova_does_not_know_cannot_cold_migrate(self):
        res, body = self.mode({'hw:tpm_secret_security': 'Host'})
        self.assertEqual(('Host', 'flavor'), fact(body, 'secret_security'))
        self.assertEqual('no', fact(body, 'live_migratable')[0])
        self.assertEqual('no', fact(body, 'restarts_after_host_reboot')[0])
        self.assertContains(res, '<code>migrate</code>')
        self.assertContains(res, 'tpm_secret_security_filter')

    def test_vtpm_configuration_nova_rejects_moves_nowhere(self):
        # What nova-manage image_property set can leave: the flavor asks
        # for 2.0, the server's copy of the image for 1.2.
        self.max_version(NOVA_2026_1)
        res, body = self.render(
            dict(CRB_FLAVOR, **{'hw:tpm_secret_security': 'host'}),
            {'hw_tpm_version': '1.2'})
        self.assertContains(res, 'data-vtpm="vtpm"')
        self.assertEqual('no', fact(body, 'live_migratable')[0])
        self.assertEqual('no', fact(body, 'restarts_after_host_reboot')[0])
        self.assertContains(res, html.escape(vtpm.REJECTED_LIVE_MIGRATION))
        self.assertContains(res, html.escape(vtpm.REJECTED_HOST_REBOOT))
        self.assertEqual(vtpm.REJECTED_REFUSED,
                         res.context['report'].vtpm.refused_operations)
        self.assertContains(res, '<code>live-migration</code>')

    def test_cloud_before_2026_1_has_no_modes(self):
        for maximum in ('2.98', NOVA_2025_2):
            with self.subTest(maximum=maximum):
                self.max_version(maximum)
                res, body = self.render(
                    {'hw:tpm_version': '2.0'}, {'os_distro': 'ubuntu'})
                self.assertEqual(
                    ('user', 'release'), fact(body, 'secret_security'))
                self.assertEqual(('tpm-tis', 'default'), fact(body, 'model'))
                self.assertEqual('no', fact(body, 'live_migratable')[0])
                self.assertContains(
                    res, 'Nova before 33.0.0 refuses to live-migrate any '
                    'server with a vTPM.')
                self.assertContains(
                    res, 'predates TPM secret security modes (33.0.0)')
                self.assertContains(
                    res, 'maximum microversion %s' % maximum)
                self.assertNotIn(
                    'resize-to-deployment',
                    res.context['report'].vtpm.refused_operations)

    def test_vtpm_from_the_image(self):
        self.max_version(NOVA_2026_1)
        res, body = self.render({}, dict(TPM_IMAGE, hw_tpm_model='tpm-crb'))
        self.assertEqual(('2.0', 'image'), fact(body, 'version'))
        self.assertEqual(('tpm-crb', 'image'), fact(body, 'model'))
        self.assertEqual(('user', 'default'), fact(body, 'secret_security'))
        self.assertContains(res, 'set by the image (hw_tpm_version)')

    def test_server_without_vtpm_says_so(self):
        self.max_version(NOVA_2026_1)
        res, _ = self.render({'hw:cpu_policy': 'dedicated'})
        self.assertContains(res, 'data-vtpm="no-vtpm"')
        self.assertContains(
            res, '<p class="osc-image-props-line" data-line="no-vtpm">'
            'This server has no vTPM.</p>', html=True)
        self.assertNotContains(res, 'data-fact=')
        self.assertNotContains(res, 'data-line="vtpm-warning"')

    def test_hidden_extra_specs_and_no_image_vtpm_cannot_be_told(self):
        self.max_version(NOVA_2026_1)
        res, _ = self.render(test_tab.HIDDEN)
        self.assertContains(res, 'data-vtpm="unknown"')
        self.assertContains(
            res, 'Whether this server has a vTPM cannot be told.')
        self.assertContains(
            res, 'The flavor&#x27;s extra specs are hidden from you by '
            'policy (os_compute_api:servers:show:flavor-extra-specs): '
            'whether it asks for a vTPM (hw:tpm_version) cannot be told.')
        self.assertNotContains(res, 'This server has no vTPM')
        self.assertNotContains(res, 'data-fact=')

    def test_hidden_extra_specs_leave_the_mode_unknown_not_guessed(self):
        self.max_version(NOVA_2026_1)
        res, body = self.render(test_tab.HIDDEN, TPM_IMAGE)
        self.assertContains(res, 'data-vtpm="vtpm"')
        self.assertEqual(('2.0', 'image'), fact(body, 'version'))
        # Nova's default model applies only if the flavor sets none.
        self.assertEqual(('', ''), fact(body, 'model'))
        self.assertEqual(('', ''), fact(body, 'secret_security'))
        self.assertEqual('unknown', fact(body, 'live_migratable')[0])
        self.assertEqual(
            'unknown', fact(body, 'restarts_after_host_reboot')[0])
        self.assertContains(res, 'data-line="vtpm-warning"', count=2)
        self.assertContains(
            res, 'the secret security mode (hw:tpm_secret_security), and '
            'with it live migration and restart after a host reboot, cannot '
            'be told.')
        self.assertNotContains(res, '<code>user</code>')
        self.assertNotContains(res, '<code>tpm-tis</code>')

    def test_image_property_that_sets_no_mode_is_warned_about(self):
        self.max_version(NOVA_2026_1)
        res, body = self.render(
            CRB_FLAVOR, {'hw_vtpm_secret_security': 'host'})
        self.assertEqual(('user', 'default'), fact(body, 'secret_security'))
        self.assertContains(
            res, 'The image property hw_vtpm_secret_security does nothing')

    def test_volume_booted_vtpm_server(self):
        self.max_version(NOVA_2026_1)
        self.nova_server({'image': ''}, {'hw:tpm_version': '2.0',
                                         'hw:tpm_secret_security': 'host'})
        res = self.render_tab()
        body = res.content.decode()
        self.assertContains(res, 'data-line="volume-booted"')
        self.assertContains(res, 'data-vtpm="vtpm"')
        self.assertEqual(('host', 'flavor'), fact(body, 'secret_security'))
        # The volume's image properties are not in the server body.
        self.assertEqual(('', ''), fact(body, 'model'))
        self.assertContains(
            res, 'The server was booted from a volume: the compute API does '
            'not show the image properties Nova read from the volume, so '
            'the TPM model (default tpm-tis) cannot be told.')
        self.assertEqual(1, len(self.sdk_requests()))

    def test_malformed_extra_specs_leave_the_properties_shown(self):
        self.max_version(NOVA_2026_1)
        self.booted_from_image({'os_distro': 'ubuntu'},
                               {'hw:tpm_version': ['2.0']})
        self.glance_image({'os_distro': 'ubuntu'})
        res = self.render_tab()
        self.assertContains(res, 'data-state="unchanged"', count=1)
        self.assertContains(res, 'data-vtpm="error"')
        self.assertContains(
            res, 'with malformed &quot;flavor.extra_specs&quot;: expected '
            'an object of strings.')

    def test_no_request_of_its_own(self):
        """The section adds no request: the same four as without a vTPM,
        the server asked for at exactly 2.98 even on a 2.103 cloud."""
        self.max_version(NOVA_2026_1)

        def requests():
            return [(r.method, r.url) for r in self.http.request_history]

        self.render({})
        without_vtpm = requests()
        self.http.reset_mock()
        self.render(dict(CRB_FLAVOR, **{'hw:tpm_secret_security': 'host'}))
        with_vtpm = requests()

        self.assertEqual(without_vtpm, with_vtpm)
        self.assertEqual(
            [
                # The compute API's version discovery: the drift's, which
                # also tells Nova 2026.1 (2.103) from the releases before.
                ('GET', test_tab.COMPUTE),
                ('GET', '%s/servers/%s' % (test_tab.COMPUTE, self.server.id)),
                ('GET', test_tab.IMAGE + '/'),
                ('GET', '%s/v2/images/%s' % (test_tab.IMAGE,
                                             test_tab.IMAGE_ID)),
            ],
            with_vtpm,
        )
        server_get = self.http.request_history[1]
        self.assertEqual(
            'compute 2.98', server_get.headers['OpenStack-API-Version'])

    def test_hostile_values_are_escaped_text(self):
        """Values of the image owner (version, model) and of the flavor
        (mode) are shown escaped, as in the CLI; markup stays text."""
        self.max_version(NOVA_2026_1)
        for key, value in sorted(fakes.HOSTILE.items()):
            with self.subTest(key=key):
                res, body = self.render(
                    {'hw:tpm_secret_security': value},
                    {'hw_tpm_version': value + '<b>v</b>',
                     'hw_tpm_model': '<script>alert(1)</script>' + value},
                )
                shown = escaping.escape_unprintable(value)
                self.assertEqual(
                    shown, html.unescape(fact(body, 'secret_security')[0]))
                self.assertEqual(
                    shown + '<b>v</b>',
                    html.unescape(fact(body, 'version')[0]))
                self.assertNotIn('<b>v</b>', body)
                self.assertNotIn('<script>alert', body)
                for char in value:
                    if not char.isprintable() and char != '\n':
                        self.assertNotIn(char, body)
                section = body[body.index('id="osc-image-props-vtpm"'):]
                for line in re.findall(
                        r'data-line="vtpm-warning">([^<]*)<', section):
                    self.assertTrue(html.unescape(line).isprintable())

    def test_hostile_value_escapes_in_the_page(self):
        self.max_version(NOVA_2026_1)
        hostile = '\x1b[2J\u202ehost<script>alert(1)</script>\u200b'
        res, body = self.render(dict(CRB_FLAVOR, **{
            'hw:tpm_secret_security': hostile}))
        self.assertIn(
            '<code>\\x1b[2J\\u202ehost&lt;script&gt;alert(1)&lt;/script&gt;'
            '\\u200b</code>', body)
        self.assertContains(
            res, 'Secret security \\x1b[2J\\u202ehost&lt;script&gt;'
            'alert(1)&lt;/script&gt;\\u200b: Nova live-migrates a vTPM server '
            'only in mode host.')
        self.assertContains(res, 'is not a mode Nova knows')
        for raw in ('\x1b', '\u202e', '\u200b'):
            self.assertNotIn(raw, body)


class SectionOfTheViewTests(testtools.TestCase):
    """The section is the SDK's view with every text in it escaped."""

    def test_every_text_of_the_view_is_escaped(self):
        hostile = '\x1b[2J\u202eA\u200b'
        # The yes-or-no facts stay as they are: the template answers them.
        facts = {'vtpm': True, 'live_migratable': False,
                 'restarts_after_host_reboot': None}
        texts = [
            field.name for field in dataclasses.fields(vtpm.VtpmView)
            if field.type in (str, object) and field.name not in facts
        ]
        view = vtpm.VtpmView(
            **dict.fromkeys(texts, hostile), **facts,
            refused_operations=(hostile,), warnings=(hostile + '\n  x',))
        section = vtpm_section.from_view(view)
        shown = escaping.escape_unprintable(hostile)
        self.assertEqual(
            dict.fromkeys(texts, shown),
            {name: getattr(section, name) for name in texts})
        self.assertEqual((shown,), section.refused_operations)
        self.assertEqual((shown + ' x',), section.warnings)
        self.assertEqual(
            facts, {name: getattr(section, name) for name in facts})
        self.assertEqual(vtpm_section.VTPM, section.state)


class AdminVtpmSectionTests(helpers.BaseAdminViewTests,
                            test_tab.TabTestBase):

    def test_admin_detail_shows_the_section(self):
        self.max_version(NOVA_2026_1)
        self.booted_from_image(
            {'hw_machine_type': 'q35'},
            dict(CRB_FLAVOR, **{'hw:tpm_secret_security': 'deployment'}))
        self.glance_image({'hw_machine_type': 'q35'})
        res = self.render_tab('horizon:admin:instances:detail')
        self.assertEqual(
            ('deployment', 'flavor'),
            fact(res.content.decode(), 'secret_security'))
