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

"""What each service's configuration says once rendered: its database,
where it listens, how it reaches Keystone and RabbitMQ."""
import ast
import os
import stat
import urllib.parse

import fixtures
import testtools

from devcloud import cells, passwords
from devcloud.services import (barbican, glance, horizon, keystone, libvirt,
                               neutron, nova, placement, rabbitmq)
from tests.unit.devcloud import temp_cloud

API_SECTIONS = ('keystone_authtoken', 'placement', 'neutron', 'service_user')


class ServiceConfigTest(testtools.TestCase):

    def conf(self, cloud, name, strict=True):
        return temp_cloud.ini(self, cloud.layout.etc_file(name), strict)

    def assertMariaDB(self, cloud, url, database, user='root', socket=None):
        """``url`` reaches ``database`` as ``user`` through the cloud's
        MariaDB socket (or ``socket``), never over TCP."""
        parts = urllib.parse.urlsplit(url)
        self.assertEqual('mysql+pymysql', parts.scheme)
        self.assertEqual(user, parts.username)
        self.assertIsNone(parts.password)
        self.assertEqual('localhost', parts.hostname)
        self.assertIsNone(parts.port)
        self.assertEqual('/' + database, parts.path)
        query = urllib.parse.parse_qs(parts.query, strict_parsing=True)
        self.assertEqual(
            [socket or os.path.join(cloud.layout.run, 'mariadb.sock')],
            query['unix_socket'])

    def assertKeystoneUser(self, cloud, section, user):
        keystone_v3 = f"http://127.0.0.1:{cloud.ports['keystone']}/v3"
        self.assertEqual(keystone_v3, section['auth_url'])
        if 'www_authenticate_uri' in section:
            self.assertEqual(keystone_v3, section['www_authenticate_uri'])
        self.assertEqual('password', section['auth_type'])
        self.assertEqual(user, section['username'])
        self.assertEqual(cloud.passwords[user], section['password'])
        self.assertEqual('service', section['project_name'])

    def assertTransport(self, cloud, url, vhost=''):
        parts = urllib.parse.urlsplit(url)
        self.assertEqual('rabbit', parts.scheme)
        self.assertEqual('devcloud', parts.username)
        self.assertEqual(cloud.passwords['rabbitmq'], parts.password)
        self.assertEqual('127.0.0.1', parts.hostname)
        self.assertEqual(cloud.ports['rabbitmq'], parts.port)
        self.assertEqual('/' + vhost, parts.path)

    def assertPrivate(self, path):
        self.assertEqual(0, os.stat(path).st_mode & (stat.S_IRWXG
                                                     | stat.S_IRWXO), path)


class TestIdentityImagePlacement(ServiceConfigTest):

    def test_keystone(self):
        cloud = temp_cloud.make(self, '2024.2')
        keystone.configure(cloud)
        conf = self.conf(cloud, 'keystone.conf')
        self.assertMariaDB(cloud, conf['database']['connection'], 'keystone')
        self.assertEqual('fernet', conf['token']['provider'])
        self.assertEqual(os.path.join(cloud.layout.data,
                                      'keystone-fernet-keys'),
                         conf['fernet_tokens']['key_repository'])

    def test_placement(self):
        cloud = temp_cloud.make(self, '2024.2')
        placement.configure(cloud)
        conf = self.conf(cloud, 'placement.conf')
        self.assertMariaDB(cloud, conf['placement_database']['connection'],
                           'placement')
        self.assertKeystoneUser(cloud, conf['keystone_authtoken'],
                                'placement')

    def test_glance(self):
        cloud = temp_cloud.make(self, '2024.2')
        glance.configure(cloud)
        conf = self.conf(cloud, 'glance-api.conf')
        self.assertEqual('127.0.0.1', conf['DEFAULT']['bind_host'])
        self.assertEqual(str(cloud.ports['glance']),
                         conf['DEFAULT']['bind_port'])
        self.assertMariaDB(cloud, conf['database']['connection'], 'glance')
        self.assertKeystoneUser(cloud, conf['keystone_authtoken'], 'glance')
        self.assertEqual(os.path.join(cloud.layout.venv, 'etc', 'glance',
                                      'glance-api-paste.ini'),
                         conf['paste_deploy']['config_file'])
        self.assertEqual(os.path.join(cloud.layout.data, 'glance-images'),
                         conf['file']['filesystem_store_datadir'])
        self.assertTrue(os.path.isdir(os.path.join(cloud.layout.data,
                                                   'glance-images')))


