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

"""The "Image Properties" tab in a real browser, on the local cloud."""

import uuid

from selenium.webdriver.common.by import By

from tests.dashboard import base
from tests import devcloud
from tests.devcloud import facts

HOSTILE_MACHINE_TYPE = (
    '\x1b[31mq35\u202egnp.exe'
    '<script>window.__pwned = 1;</script>'
    '<img src=x onerror="window.__pwned = 2">'
)


def unchanged(embedded):
    """The rows of a server whose image did not change."""
    return [(name, value, value, 'unchanged')
            for name, value in sorted(embedded.items())]


class TestImagePropertiesTab(base.DashboardTestCase):

    def test_seed_image_server_shows_embedded_properties(self):
        server_id = self.boot()
        self.login('devcloud')
        tab = self.open_tab(server_id)
        self.screenshot('01-seed-image-server')

        self.assertEqual('properties', tab.get_attribute('data-state'))
        embedded = self.seeded_embedded()
        self.assertEqual(unchanged(embedded), self.rows())
        # What this Nova keeps of the image's custom properties: nothing
        # (2025.2 and later, the backport) or all of them (2025.1).
        self.assertEqual(
            devcloud.MODE.dialect == devcloud.modes.ALL_IMAGE_KEYS,
            'owner_specified' in tab.text,
        )
        self.assertEqual([], self.console_errors())

    def test_drift_then_deleted_image(self):
        image_id = self.create_image({
            'hw_machine_type': 'q35', 'os_distro': 'fedora',
        })
        server_id = self.boot(image_id)
        embedded = self.embedded(image_id, {
            'hw_machine_type': 'q35', 'os_distro': 'fedora',
        })
        devcloud.set_image_properties(self.demo, image_id, {
            'hw_machine_type': 'pc', 'hw_vif_model': 'e1000',
        })
        self.login('devcloud')
        tab = self.open_tab(server_id)
        self.screenshot('02-drift')
        expected = {row[0]: row for row in unchanged(embedded)}
        expected.update(
            hw_machine_type=('hw_machine_type', 'q35', 'pc', 'changed'),
            hw_vif_model=('hw_vif_model', '', 'e1000', 'only-glance'),
        )
        self.assertEqual(sorted(expected.values()), self.rows())
        self.assertIn('2 properties differ', tab.text)

        self.demo.image.delete('/images/%s' % image_id)
        tab = self.open_tab(server_id)
        self.screenshot('03-deleted-image')
        line = tab.find_element(
            By.CSS_SELECTOR, '[data-line="image-deleted"]')
        self.assertIn(image_id, line.text)
        self.assertIn('deleted in Glance or not visible to you', line.text)
        self.assertEqual(
            [(name, value, '', 'not-compared')
             for name, value in sorted(embedded.items())],
            self.rows(),
        )

    def test_volume_booted_server(self):
        server_id = self.boot()
        # The local cloud has no Cinder: the server is made to look the way
        # Nova records a server booted from a volume (no image reference),
        # which is what the compute API reads to answer "image": "".
        # The only value in the statement is a parsed UUID.
        devcloud.run_sql(
            "UPDATE nova_cell1.instances SET image_ref = '' "  # noqa: S608
            "WHERE uuid = '%s'" % uuid.UUID(server_id)
        )
        server = self.demo.compute.get(
            '/servers/%s' % server_id,
            headers={'OpenStack-API-Version': 'compute 2.98'},
        ).json()['server']
        self.assertEqual('', server['image'])

        self.login('devcloud')
        tab = self.open_tab(server_id)
        self.screenshot('04-volume-booted')
        self.assertEqual('volume-booted', tab.get_attribute('data-state'))
        self.assertEqual(
            'This server was booted from a volume: Nova keeps no image '
            'properties for it.',
            tab.find_element(
                By.CSS_SELECTOR, '[data-line="volume-booted"]').text,
        )
        self.assertEqual([], self.rows())

    def test_hostile_value_is_text_and_nothing_runs(self):
        image_id = self.create_image({
            'hw_machine_type': HOSTILE_MACHINE_TYPE, 'os_distro': 'ubuntu',
        })
        server_id = self.boot(image_id)
        self.login('devcloud')
        tab = self.open_tab(server_id)
        self.screenshot('05-hostile-value')

        rows = dict((row[0], row) for row in self.rows())
        shown = rows['hw_machine_type'][1]
        # ESC and the right-to-left override are shown as escapes, the
        # markup as text.
        self.assertEqual(
            '\\x1b[31mq35\\u202egnp.exe'
            '<script>window.__pwned = 1;</script>'
            '<img src=x onerror="window.__pwned = 2">',
            shown,
        )
        self.assertEqual('unchanged', rows['hw_machine_type'][3])
        self.assertNotIn('\x1b', tab.text)
        self.assertNotIn('\u202e', tab.text)
        # Nothing from the value became an element, nothing ran.
        self.assertEqual(
            [], tab.find_elements(By.CSS_SELECTOR, 'script, img'))
        self.assertIsNone(
            self.browser.execute_script('return window.__pwned;'))
        self.assertEqual([], self.console_errors())

    def test_other_project_cannot_open_the_server(self):
        server_id = self.boot()
        self.login('devcloud-alt')
        self.browser.get('%s/project/instances/%s/?tab=%s' % (
            self.url, server_id, base.TAB_ID))
        # Horizon sends the user back to the list with an error.
        self.wait().until(
            lambda b: b.current_url.rstrip('/').endswith('/project/instances'))
        self.screenshot('06-alt-project-refused')
        self.assertEqual(
            [], self.browser.find_elements(By.ID, 'osc-image-props'))
        page = self.browser.find_element(By.TAG_NAME, 'body').text
        self.assertIn('Unable to retrieve details for instance', page)
        self.assertNotIn(
            facts.IMAGES[facts.IMAGE]['standard']['hw_tpm_model'], page)

    def test_admin_instance_detail_has_the_tab(self):
        server_id = self.boot()
        self.login('devcloud-admin')
        tab = self.open_tab(server_id, dashboard='admin')
        self.screenshot('07-admin-detail')
        self.assertEqual(unchanged(self.seeded_embedded()), self.rows())
        self.assertIn('Image properties kept by Nova', tab.text)

    def test_vtpm_server_shows_its_secret_security_mode(self):
        # Nova 2026.1 and later take a mode from the flavor (the seed's
        # vTPM flavors); before, there are none, and the seed image asks
        # for the vTPM.
        has_modes = devcloud.MODE.has_tpm_secret_security
        if has_modes:
            server_id = self.boot(facts.PLAIN_IMAGE,
                                  flavor='devcloud.vtpm.host')
            source = 'flavor'
        else:
            server_id = self.boot(facts.IMAGE)
            source = 'image'
        self.login('devcloud')
        self.open_tab(server_id)
        self.screenshot('08-vtpm-server')

        state, shown, text = self.horizon.vtpm()
        self.assertEqual('vtpm', state)
        self.assertEqual(('2.0', source), shown['version'][:2])
        self.assertEqual(('tpm-crb', source), shown['model'][:2])
        mode, mode_source, mode_text = shown['secret_security']
        if has_modes:
            self.assertEqual(('host', 'flavor'), (mode, mode_source))
            self.assertIn('set by the flavor (hw:tpm_secret_security)',
                          mode_text)
            self.assertEqual('yes', shown['live_migratable'][0])
            self.assertEqual('yes', shown['restarts_after_host_reboot'][0])
        else:
            self.assertEqual(('user', 'release'), (mode, mode_source))
            self.assertIn('predates secret security modes', mode_text)
            self.assertEqual('no', shown['live_migratable'][0])
        # The mode is on the screen, not only in the markup.
        self.assertTrue(mode_text.startswith(mode + ' '), mode_text)
        self.assertIn('Secret security', text)
        self.assertEqual([], self.console_errors())
