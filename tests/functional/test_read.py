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

"""Reading embedded properties with the real CLI and SDK on the devcloud."""

import csv
import io
import ipaddress
import json

import yaml

from osc_image_props import sdk
from tests.functional import base

SHOW = ('server', 'image', 'properties', 'show')


class TestRead(base.FunctionalTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        conn = cls.connection()
        cls.name = base.unique_name('fn-read')
        cls.server = base.boot(conn, cls.name)
        # On the demo project's network: a port and an address from
        # Neutron.
        cls.other = base.boot(
            conn, base.unique_name('fn-read-pc'), base.facts.PLAIN_IMAGE,
            network=base.facts.NETWORK['name'],
        )
        cls.embedded = base.seeded_embedded(conn)
        cls.rebuilt = base.seeded_embedded(conn, base.facts.PLAIN_IMAGE)

    @classmethod
    def tearDownClass(cls):
        conn = cls.connection()
        base.delete(conn, cls.server)
        base.delete(conn, cls.other)
        super().tearDownClass()

    def test_show_table(self):
        _, out, _ = self.openstack(*SHOW, self.server.id)
        rows = [
            [c.strip() for c in line.strip('|').split('|')]
            for line in out.splitlines() if line.startswith('|')
        ]
        self.assertEqual(['Field', 'Value'], rows[0])
        self.assertEqual(sorted(self.embedded.items()),
                         [tuple(r) for r in rows[1:]])

    def test_show_json_has_exactly_what_nova_embedded(self):
        # owner_specified.note is on the image in Glance; only Nova 31.x
        # (2025.1) copies such custom names into image.properties.
        self.assertEqual(
            self.embedded, self.openstack_json(*SHOW, self.server.id)
        )
        self.assertEqual(
            base.MODE.dialect == base.modes.ALL_IMAGE_KEYS,
            'owner_specified.note' in self.embedded,
        )

    def test_show_other_formats(self):
        _, out, _ = self.openstack(*SHOW, self.server.id, '-f', 'yaml')
        self.assertEqual(self.embedded, yaml.safe_load(out))
        _, out, _ = self.openstack(
            *SHOW, self.server.id, '-f', 'value', '-c', 'hw_tpm_model'
        )
        self.assertEqual('tpm-crb\n', out)
        _, out, _ = self.openstack(*SHOW, self.server.id, '-f', 'shell')
        self.assertIn('hw_tpm_version=2.0\n', out)

    def test_show_by_name_and_property_filter(self):
        self.assertEqual(
            {'hw_tpm_version': '2.0'},
            self.openstack_json(
                *SHOW, self.name, '--property', 'hw_tpm_version',
                '--property', 'not_there',
            ),
        )

    def test_server_show_option(self):
        plain = self.openstack_json('server', 'show', self.name)
        shown = self.openstack_json(
            'server', 'show', self.name, '--image-properties'
        )
        self.assertEqual(self.embedded, shown.pop('image_properties'))
        self.assertNotIn('image_properties', plain)
        # The option adds one field and changes nothing else: on a cloud
        # newer than 2.98 the other fields are those of the microversion
        # the command negotiates without it (2.100: scheduler_hints).
        self.assertEqual(plain, shown)
        limited = self.openstack_json(
            'server', 'show', self.name,
            '--image-properties=hw_machine_type', '-c', 'image_properties',
        )
        self.assertEqual(
            {'image_properties': {'hw_machine_type': 'q35'}}, limited
        )

    def test_server_on_a_network(self):
        # Neutron's answers (addresses, security groups) and the embedded
        # properties side by side, in show and list.
        network = base.facts.NETWORK
        shown = self.openstack_json(
            'server', 'show', self.other.id, '--image-properties'
        )
        self.assertEqual(self.rebuilt, shown['image_properties'])
        addresses = shown['addresses'][network['name']]
        self.assertEqual(1, len(addresses))
        self.assertIn(ipaddress.ip_address(addresses[0]),
                      ipaddress.ip_network(network['cidr']))
        self.assertEqual([{'name': 'default'}], shown['security_groups'])
        rows = self.openstack_json(
            'server', 'list', '--image-properties', '--name', self.other.name
        )
        self.assertEqual(
            [(self.other.id, {network['name']: addresses}, self.rebuilt)],
            [(r['ID'], r['Networks'], r['Image Properties']) for r in rows],
        )

    def test_server_list_option_every_format(self):
        rows = self.openstack_json('server', 'list', '--image-properties')
        by_id = {r['ID']: r['Image Properties'] for r in rows}
        self.assertEqual(self.embedded, by_id[self.server.id])
        self.assertEqual(self.rebuilt, by_id[self.other.id])
        _, out, _ = self.openstack(
            'server', 'list', '--image-properties', 'os_distro',
            '-f', 'yaml',
        )
        by_id = {r['ID']: r['Image Properties'] for r in yaml.safe_load(out)}
        self.assertEqual({'os_distro': 'ubuntu'}, by_id[self.server.id])
        _, out, _ = self.openstack(
            'server', 'list', '--image-properties', 'os_distro',
            '-f', 'csv', '-c', 'ID', '-c', 'Image Properties',
        )
        cells = dict(
            list(csv.reader(io.StringIO(out), escapechar='\\'))[1:]
        )
        self.assertEqual(repr({'os_distro': 'debian'}), cells[self.other.id])
        _, out, _ = self.openstack(
            'server', 'list', '--image-properties', 'hw_machine_type',
            '-c', 'Name', '-c', 'Image Properties',
        )
        self.assertIn("hw_machine_type='q35'", out)
        self.assertIn("hw_machine_type='pc'", out)

    def test_server_list_without_option_is_unchanged(self):
        # The whole output, against OSC's without the plugin's hooks.
        for fmt in ('table', 'json', 'csv'):
            args = ('server', 'list', '-f', fmt)
            stock = self.openstack(*args, plugin_hooks=False)
            self.assertIn(self.server.id, stock[1])
            self.assertEqual(stock, self.openstack(*args))

    def test_filter_finds_exactly_the_expected_servers(self):
        ids = {
            r['ID'] for r in self.openstack_json(
                'server', 'list', '--image-property', 'hw_machine_type=pc'
            )
        }
        self.assertIn(self.other.id, ids)
        self.assertNotIn(self.server.id, ids)
        ids = {
            r['ID'] for r in self.openstack_json(
                'server', 'list', '--image-property', 'hw_tpm_version',
                '--image-property', 'os_distro=ubuntu',
            )
        }
        self.assertIn(self.server.id, ids)
        self.assertNotIn(self.other.id, ids)

    def test_other_project_sees_nothing(self):
        missing = self.openstack(
            *SHOW, 'no-such-server', cloud='devcloud-alt', check=False
        )
        hidden = self.openstack(
            *SHOW, self.server.id, cloud='devcloud-alt', check=False
        )
        line = self.assertOneLineError(hidden, self.server.id)
        self.assertOneLineError(missing, 'no-such-server')
        self.assertEqual(
            missing[2].strip().replace('no-such-server', 'X'),
            hidden[2].strip().replace(self.server.id, 'X'),
        )
        for value in base.STANDARD.values():
            self.assertNotIn(value, line)

    def test_reader_can_read(self):
        self.assertEqual(
            self.embedded,
            self.openstack_json(*SHOW, self.server.id,
                                cloud='devcloud-reader'),
        )

    def test_admin_all_projects(self):
        rows = self.openstack_json(
            'server', 'list', '--all-projects', '--image-properties',
            '--image-property', 'hw_tpm_model=tpm-crb',
            cloud='devcloud-admin',
        )
        by_id = {r['ID']: r['Image Properties'] for r in rows}
        self.assertEqual(self.embedded, by_id[self.server.id])

    def test_raw_microversions(self):
        conn = self.connection()
        bodies = {}
        for version in ('2.96', '2.97', '2.98'):
            response = conn.compute.get(
                '/servers/%s' % self.server.id, microversion=version
            )
            self.assertEqual(200, response.status_code)
            self.assertEqual(
                'compute %s' % version,
                response.headers['OpenStack-API-Version'],
            )
            bodies[version] = response.json()['server']
        self.assertNotIn('properties', bodies['2.96']['image'])
        self.assertEqual(bodies['2.96'], bodies['2.97'])
        self.assertEqual(self.embedded, bodies['2.98']['image']['properties'])
        without = dict(bodies['2.98'], image=dict(bodies['2.98']['image']))
        del without['image']['properties']
        self.assertEqual(bodies['2.96'], without)

    def test_sdk(self):
        conn = self.connection()
        self.assertEqual(
            self.embedded, sdk.get_image_properties(conn, self.name)
        )
        found = dict(
            (s.id, p) for s, p in sdk.list_image_properties(
                conn, match={'hw_machine_type': 'pc'})
        )
        self.assertEqual({self.other.id: self.rebuilt}, found)

    def test_json_from_cli_and_sdk_agree(self):
        self.assertEqual(
            sdk.get_image_properties(self.connection(), self.server.id),
            json.loads(self.openstack(*SHOW, self.server.id, '-f', 'json')[1]),
        )