class TestNeutron(ServiceConfigTest):

    def test_database_broker_and_users(self):
        cloud = temp_cloud.make(self, '2024.2')
        neutron.configure(cloud)
        conf = self.conf(cloud, 'neutron.conf')
        self.assertMariaDB(cloud, conf['database']['connection'],
                           'neutron', user='neutron')
        self.assertTransport(cloud, conf['DEFAULT']['transport_url'])
        self.assertEqual(cells.CONTROL_HOST, conf['DEFAULT']['host'])
        self.assertKeystoneUser(cloud, conf['keystone_authtoken'], 'neutron')
        self.assertKeystoneUser(cloud, conf['placement'], 'neutron')
        # Port events go to Nova as Nova's user.
        self.assertKeystoneUser(cloud, conf['nova'], 'nova')
        self.assertEqual(os.path.join(cloud.layout.venv, 'etc', 'neutron',
                                      'api-paste.ini'),
                         conf['DEFAULT']['api_paste_config'])


class TestNova(ServiceConfigTest):

    def test_cell1_control_services(self):
        cloud = temp_cloud.make(self, '2024.2')
        nova.configure(cloud)
        conf = self.conf(cloud, 'nova.conf')
        self.assertEqual(cells.CONTROL_HOST, conf['DEFAULT']['host'])
        self.assertEqual('127.0.0.1', conf['DEFAULT']['my_ip'])
        self.assertTransport(cloud, conf['DEFAULT']['transport_url'])
        self.assertMariaDB(cloud, conf['api_database']['connection'],
                           'nova_api')
        self.assertMariaDB(cloud, conf['database']['connection'],
                           'nova_cell1')
        for name in API_SECTIONS:
            self.assertKeystoneUser(cloud, conf[name], 'nova')
        self.assertTrue(os.path.isfile(cloud.layout.etc_file(
            'api-paste.ini')))
        self.assertFalse(os.path.exists(cloud.layout.etc_file(
            'nova-cell2.conf')))

    def test_further_cell_conductor(self):
        cloud = temp_cloud.make(self, '2024.2', cells=2)
        nova.configure(cloud)
        conf = self.conf(cloud, 'nova-cell2.conf')
        self.assertEqual('devcloud-cell2', conf['DEFAULT']['host'])
        # Its own vhost, its own database user and way in to the server.
        self.assertTransport(cloud, conf['DEFAULT']['transport_url'],
                             vhost='cell2')
        self.assertMariaDB(
            cloud, conf['database']['connection'], 'nova_cell2',
            user='cell2',
            socket=os.path.join(cloud.layout.run, 'cell2-db.sock'))
        # Up-calls reach the API database the way cell1's do.
        self.assertMariaDB(cloud, conf['api_database']['connection'],
                           'nova_api')
        for name in API_SECTIONS:
            self.assertKeystoneUser(cloud, conf[name], 'nova')
        # cell1's configuration stays on cell1.
        cell1 = self.conf(cloud, 'nova.conf')
        self.assertTransport(cloud, cell1['DEFAULT']['transport_url'])
        self.assertMariaDB(cloud, cell1['database']['connection'],
                           'nova_cell1')

    def _computes(self, cloud):
        nova.configure(cloud)
        return {conf: self.conf(cloud, conf)
                for name, conf in nova.daemons(cloud)
                if name.startswith('nova-compute')}

    def test_each_compute_host_its_own_configuration(self):
        cloud = temp_cloud.make(self, '2026.1', cells=2)
        computes = self._computes(cloud)
        self.assertEqual(['nova-compute.conf', 'nova-compute-2.conf',
                          'nova-compute-cell2.conf'], list(computes))
        hosts = [conf['DEFAULT']['host'] for conf in computes.values()]
        self.assertEqual(cells.compute_hosts(2, cloud.mode.computes), hosts)
        vhosts = {'nova-compute.conf': '', 'nova-compute-2.conf': '',
                  'nova-compute-cell2.conf': 'cell2'}
        node_files = nova.node_id_files(cloud)
        states = set()
        for name, conf in computes.items():
            default = conf['DEFAULT']
            self.assertTransport(cloud, default['transport_url'],
                                 vhost=vhosts[name])
            self.assertEqual('127.0.0.1', default['my_ip'])
            # Computes reach the databases through the conductor only.
            self.assertFalse(conf.has_section('database'))
            self.assertFalse(conf.has_section('api_database'))
            for section in API_SECTIONS:
                self.assertKeystoneUser(cloud, conf[section], 'nova')
            state = default['state_path']
            self.assertEqual(os.path.join(state, 'instances'),
                             default['instances_path'])
            self.assertTrue(os.path.isdir(default['instances_path']))
            states.add(state)
            host = default['host']
            if host in node_files:
                self.assertEqual(os.path.join(state, 'compute_id'),
                                 node_files[host])
        # Each node keeps its identity (compute_id) in its own state.
        self.assertEqual(len(computes), len(states))

    def test_one_compute_without_live_migration(self):
        computes = self._computes(temp_cloud.make(self, '2024.2'))
        self.assertEqual(['nova-compute.conf'], list(computes))
        self.assertEqual(cells.CONTROL_HOST,
                         computes['nova-compute.conf']['DEFAULT']['host'])


