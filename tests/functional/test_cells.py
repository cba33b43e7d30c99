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

"""A two-cell cloud with one cell down: partial records, not failures.

Run with DEVCLOUD_CELLS=2 (tox -e functional-cells).  One server lives in
cell1 (host devcloud), one in cell2 (host devcloud-cell2); then
``tools/devcloud cell down cell2`` cuts cell2's database off.

What Nova does then (microversion 2.69 and later): ``GET /servers/detail``
without filters lists cell2's server as a partial record (status UNKNOWN,
no ``image``); with any filter, sorting or paging, as ``openstack server
list`` always sends (``deleted=False``), it leaves the down cell out.
``GET /servers/{id}`` of that server answers a partial record up to 2.97
and, from 2.98, 500: Nova reads the unreachable system metadata for
``image.properties``.
"""

import json

from osc_image_props import sdk
from tests.functional import base

SHOW = ('server', 'image', 'properties', 'show')
ADMIN = 'devcloud-admin'
CELL1_HOST = 'devcloud'
CELL2_HOST = 'devcloud-cell2'


class TestCellDown(base.FunctionalTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if base.CELLS < 2:
            raise RuntimeError(
                'tests/functional/test_cells.py needs a cloud of two cells '
                '(DEVCLOUD_CELLS=2), not %d' % base.CELLS
            )
        cls.conn = cls.connection(ADMIN)
        cls.up = boot_on(cls.conn, base.unique_name('fn-cell1'), CELL1_HOST)
        cls.down = boot_on(cls.conn, base.unique_name('fn-cell2'), CELL2_HOST)
        cls._cell('down')

    @classmethod
    def tearDownClass(cls):
        cls._cell('up')
        for server in (cls.down, cls.up):
            base.delete(cls.conn, server)
        super().tearDownClass()

    @classmethod
    def _cell(cls, action):
        base.run_devcloud('cell', action, 'cell2', *base.CLOUD_ARGS)

    def _list(self, *args):
        status, out, err = self.openstack(
            'server', 'list', *args, '-f', 'json', cloud=ADMIN, check=False
        )
        return status, out, err

    def test_servers_are_in_both_cells(self):
        self.assertEqual(['cell2'], base.devcloud_env()['cells_down'])
        hosts = base.run_devcloud(
            'nova-manage', *base.CLOUD_ARGS, 'cell_v2', 'list_hosts'
        )
        # | Cell Name | Cell UUID | Hostname |
        rows = set()
        for line in hosts.splitlines():
            if line.startswith('|'):
                cells = [c.strip() for c in line.strip('|').split('|')]
                rows.add((cells[0], cells[-1]))
        self.assertIn(('cell1', CELL1_HOST), rows)
        self.assertIn(('cell2', CELL2_HOST), rows)

    def test_nova_returns_a_partial_record(self):
        servers = {s['id']: s for s in self.conn.compute.get(
            '/servers/detail', microversion='2.98'
        ).json()['servers']}
        partial = servers[self.down.id]
        self.assertEqual('UNKNOWN', partial['status'])
        self.assertNotIn('image', partial)
        self.assertEqual(
            base.seeded_embedded(self.conn, base.facts.PLAIN_IMAGE),
            servers[self.up.id]['image']['properties'],
        )

    def test_nova_leaves_the_down_cell_out_when_filtering(self):
        ids = {s['id'] for s in self.conn.compute.get(
            '/servers/detail?deleted=False', microversion='2.98'
        ).json()['servers']}
        self.assertIn(self.up.id, ids)
        self.assertNotIn(self.down.id, ids)

    def test_nova_show_at_2_98_of_the_down_cell(self):
        partial = self.conn.compute.get(
            '/servers/%s' % self.down.id, microversion='2.97'
        ).json()['server']
        self.assertEqual('UNKNOWN', partial['status'])
        self.assertNotIn('properties', partial['image'])
        response = self.conn.compute.get(
            '/servers/%s' % self.down.id, microversion='2.98',
            raise_exc=False,
        )
        if base.MODE.patched:
            # nova_patch answers with the partial record, without
            # properties: the down cell's system metadata is out of reach.
            self.assertEqual(200, response.status_code)
            partial = response.json()['server']
            self.assertEqual('UNKNOWN', partial['status'])
            self.assertNotIn('properties', partial['image'])
        else:
            # Upstream Nova fails on the missing system metadata.
            self.assertEqual(500, response.status_code)

    def test_stock_server_list_leaves_the_down_cell_out(self):
        status, out, err = self._list()
        self.assertEqual(0, status, err)
        rows = {r['ID']: r for r in json.loads(out)}
        self.assertEqual('ACTIVE', rows[self.up.id]['Status'])
        self.assertNotIn(self.down.id, rows)

    def test_list_image_properties_is_stock_plus_a_column(self):
        _, stock, _ = self._list()
        status, out, err = self._list('--image-properties')
        self.assertEqual(0, status, err)
        rows = {r['ID']: r for r in json.loads(out)}
        self.assertEqual({r['ID'] for r in json.loads(stock)}, set(rows))
        self.assertEqual(
            base.seeded_embedded(self.conn, base.facts.PLAIN_IMAGE),
            rows[self.up.id]['Image Properties'],
        )

    def test_filter_is_stock_plus_a_filter(self):
        status, out, err = self._list(
            '--image-property', 'hw_machine_type=pc'
        )
        self.assertEqual(0, status, err)
        ids = {r['ID'] for r in json.loads(out)}
        self.assertIn(self.up.id, ids)
        self.assertNotIn(self.down.id, ids)

    def test_sdk_list_yields_the_partial_record(self):
        # Without filters Nova returns the partial record: its properties
        # are unknown (None), the other servers' are read.
        found = dict(
            (server.id, properties) for server, properties
            in sdk.list_image_properties(self.conn)
        )
        self.assertIsNone(found[self.down.id])
        self.assertEqual(
            base.seeded_embedded(self.conn, base.facts.PLAIN_IMAGE),
            found[self.up.id],
        )

    def test_show_of_a_server_in_the_down_cell(self):
        line = self.assertOneLineError(
            self.openstack(*SHOW, self.down.id, cloud=ADMIN, check=False)
        )
        self.assertIn('cell', line.lower())
        self.assertIn('cannot reach', line.lower())


def boot_on(conn, name, host):
    """Boot on ``host`` (so in its cell) as admin; wait for ACTIVE."""
    image = conn.image.find_image(base.facts.PLAIN_IMAGE,
                                  ignore_missing=False)
    flavor = conn.compute.find_flavor(base.facts.FLAVOR['name'],
                                      ignore_missing=False)
    # Microversion 2.74 lets an admin pick the host of a new server.
    server = conn.compute.post('/servers', json={'server': {
        'name': name, 'imageRef': image.id, 'flavorRef': flavor.id,
        'networks': 'none', 'host': host,
    }}, microversion='2.74').json()['server']
    found = conn.compute.wait_for_server(
        conn.compute.get_server(server['id']), wait=base.BOOT_TIMEOUT
    )
    if found.compute_host != host:
        raise RuntimeError('%s booted on %s, not %s'
                           % (found.id, found.compute_host, host))
    return found
