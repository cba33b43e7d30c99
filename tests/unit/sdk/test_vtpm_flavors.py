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

"""sdk.list_vtpm_flavors and ``openstack server vtpm flavors``."""

import json
import re

from osc_image_props import sdk
from osc_image_props.sdk import vtpm
from tests.unit import base
from tests.unit import fakes

FLAVORS = re.compile(r'^http://compute\.test/v2\.1/flavors/detail')
TPM = {'hw:tpm_version': '2.0'}


def flavor(name, specs=None, vcpus=1, ram=512, disk=1, hidden=False):
    body = {'id': 'id-' + name, 'name': name, 'vcpus': vcpus, 'ram': ram,
            'disk': disk, 'OS-FLV-EXT-DATA:ephemeral': 0, 'swap': 0,
            'os-flavor-access:is_public': True, 'rxtx_factor': 1.0,
            'description': None, 'links': []}
    if not hidden:
        body['extra_specs'] = dict(specs or {})
    return body


def mode(name):
    return dict(TPM, **{'hw:tpm_secret_security': name})


#: The 2026.1 devcloud's vTPM flavors, a plain one, and a few more.
CLOUD_FLAVORS = [
    flavor('devcloud.tiny'),
    flavor('devcloud.vtpm', TPM),
    flavor('devcloud.vtpm.user', mode('user')),
    flavor('devcloud.vtpm.host', mode('host')),
    flavor('devcloud.vtpm.deployment', mode('deployment')),
    flavor('foo-mode', mode('foo')),
    flavor('big-crb', dict(mode('host'), **{'hw:tpm_model': 'tpm-crb'}),
           vcpus=2, ram=1024, disk=2),
    flavor('small-disk', mode('host'), disk=0),
    flavor('bad-model', dict(mode('host'), **{'hw:tpm_model': 'x'})),
]


class VtpmFlavorsTestCase(base.TestCase):
    max_version = '2.103'

    def setUp(self):
        super().setUp()
        self.mocker.get(FLAVORS, json={'flavors': CLOUD_FLAVORS})

    def server(self, flavor_name, specs, properties=None):
        server_id = self.cloud.add_server(
            'vm', properties={'os_distro': 'ubuntu'}
            if properties is None else properties)
        self.cloud.servers[server_id]['flavor'].update(
            original_name=flavor_name, extra_specs=dict(specs))
        return server_id

    def rows(self, server_id):
        result = sdk.list_vtpm_flavors(self.connect(), server_id)
        return result, {f.name: f for f in result.flavors}