class TestKeyManagerAndHypervisor(ServiceConfigTest):

    def test_barbican(self):
        cloud = temp_cloud.make(self, '2026.1-libvirt')
        barbican.configure(cloud)
        conf = self.conf(cloud, 'barbican.conf')
        self.assertEqual(f"http://127.0.0.1:{cloud.ports['barbican']}",
                         conf['DEFAULT']['host_href'])
        # SQLite in the cloud's data directory (its only writer).
        self.assertEqual(
            'sqlite:///' + os.path.join(cloud.layout.data, 'barbican',
                                        'barbican.sqlite'),
            conf['database']['connection'])
        self.assertKeystoneUser(cloud, conf['keystone_authtoken'],
                                'barbican')
        # What Barbican reads is what was rendered.
        home = os.path.join(cloud.layout.data, 'barbican', 'home',
                            '.barbican', 'barbican.conf')
        with open(home) as copy, open(cloud.layout.etc_file(
                'barbican.conf')) as rendered:
            self.assertEqual(rendered.read(), copy.read())
        self.assertPrivate(cloud.layout.run_file('barbican-kek'))

    def test_libvirtd_socket_for_root_only(self):
        cloud = temp_cloud.make(self, '2026.1-libvirt')
        libvirt.configure(cloud)
        conf = temp_cloud.keyvalue(self, cloud.layout.etc_file(
            'libvirtd.conf'))
        self.assertEqual(f'"{libvirt.socket_dir(cloud)}"',
                         conf['unix_sock_dir'])
        self.assertTrue(libvirt.socket_dir(cloud).startswith(
            cloud.layout.run + os.sep))
        for name in ('unix_sock_ro_perms', 'unix_sock_rw_perms',
                     'unix_sock_admin_perms'):
            self.assertEqual('"0700"', conf[name])
        self.assertEqual('"root"', conf['unix_sock_group'])
        self.assertTrue(os.path.isfile(cloud.layout.etc_file(
            'virtlogd.conf')))


class TestBroker(ServiceConfigTest):

    def _start(self, cloud):
        started = {}
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.context.Cloud.start',
            lambda self, name, argv, env=None: started.update(
                {name: (argv, env)})))
        rabbitmq.start(cloud)
        return started

    def test_rabbitmq_on_loopback_with_the_cloud_user(self):
        cloud = temp_cloud.make(self, '2024.2')
        started = self._start(cloud)
        self.assertEqual({'epmd', 'rabbitmq'}, set(started))
        path = cloud.layout.etc_file('rabbitmq.conf')
        conf = temp_cloud.keyvalue(self, path)
        self.assertEqual(f"127.0.0.1:{cloud.ports['rabbitmq']}",
                         conf['listeners.tcp.1'])
        self.assertEqual([], [k for k in conf if k.startswith('listeners.')
                              and k != 'listeners.tcp.1'])
        self.assertEqual(cloud.passwords['rabbitmq'], conf['default_pass'])
        # The user the services' transport_url names.
        nova.configure(cloud)
        transport = urllib.parse.urlsplit(self.conf(
            cloud, 'nova.conf')['DEFAULT']['transport_url'])
        self.assertEqual(transport.username, conf['default_user'])
        self.assertEqual(transport.password, conf['default_pass'])
        env = started['rabbitmq'][1]
        self.assertEqual(path, env['RABBITMQ_CONFIG_FILE'])
        self.assertEqual(str(cloud.ports['rabbitmq-dist']),
                         env['RABBITMQ_DIST_PORT'])
        self.assertEqual(str(cloud.ports['epmd']), env['ERL_EPMD_PORT'])
        self.assertIn('inet_dist_use_interface {127,0,0,1}',
                      env['RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS'])
        epmd = started['epmd'][0]
        self.assertEqual('127.0.0.1', epmd[epmd.index('-address') + 1])
        self.assertEqual(str(cloud.ports['epmd']),
                         epmd[epmd.index('-port') + 1])


