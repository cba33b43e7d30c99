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

"""The vTPM view through the real SDK stack, at the HTTP boundary."""

import json

from osc_image_props import sdk
from tests.unit import base
from tests.unit import fakes


def _vtpm_server(cloud, specs=None, properties=None, hide_specs=False,
                 volume_backed=False):
    sid = cloud.add_server(
        properties={'hw_tpm_version': '2.0'} if properties is None
        else properties,
        volume_backed=volume_backed,
    )
    flavor = cloud.servers[sid]['flavor']
    if hide_specs:
        del flavor['extra_specs']
    else:
        flavor['extra_specs'] = dict(specs or {})
    return sid


class RequestsPerCloud(base.TestCase):
    """One GET /servers/{id} at ``latest`` on every cloud, no discovery."""

    def _check(self, max_version, mode_source):
        self.cloud.max_version = max_version
        sid = _vtpm_server(self.cloud)
        view = sdk.get_vtpm(self.connect(), sid)
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % sid)],
            fakes.compute_requests(self.mocker),
        )
        discovery = [
            r for r in self.mocker.request_history
            if r.hostname == 'compute.test'
            and r.path.rstrip('/') in ('', '/v2.1')
        ]
        self.assertEqual([], discovery)
        self.assertEqual(mode_source, view.secret_security_source)

    def test_patched_2_98(self):
        self._check('2.98', 'release')

    def test_2_100(self):
        self._check('2.100', 'release')

    def test_2_103(self):
        self._check('2.103', 'default')

    def test_2_104_newer_than_known(self):
        self._check('2.104', 'default')

    def test_below_2_98_refused(self):
        self.cloud.max_version = '2.96'
        sid = _vtpm_server(self.cloud)
        exc = self.assertRaises(
            sdk.ImagePropertiesUnsupported, sdk.get_vtpm, self.connect(), sid
        )
        self.assertEqual('2.96', exc.cloud_max_version)

    def test_list_is_one_request_per_page(self):
        self.cloud.max_version = '2.103'
        for _ in range(3):
            _vtpm_server(self.cloud)
        views = list(sdk.list_vtpm(self.connect(), limit=2))
        self.assertEqual(3, len(views))
        self.assertEqual(3, len(fakes.compute_requests(self.mocker)))


class Rules(base.TestCase):
    max_version = '2.103'

    def view(self, **kwargs):
        sid = _vtpm_server(self.cloud, **kwargs)
        return sdk.get_vtpm(self.connect(), sid)

    def test_no_vtpm(self):
        view = self.view(properties={'os_distro': 'ubuntu'})
        self.assertIs(False, view.vtpm)
        self.assertEqual((), view.refused_operations)

    def test_default_user(self):
        view = self.view()
        self.assertEqual(('2.0', 'image'), (view.version, view.version_source))
        self.assertEqual(('tpm-tis', 'default'),
                         (view.model, view.model_source))
        self.assertEqual(('user', 'default'),
                         (view.secret_security, view.secret_security_source))
        self.assertIs(False, view.live_migratable)
        self.assertIs(False, view.restarts_after_host_reboot)
        self.assertEqual(
            ('live-migration', 'rebuild', 'shelve', 'rescue', 'evacuate',
             'resize-to-deployment'),
            view.refused_operations)

    def test_host(self):
        view = self.view(specs={'hw:tpm_secret_security': 'host'})
        self.assertEqual(('host', 'flavor'),
                         (view.secret_security, view.secret_security_source))
        self.assertIs(True, view.live_migratable)
        self.assertIs(True, view.restarts_after_host_reboot)
        self.assertNotIn('live-migration', view.refused_operations)

    def test_deployment(self):
        view = self.view(specs={'hw:tpm_secret_security': 'deployment'})
        self.assertIs(False, view.live_migratable)
        self.assertIs(True, view.restarts_after_host_reboot)
        self.assertIn('resize-from-deployment', view.refused_operations)

    def test_flavor_version_and_model(self):
        view = self.view(
            specs={'hw:tpm_version': '2.0', 'hw:tpm_model': 'tpm-crb'},
            properties={},
        )
        self.assertEqual(('flavor', 'flavor'),
                         (view.version_source, view.model_source))

    def test_crb_needs_tpm_2_0(self):
        view = self.view(properties={'hw_tpm_version': '1.2',
                                     'hw_tpm_model': 'tpm-crb'})
        self.assertEqual(('1.2', 'tpm-crb'), (view.version, view.model))
        self.assertIn('tpm-crb needs TPM version 2.0', ' '.join(view.warnings))
        view = self.view(properties={'hw_tpm_version': '1.2'})
        self.assertEqual(('1.2', 'tpm-tis'), (view.version, view.model))
        self.assertEqual((), view.warnings)

    def test_conflict_warned(self):
        view = self.view(specs={'hw:tpm_model': 'tpm-crb'},
                         properties={'hw_tpm_version': '2.0',
                                     'hw_tpm_model': 'tpm-tis'})
        self.assertEqual('tpm-crb', view.model)
        self.assertIn('conflict', ' '.join(view.warnings))

    def test_legacy_image_property_warned(self):
        view = self.view(properties={'hw_tpm_version': '2.0',
                                     'hw_vtpm_secret_security': 'host'})
        self.assertEqual('user', view.secret_security)
        self.assertIn('hw_vtpm_secret_security', ' '.join(view.warnings))

    def test_hidden_extra_specs(self):
        view = self.view(hide_specs=True)
        self.assertIs(True, view.vtpm)
        self.assertIsNone(view.secret_security)
        self.assertIsNone(view.live_migratable)
        self.assertIn('hidden', ' '.join(view.warnings))

    def test_hidden_extra_specs_no_image_vtpm(self):
        view = self.view(hide_specs=True, properties={})
        self.assertIsNone(view.vtpm)

    def test_volume_booted_flavor_vtpm(self):
        view = self.view(specs={'hw:tpm_version': '2.0'},
                         volume_backed=True)
        self.assertIs(True, view.vtpm)
        self.assertIsNone(view.model)
        self.assertIn('volume', ' '.join(view.warnings))

    def test_unreachable(self):
        sid = self.cloud.add_partial_server()
        self.assertRaises(sdk.ImagePropertiesUnreachable,
                          sdk.get_vtpm, self.connect(), sid)


