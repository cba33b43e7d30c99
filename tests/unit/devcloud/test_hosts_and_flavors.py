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

"""Which compute hosts a cloud runs and which flavors its seed makes."""
import types

import testtools

from devcloud import cells, facts, modes
from devcloud.services import nova


def _cloud(mode_name, cells_count=1):
    layout = types.SimpleNamespace(cells=cells_count)
    return types.SimpleNamespace(mode=modes.get(mode_name), layout=layout)


class TestComputeHosts(testtools.TestCase):

    def test_one_host_unless_the_mode_live_migrates(self):
        self.assertEqual(['devcloud'], cells.compute_hosts(1))
        self.assertEqual(['devcloud', 'devcloud-2'], cells.compute_hosts(
            1, modes.get('2026.1').computes))

    def test_further_cells_keep_their_own_host(self):
        self.assertEqual(['devcloud', 'devcloud-2', 'devcloud-cell2'],
                         cells.compute_hosts(2, 2))
        # One conductor a cell, none for cell1's second compute.
        self.assertEqual(['devcloud', 'devcloud-cell2'],
                         cells.conductor_hosts(2))

    def test_each_compute_its_own_process_and_configuration(self):
        self.assertEqual(
            [('nova-conductor', 'nova.conf'), ('nova-scheduler', 'nova.conf'),
             ('nova-compute', 'nova-compute.conf'),
             ('nova-compute-2', 'nova-compute-2.conf'),
             ('nova-conductor-cell2', 'nova-cell2.conf'),
             ('nova-compute-cell2', 'nova-compute-cell2.conf')],
            nova.daemons(_cloud('2026.1', 2)))
        self.assertEqual(
            [('nova-conductor', 'nova.conf'), ('nova-scheduler', 'nova.conf'),
             ('nova-compute', 'nova-compute.conf')],
            nova.daemons(_cloud('2024.2')))


class TestFlavors(testtools.TestCase):

    def test_vtpm_flavors_only_where_nova_reads_the_mode(self):
        for name in modes.MODES:
            mode = modes.get(name)
            names = [f['name'] for f in facts.flavors(mode)]
            if int(mode.nova.split('.')[0]) >= 33:
                self.assertEqual([facts.FLAVOR['name']] + list(
                    facts.VTPM_FLAVORS), names)
            else:
                self.assertEqual([facts.FLAVOR['name']], names)

    def test_each_mode_and_unset(self):
        specs = {f['name']: f['extra_specs']
                 for f in facts.flavors(modes.get('2026.1'))}
        self.assertEqual({}, specs['devcloud.tiny'])
        self.assertNotIn('hw:tpm_secret_security', specs['devcloud.vtpm'])
        for security in ('user', 'host', 'deployment'):
            self.assertEqual(
                {'hw:tpm_version': '2.0', 'hw:tpm_model': 'tpm-crb',
                 'hw:tpm_secret_security': security},
                specs['devcloud.vtpm.' + security])


class TestSchemaSync(testtools.TestCase):

    def test_once_per_cloud_for_each_service(self):
        done = set()
        ran = []
        cloud = types.SimpleNamespace(
            done=lambda marker: marker in done, mark_done=done.add,
            run=lambda service, argv: ran.append((service, argv)))
        from devcloud.services import mariadb
        for _ in range(2):
            mariadb.sync_once(cloud, 'glance', ['glance-manage', 'db_sync'])
            mariadb.sync_once(cloud, 'placement', ['placement-manage'])
        self.assertEqual([('glance', ['glance-manage', 'db_sync']),
                          ('placement', ['placement-manage'])], ran)
        # The markers the clouds made before keep counting.
        self.assertEqual({'glance-db-mariadb', 'placement-db-mariadb'}, done)