class TestAPIListeners(ServiceConfigTest):
    """The APIs under uwsgi listen on loopback on their own ports."""

    def _uwsgi_ini(self, cloud, start, service):
        started = {}
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.context.Cloud.start',
            lambda self, name, argv, env=None: started.update(
                {name: argv})))
        start(cloud)
        argv = started[service]
        self.assertEqual([cloud.layout.bin('uwsgi'), '--ini'], argv[:2])
        # ``env =`` lines repeat: the last one wins here, and none is
        # looked at.
        return temp_cloud.ini(self, argv[2], strict=False)['uwsgi']

    def test_each_api_on_its_port(self):
        cases = [('2024.2', keystone.start, 'keystone', 'keystone'),
                 ('2024.2', placement.start, 'placement', 'placement'),
                 ('2024.2', nova.start_api, 'nova-api', 'nova-api'),
                 ('2024.2', neutron.start, 'neutron', 'neutron'),
                 ('2026.1-libvirt', barbican.start, 'barbican', 'barbican')]
        for mode_name, start, service, port_name in cases:
            cloud = temp_cloud.make(self, mode_name)
            conf = self._uwsgi_ini(cloud, start, service)
            self.assertEqual(f'127.0.0.1:{cloud.ports[port_name]}',
                             conf['http-socket'], service)
            self.assertEqual(cloud.layout.venv, conf['home'])
            self.assertEqual('1', conf['processes'])


class TestHorizon(ServiceConfigTest):

    def test_local_settings(self):
        cloud = temp_cloud.make(self, '2026.1')
        dashboard = os.path.join(horizon.venv(cloud), 'lib', 'python3',
                                 'site-packages', 'openstack_dashboard')
        os.makedirs(os.path.join(dashboard, 'local', 'enabled'))
        ran = []
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.services.horizon._django',
            lambda cloud, *args: ran.append(args[0])))
        horizon.configure(cloud)
        with open(os.path.join(dashboard, 'local',
                               'local_settings.py')) as src:
            tree = ast.parse(src.read())
        settings = {node.targets[0].id: ast.literal_eval(node.value)
                    for node in tree.body if isinstance(node, ast.Assign)}
        self.assertEqual(f"http://127.0.0.1:{cloud.ports['keystone']}/v3",
                         settings['OPENSTACK_KEYSTONE_URL'])
        self.assertEqual(['127.0.0.1', 'localhost'],
                         settings['ALLOWED_HOSTS'])
        self.assertIs(False, settings['DEBUG'])
        key_file = cloud.layout.run_file('horizon-secret-key')
        with open(key_file) as src:
            self.assertEqual(src.read(), settings['SECRET_KEY'])
        self.assertPrivate(key_file)
        self.assertTrue(os.path.isfile(os.path.join(
            dashboard, 'local', 'enabled', horizon.ENABLED_FILE)))
        self.assertEqual(['collectstatic', 'compress'], ran)
        # Unchanged settings: nothing is compressed again.
        horizon.configure(cloud)
        self.assertEqual(['collectstatic', 'compress'], ran)


class TestEverythingRendered(ServiceConfigTest):

    def _render_all(self, cloud):
        self.useFixture(fixtures.MonkeyPatch(
            'devcloud.context.Cloud.start',
            lambda self, name, argv, env=None: None))
        for service in (keystone, placement, glance, neutron, nova):
            service.configure(cloud)
        rabbitmq.start(cloud)
        for start in (keystone.start, placement.start, nova.start_api,
                      neutron.start):
            start(cloud)
        if cloud.mode.is_libvirt:
            libvirt.configure(cloud)
        if cloud.mode.has_key_manager:
            barbican.configure(cloud)
            barbican.start(cloud)

    def test_no_placeholder_left(self):
        for mode_name, cells_count in (('2026.1', 2), ('2026.1-libvirt', 1)):
            cloud = temp_cloud.make(self, mode_name, cells=cells_count)
            self._render_all(cloud)
            rendered = []
            for folder in (cloud.layout.etc, cloud.layout.data):
                for where, _dirs, files in os.walk(folder):
                    rendered += [os.path.join(where, name) for name in files
                                 if name.endswith(('.conf', '.ini'))]
            self.assertGreater(len(rendered), 15)
            for path in rendered:
                with open(path) as src:
                    left = [line for line in src if '$' in line]
                self.assertEqual([], left, path)

    def test_files_with_passwords_are_private(self):
        cloud = temp_cloud.make(self, '2026.1-libvirt')
        self._render_all(cloud)
        secrets = set(cloud.passwords.values())
        holding = []
        for folder in (cloud.layout.etc, cloud.layout.data):
            for where, _dirs, files in os.walk(folder):
                for name in files:
                    path = os.path.join(where, name)
                    with open(path, errors='replace') as src:
                        text = src.read()
                    if any(secret in text for secret in secrets):
                        holding.append(path)
        self.assertIn(os.path.join(barbican._home(cloud), '.barbican',
                                   'barbican.conf'), holding)
        self.assertIn(cloud.layout.etc_file('nova-compute.conf'), holding)
        for path in holding:
            self.assertPrivate(path)

    def test_passwords_file_is_private(self):
        cloud = temp_cloud.make(self, '2024.2')
        path = cloud.layout.run_file('passwords.json')
        values = passwords.load(path)
        self.assertPrivate(path)
        self.assertEqual(values, passwords.load(path))
