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
from osc_image_props.sdk import vtpm as vtpm_rules
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


#: vTPM configurations Nova's get_vtpm_constraint() raises for, each in
#: mode host, the only one that live-migrates: (flavor extra specs, image
#: properties).
REJECTED = {
    # What nova-manage image_property set can leave on a stopped server.
    'conflict': ({'hw:tpm_version': '2.0', 'hw:tpm_secret_security': 'host'},
                 {'hw_tpm_version': '1.2'}),
    'model-conflict': ({'hw:tpm_model': 'tpm-tis',
                        'hw:tpm_secret_security': 'host'},
                       {'hw_tpm_version': '2.0', 'hw_tpm_model': 'tpm-crb'}),
    'crb-with-1.2': ({'hw:tpm_secret_security': 'host'},
                     {'hw_tpm_version': '1.2', 'hw_tpm_model': 'tpm-crb'}),
    'version-3.0': ({'hw:tpm_version': '3.0',
                     'hw:tpm_secret_security': 'host'}, {}),
    'unknown-model': ({'hw:tpm_version': '2.0', 'hw:tpm_model': 'tpm-spi',
                       'hw:tpm_secret_security': 'host'}, {}),
}


class RejectedConfiguration(base.TestCase):
    """Nova calls get_vtpm_constraint() before any mode rule."""

    max_version = '2.103'

    def test_moves_nowhere_and_does_not_restart(self):
        for case, (specs, properties) in REJECTED.items():
            with self.subTest(case=case):
                sid = _vtpm_server(self.cloud, specs=specs,
                                   properties=properties)
                view = sdk.get_vtpm(self.connect(), sid)
                self.assertIs(True, view.vtpm)
                self.assertIs(False, view.live_migratable)
                self.assertIn('Nova rejects this vTPM configuration',
                              view.live_migratable_reason)
                self.assertIs(False, view.restarts_after_host_reboot)
                self.assertNotIn('comes back',
                                 view.restarts_after_host_reboot_reason)
                self.assertIn('start and hard reboot fail',
                              view.restarts_after_host_reboot_reason)
                self.assertEqual(
                    ('live-migration', 'rebuild', 'shelve', 'rescue',
                     'evacuate', 'resize', 'migrate', 'start', 'reboot'),
                    view.refused_operations)

    def test_list_live_migratable_leaves_it_out(self):
        specs, properties = REJECTED['conflict']
        rejected = _vtpm_server(self.cloud, specs=specs,
                                properties=properties)
        movable = _vtpm_server(self.cloud, specs={
            'hw:tpm_secret_security': 'host'})
        for option, expected in (('--live-migratable', [movable]),
                                 ('--not-live-migratable', [rejected])):
            with self.subTest(option=option):
                status, out, err = self.run_cli(
                    'server', 'vtpm', 'list', option, '-f', 'json')
                self.assertEqual(0, status, err)
                self.assertEqual(expected, [r['ID'] for r in json.loads(out)])
        views = sdk.list_vtpm(self.connect(), live_migratable=True)
        self.assertEqual([movable], [v.server_id for v in views])


class Listing(base.TestCase):
    """What list_vtpm leaves out is counted by its VtpmListing."""
    max_version = '2.103'

    def setUp(self):
        super().setUp()
        self.user = _vtpm_server(
            self.cloud, specs={'hw:tpm_secret_security': 'user'})
        self.host = _vtpm_server(
            self.cloud, specs={'hw:tpm_secret_security': 'host'})
        # An image vTPM whose mode is hidden, and no vTPM that can be told.
        self.untold = _vtpm_server(self.cloud, hide_specs=True)
        _vtpm_server(self.cloud, properties={}, hide_specs=True)
        _vtpm_server(self.cloud, properties={}, volume_backed=True)
        self.cloud.add_partial_server()
        self.cloud.add_server(properties={})

    def counts(self, listing):
        return listing.unknown, listing.untold, listing.unreachable

    def test_a_filter_counts_every_server_left_out(self):
        listing = sdk.list_vtpm(self.connect(), secret_security='host')
        self.assertEqual([self.host], [v.server_id for v in listing])
        self.assertEqual((2, 1, 1), self.counts(listing))

    def test_told_only_without_a_filter(self):
        listing = sdk.list_vtpm(self.connect(), told_only=True)
        self.assertEqual({self.user, self.host, self.untold},
                         {v.server_id for v in listing})
        self.assertEqual((2, 0, 1), self.counts(listing))

    def test_an_iterator_as_the_generator_it_was(self):
        listing = sdk.list_vtpm(self.connect(), secret_security='user')
        self.assertIs(listing, iter(listing))
        self.assertEqual(self.user, next(listing).server_id)
        self.assertRaises(StopIteration, next, listing)

    def test_without_a_filter_the_unknown_are_yielded(self):
        listing = sdk.list_vtpm(self.connect())
        views = list(listing)
        self.assertEqual(6, len(views))
        self.assertEqual(1, sum(v.unreachable for v in views))
        self.assertEqual((0, 0, 0), self.counts(listing))


