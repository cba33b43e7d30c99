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

"""Whole answers of the vTPM view where only a part of one was checked.

Refused operations before Nova 33.0.0 and with a mode that cannot be
told, tpm-crb at TPM 2.0, malformed flavors, and every reason and warning
formatted, and the view as a frozen value.
"""

import dataclasses

from osc_image_props import sdk
from osc_image_props.sdk import vtpm as vtpm_rules
from tests.unit import base
from tests.unit.sdk.test_vtpm import _vtpm_server

ALWAYS = ('rebuild', 'shelve', 'rescue', 'evacuate')


class Answers(base.TestCase):
    max_version = '2.103'

    def view(self, **kwargs):
        sid = _vtpm_server(self.cloud, **kwargs)
        return sdk.get_vtpm(self.connect(), sid)

    def test_refused_before_modes(self):
        # No mode, so no resize between modes to refuse.
        self.cloud.max_version = '2.100'
        view = self.view()
        self.assertEqual(('user', 'release', False),
                         (view.secret_security, view.secret_security_source,
                          view.live_migratable))
        self.assertEqual(('live-migration',) + ALWAYS,
                         view.refused_operations)

    def test_refused_with_the_mode_hidden(self):
        view = self.view(hide_specs=True)
        self.assertIsNone(view.live_migratable)
        self.assertEqual(ALWAYS, view.refused_operations)

    def test_crb_at_2_0_is_not_warned(self):
        view = self.view(properties={'hw_tpm_version': '2.0',
                                     'hw_tpm_model': 'tpm-crb'})
        self.assertEqual(('2.0', 'tpm-crb'), (view.version, view.model))
        self.assertEqual((), view.warnings)

    def test_same_value_on_both_sides_is_no_conflict(self):
        view = self.view(specs={'hw:tpm_version': '2.0',
                                'hw:tpm_model': 'tpm-crb'},
                         properties={'hw_tpm_version': '2.0',
                                     'hw_tpm_model': 'tpm-crb'})
        self.assertEqual(('flavor', 'flavor'),
                         (view.version_source, view.model_source))
        self.assertEqual((), view.warnings)

    def test_view_is_a_frozen_value(self):
        view = self.view()
        self.assertEqual({view}, {view, dataclasses.replace(view)})
        self.assertRaises(dataclasses.FrozenInstanceError,
                          setattr, view, 'vtpm', False)

    def _protocol_error(self, flavor):
        sid = _vtpm_server(self.cloud)
        self.cloud.servers[sid]['flavor'] = flavor
        exc = self.assertRaises(sdk.ImagePropertiesProtocolError,
                                sdk.get_vtpm, self.connect(), sid)
        return sid, str(exc)

    def test_flavor_not_an_object(self):
        sid, message = self._protocol_error('m1.tiny')
        self.assertEqual('The compute API returned server %s without a '
                         'valid "flavor" object.' % sid, message)

    def test_extra_specs_not_an_object_of_strings(self):
        for specs in (['hw:tpm_version'], {'hw:tpm_version': 2.0},
                      {'hw:tpm_secret_security': None}):
            with self.subTest(specs=specs):
                sid, message = self._protocol_error({
                    'original_name': 'm1.tiny', 'extra_specs': specs})
                self.assertEqual(
                    'The compute API returned server %s with malformed '
                    '"flavor.extra_specs": expected an object of strings.'
                    % sid, message)

    def test_reasons_and_warnings_are_formatted(self):
        # Each kind of text, with the value it must name in place.
        cases = (
            ({'specs': {'hw:tpm_version': '2.0'}, 'volume_backed': True},
             'warnings', 'so the TPM model'),
            ({'specs': {}, 'volume_backed': True},
             'warnings', 'so whether it has a vTPM'),
            ({'hide_specs': True}, 'warnings', ': the secret security mode'),
            ({'max_version': '2.100'}, 'warnings',
             'maximum microversion 2.100)'),
            ({'properties': {'hw_tpm_version': '2.0',
                             'hw_tpm_model': 'tpm-tis'},
              'specs': {'hw:tpm_model': 'tpm-crb'}},
             'warnings', "hw:tpm_model 'tpm-crb' and the image"),
            ({'properties': {'hw_tpm_version': '2.0',
                             'hw_vtpm_secret_security': 'host'}},
             'warnings', 'The image property hw_vtpm_secret_security does'),
            ({'specs': {'hw:tpm_secret_security': 'weird'}},
             'live_migratable_reason', 'Secret security weird'),
            ({'properties': {'hw_tpm_version': '3.0'}},
             'restarts_after_host_reboot_reason', 'with %s = True'
             % vtpm_rules.RESUME_OPTION),
        )
        for kwargs, field, named in cases:
            with self.subTest(field=field, named=named):
                self.cloud.max_version = kwargs.pop('max_version', '2.103')
                view = self.view(**kwargs)
                texts = [view.live_migratable_reason,
                         view.restarts_after_host_reboot_reason,
                         *view.warnings]
                for text in filter(None, texts):
                    self.assertNotRegex(text, '%[sr]')
                shown = getattr(view, field)
                self.assertIn(named, ' '.join(
                    shown if isinstance(shown, tuple) else [shown]))