class Commands(base.TestCase):
    max_version = '2.103'

    def test_show_json_shape(self):
        sid = _vtpm_server(self.cloud, specs={'hw:tpm_secret_security':
                                              'host'})
        status, out, err = self.run_cli('server', 'vtpm', 'show', sid,
                                        '-f', 'json')
        self.assertEqual(0, status, err)
        shown = json.loads(out)
        self.assertEqual([
            'vtpm', 'version', 'version_source', 'model', 'model_source',
            'secret_security', 'secret_security_source', 'live_migratable',
            'live_migratable_reason', 'restarts_after_host_reboot',
            'restarts_after_host_reboot_reason', 'refused_operations',
            'warnings'], list(shown))
        self.assertIs(True, shown['live_migratable'])
        self.assertEqual([], shown['warnings'])

    def test_show_unknown_server_one_line(self):
        status, out, err = self.run_cli('server', 'vtpm', 'show', 'nope')
        self.assertOneLineError(status, out, err, 'nope')

    def test_list_filters_and_counts(self):
        _vtpm_server(self.cloud, specs={'hw:tpm_secret_security': 'host'})
        _vtpm_server(self.cloud)
        self.cloud.add_server(name='plain', properties={})
        status, out, err = self.run_cli('server', 'vtpm', 'list',
                                        '--live-migratable', '-f', 'json')
        self.assertEqual(0, status, err)
        rows = json.loads(out)
        self.assertEqual(['host'], [r['Secret Security'] for r in rows])
        self.assertIn('1 vTPM server in secret security mode', err)

    def test_list_counts_the_servers_it_cannot_tell(self):
        not_told = ('server%s whose vTPM cannot be told (booted from a '
                    'volume, or flavor extra specs hidden from you) %s not '
                    'listed.')
        for volume, partial, lines in (
            (1, 2, ['1 ' + not_told % ('', 'is'),
                    '2 servers are in a cell the compute API cannot reach '
                    'now: their vTPM is unknown.']),
            (2, 1, ['2 ' + not_told % ('s', 'are'),
                    '1 server is in a cell the compute API cannot reach '
                    'now: its vTPM is unknown.']),
        ):
            with self.subTest(volume=volume, partial=partial):
                self.cloud.servers.clear()
                _vtpm_server(self.cloud, specs={
                    'hw:tpm_secret_security': 'host'})
                for _ in range(volume):
                    self.cloud.add_server(volume_backed=True)
                for _ in range(partial):
                    self.cloud.add_partial_server()
                status, out, err = self.run_cli(
                    'server', 'vtpm', 'list', '-f', 'value')
                self.assertEqual(0, status, err)
                self.assertEqual(
                    ["1 vTPM server in secret security mode 'host'."]
                    + lines, err.splitlines())