class Modes(base.TestCase):
    max_version = '2.103'

    def view(self, mode):
        sid = _vtpm_server(self.cloud,
                           specs={'hw:tpm_secret_security': mode})
        return sdk.get_vtpm(self.connect(), sid)

    def test_empty_mode_is_user_by_default(self):
        view = self.view('')
        self.assertEqual(('user', 'default'),
                         (view.secret_security, view.secret_security_source))
        self.assertEqual(self.view('user').refused_operations,
                         view.refused_operations)
        self.assertEqual(
            ['The flavor sets hw:tpm_secret_security to an empty value: '
             'Nova applies its default, user, as when it is unset.'],
            list(view.warnings))

    def test_empty_mode_is_listed_as_user(self):
        sid = _vtpm_server(self.cloud, specs={'hw:tpm_secret_security': ''})
        _vtpm_server(self.cloud, specs={'hw:tpm_secret_security': 'host'})
        status, out, err = self.run_cli(
            'server', 'vtpm', 'list', '--secret-security', 'user',
            '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual([(sid, 'user', 'default')],
                         [(r['ID'], r['Secret Security'], r['Source'])
                          for r in json.loads(out)])

    def test_unknown_mode_fails_in_the_scheduler(self):
        for mode in ('foo', 'Host', ' host '):
            with self.subTest(mode=mode):
                view = self.view(mode)
                self.assertEqual((mode, 'flavor'), (
                    view.secret_security, view.secret_security_source))
                self.assertIs(False, view.live_migratable)
                self.assertEqual(
                    ('live-migration', 'rebuild', 'shelve', 'rescue',
                     'evacuate', 'migrate', 'resize-to-deployment'),
                    view.refused_operations)
                (warning,) = view.warnings
                self.assertIn('tpm_secret_security_filter', warning)
                self.assertIn('cannot be cold-migrated', warning)
                self.assertNotIn('neither host nor deployment.', warning)
                # The libvirt driver keeps its secret as in mode user.
                self.assertIs(False, view.restarts_after_host_reboot)
                self.assertIn(vtpm_rules.OWNER_ONLY,
                              view.restarts_after_host_reboot_reason)


class HostReboot(base.TestCase):
    """Every reason holds with resume_guests_state_on_host_boot on and
    off (the API does not show the option)."""

    max_version = '2.103'

    def view(self, mode=None, max_version='2.103'):
        self.cloud.max_version = max_version
        specs = {} if mode is None else {'hw:tpm_secret_security': mode}
        sid = _vtpm_server(self.cloud, specs=specs)
        return sdk.get_vtpm(self.connect(), sid)

    def test_each_reason_states_both_settings(self):
        for mode, version, restarts, answer in (
            ('host', '2.103', True, vtpm_rules.WITHOUT_OWNER),
            ('deployment', '2.103', True, vtpm_rules.WITHOUT_OWNER),
            ('user', '2.103', False, vtpm_rules.OWNER_ONLY),
            (None, '2.103', False, vtpm_rules.OWNER_ONLY),
            (None, '2.100', False, vtpm_rules.OWNER_ONLY),
        ):
            with self.subTest(mode=mode, version=version):
                view = self.view(mode, version)
                self.assertIs(restarts, view.restarts_after_host_reboot)
                reason = view.restarts_after_host_reboot_reason
                self.assertTrue(reason.endswith(answer), reason)
                self.assertIn(
                    'with [DEFAULT]resume_guests_state_on_host_boot = True',
                    reason)
                self.assertIn('without it, ', reason)

    def test_owner_only_recovers_with_a_hard_reboot(self):
        reason = self.view('user').restarts_after_host_reboot_reason
        self.assertIn('goes to ERROR', reason)
        self.assertIn('the owner recovers it with a hard reboot', reason)
        self.assertIn('only the owner can start it', reason)
        self.assertNotIn('restarts the server', reason)

    def test_host_comes_back_only_with_the_option(self):
        reason = self.view('host').restarts_after_host_reboot_reason
        self.assertIn('comes back by itself', reason)
        self.assertIn('stays SHUTOFF and the owner or an admin can start it',
                      reason)
        self.assertNotIn('Nova restarts the server when the host boots',
                         reason)