class TestModes(VtpmFlavorsTestCase):

    def test_from_user(self):
        server = self.server('devcloud.vtpm.user', mode('user'))
        result, rows = self.rows(server)
        self.assertEqual('user', result.view.secret_security)
        self.assertEqual(
            {'devcloud.vtpm': ('user', True, False, False),
             'devcloud.vtpm.user': ('user', False, False, False),
             'devcloud.vtpm.host': ('host', True, True, True),
             'devcloud.vtpm.deployment': ('deployment', False, False, True),
             'foo-mode': ('foo', False, False, False),
             'big-crb': ('host', True, True, True),
             'small-disk': ('host', False, True, True),
             'bad-model': ('host', False, False, False)},
            {name: (r.view.secret_security, r.resize_accepted,
                    r.view.live_migratable,
                    r.view.restarts_after_host_reboot)
             for name, r in rows.items()})
        self.assertTrue(rows['devcloud.vtpm.user'].current)
        self.assertIn('same flavor', rows['devcloud.vtpm.user'].resize_reason)
        self.assertIn('smaller', rows['small-disk'].resize_reason)
        self.assertIn('not a mode Nova knows', rows['foo-mode'].resize_reason)
        self.assertIn('deployment and another mode',
                      rows['devcloud.vtpm.deployment'].resize_reason)
        self.assertIn('rejects the vTPM configuration',
                      rows['bad-model'].resize_reason)
        # The reasons are the view's own.
        now = sdk.get_vtpm(self.connect(), server)
        self.assertEqual(
            now.restarts_after_host_reboot_reason,
            rows['devcloud.vtpm'].view.restarts_after_host_reboot_reason)
        self.assertEqual(
            [('tpm_model', 'tpm-tis', 'tpm-crb'), ('vcpus', 1, 2),
             ('ram', 512, 1024), ('disk', 1, 2)],
            [(c.what, c.now, c.then) for c in rows['big-crb'].changes])
        self.assertEqual((), rows['devcloud.vtpm.host'].changes)

    def test_from_deployment(self):
        server = self.server('devcloud.vtpm.deployment', mode('deployment'))
        _, rows = self.rows(server)
        self.assertEqual(
            {'devcloud.vtpm': False, 'devcloud.vtpm.user': False,
             'devcloud.vtpm.host': False, 'devcloud.vtpm.deployment': False,
             'foo-mode': False, 'big-crb': False, 'small-disk': False,
             'bad-model': False},
            {n: r.resize_accepted for n, r in rows.items()})
        self.mocker.get(FLAVORS, json={'flavors': CLOUD_FLAVORS + [
            flavor('deployment-2', mode('deployment'), vcpus=2)]})
        _, rows = self.rows(server)
        self.assertTrue(rows['deployment-2'].resize_accepted)

    def test_requests_are_the_server_read_and_one_flavor_list(self):
        server = self.server('devcloud.vtpm.user', mode('user'))
        self.rows(server)
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % server),
             ('GET', '/v2.1/flavors/detail')],
            fakes.compute_requests(self.mocker))
        listed = [r for r in self.mocker.request_history
                  if r.path.endswith('/flavors/detail')]
        self.assertEqual('compute 2.103',
                         listed[0].headers['OpenStack-API-Version'])

    def test_hidden_extra_specs_cannot_be_told(self):
        self.mocker.get(FLAVORS, json={'flavors': [
            flavor('a', hidden=True), flavor('b', hidden=True)]})
        server = self.server('devcloud.vtpm.user', mode('user'))
        result, rows = self.rows(server)
        self.assertEqual({'a': (None, None, None), 'b': (None, None, None)},
                         {n: (r.view.vtpm, r.view.secret_security,
                              r.resize_accepted) for n, r in rows.items()})
        self.assertIn('extra specs of 2 flavors are hidden',
                      result.warnings[0])

    def test_vtpm_from_the_image_keeps_one_on_every_flavor(self):
        server = self.server('devcloud.tiny', {},
                             properties={'hw_tpm_version': '2.0'})
        _, rows = self.rows(server)
        self.assertIn('devcloud.tiny', rows)
        self.assertEqual(('user', 'default'), (
            rows['devcloud.tiny'].view.secret_security,
            rows['devcloud.tiny'].view.secret_security_source))

    def test_a_server_without_a_vtpm_may_gain_one(self):
        server = self.server('devcloud.tiny', {})
        result, rows = self.rows(server)
        self.assertFalse(result.view.vtpm)
        self.assertNotIn('devcloud.tiny', rows)
        self.assertTrue(rows['devcloud.vtpm.deployment'].resize_accepted)


class TestNoModes(VtpmFlavorsTestCase):
    max_version = '2.98'

    def test_every_vtpm_flavor_is_mode_user_by_release(self):
        server = self.server('devcloud.vtpm', TPM)
        _, rows = self.rows(server)
        self.assertEqual(
            {(vtpm.USER, vtpm.RELEASE, False)},
            {(r.view.secret_security, r.view.secret_security_source,
              r.view.live_migratable) for r in rows.values()})
        self.assertTrue(rows['devcloud.vtpm.deployment'].resize_accepted)


class TestCommand(VtpmFlavorsTestCase):

    def test_json_and_notes(self):
        server = self.server('devcloud.vtpm.user', mode('user'))
        status, out, err = self.run_cli(
            'server', 'vtpm', 'flavors', server, '-f', 'json')
        self.assertEqual(0, status, err)
        rows = {r['Name']: r for r in json.loads(out)}
        self.assertEqual(
            {'Name': 'big-crb', 'ID': 'id-big-crb', 'Secret Security': 'host',
             'Resize Accepted': True, 'Live Migratable': True,
             'Restarts After Host Reboot': True,
             'Changes': ['tpm_model: tpm-tis -> tpm-crb', 'vcpus: 1 -> 2',
                         'ram: 512 -> 1024', 'disk: 1 -> 2'],
             'Resize Reason': 'Nova resizes from mode user to mode host.'},
            rows['big-crb'])
        self.assertEqual(
            "Server %s is in secret security mode 'user' now.\n" % server,
            err)

    def test_malformed_flavor_list_is_one_line(self):
        self.mocker.get(FLAVORS, json={'flavors': [
            flavor('\x1b[2Jx', {'hw:tpm_version': 2})]})
        server = self.server('devcloud.vtpm.user', mode('user'))
        result = self.run_cli('server', 'vtpm', 'flavors', server)
        self.assertOneLineError(*result, 'flavor \\x1b[2Jx with malformed')

    def test_long_has_the_reasons(self):
        server = self.server('devcloud.vtpm.user', mode('user'))
        status, out, err = self.run_cli(
            'server', 'vtpm', 'flavors', server, '--long', '-f', 'json')
        self.assertEqual(0, status, err)
        row = {r['Name']: r for r in json.loads(out)}['devcloud.vtpm.host']
        self.assertIn('Nova live-migrates it', row['Live Migratable Reason'])