class ListUntold(base.TestCase):
    """Servers whose mode cannot be told are counted under a filter."""

    max_version = '2.103'

    def test_counted_under_each_filter(self):
        one = ('1 vTPM server whose secret security mode cannot be told '
               '(flavor extra specs hidden from you) is not listed: it may '
               'match the filter.')
        for options, listed in (
            (('--live-migratable',), 1),
            (('--not-live-migratable',), 1),
            (('--secret-security', 'host'), 1),
            (('--secret-security', 'user'), 1),
        ):
            with self.subTest(options=options):
                self.cloud.servers.clear()
                _vtpm_server(self.cloud, hide_specs=True)
                _vtpm_server(self.cloud,
                             specs={'hw:tpm_secret_security': 'host'})
                _vtpm_server(self.cloud)
                status, out, err = self.run_cli(
                    'server', 'vtpm', 'list', *options, '-f', 'value')
                self.assertEqual(0, status, err)
                self.assertEqual(listed, len(out.splitlines()))
                self.assertIn(one, err.splitlines())

    def test_none_listed_is_not_the_only_word(self):
        _vtpm_server(self.cloud, hide_specs=True)
        _vtpm_server(self.cloud, hide_specs=True)
        status, out, err = self.run_cli(
            'server', 'vtpm', 'list', '--not-live-migratable', '-f', 'value')
        self.assertEqual(0, status, err)
        self.assertEqual('', out)
        self.assertEqual(
            ['No server with a vTPM is listed.',
             '2 vTPM servers whose secret security mode cannot be told '
             '(flavor extra specs hidden from you) are not listed: they may '
             'match the filter.'],
            err.splitlines())

    def test_without_a_filter_they_are_listed(self):
        sid = _vtpm_server(self.cloud, hide_specs=True)
        status, out, err = self.run_cli('server', 'vtpm', 'list', '-f',
                                        'json')
        self.assertEqual(0, status, err)
        self.assertEqual([sid], [r['ID'] for r in json.loads(out)])
        self.assertNotIn('may match the filter', err)


class ValueFormat(base.TestCase):
    """-f value: an unknown value is an empty field, not 'None'."""

    max_version = '2.103'

    def test_list_unknown_is_empty_and_none_is_text(self):
        hidden = _vtpm_server(self.cloud, hide_specs=True)
        literal = _vtpm_server(self.cloud,
                               specs={'hw:tpm_secret_security': 'None'})
        status, out, err = self.run_cli('server', 'vtpm', 'list', '-f',
                                        'value', '-c', 'ID', '-c',
                                        'Secret Security', '-c', 'Source',
                                        '-c', 'Live Migratable')
        self.assertEqual(0, status, err)
        self.assertEqual(
            sorted(['%s   ' % hidden, '%s None flavor False' % literal]),
            sorted(out.splitlines()))

    def test_show_unknown_is_empty(self):
        sid = _vtpm_server(self.cloud, hide_specs=True)
        status, out, err = self.run_cli(
            'server', 'vtpm', 'show', sid, '-f', 'value',
            '-c', 'vtpm', '-c', 'secret_security', '-c', 'live_migratable')
        self.assertEqual(0, status, err)
        self.assertEqual(['True', '', ''], out.splitlines())
