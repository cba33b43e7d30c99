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

"""Drift between embedded properties and Glance, and fleet matching."""

from openstack import exceptions as sdk_exceptions

from osc_image_props import sdk
from osc_image_props.sdk import drift as drift_mod
from tests.unit import base
from tests.unit import fakes


class TestDrift(base.TestCase):

    def _image_now(self, **changes):
        props = dict(fakes.PROPERTIES)
        props.update(changes)
        props = {k: v for k, v in props.items() if v is not None}
        self.cloud.images[fakes.IMAGE_ID] = self.cloud.image_body(
            fakes.IMAGE_ID, props
        )

    def test_no_drift(self):
        server_id = self.cloud.add_server()
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertFalse(result.has_drift)
        self.assertTrue(result.image_found)
        self.assertEqual(fakes.IMAGE_ID, result.image_id)
        self.assertEqual(
            [drift_mod.UNCHANGED] * 4, [p.state for p in result.properties]
        )
        # Custom and base Glance fields are not compared.
        self.assertNotIn(
            'owner_specified.note', [p.name for p in result.properties]
        )

    def test_every_state(self):
        server_id = self.cloud.add_server()
        self._image_now(hw_machine_type='pc', os_distro=None,
                        hw_vif_model='virtio')
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertTrue(result.has_drift)
        self.assertEqual(
            [
                ('hw_machine_type', 'q35', 'pc', 'changed'),
                ('hw_vif_model', None, 'virtio', 'only-glance'),
                ('os_distro', 'ubuntu', None, 'only-embedded'),
            ],
            [(p.name, p.embedded, p.glance, p.state) for p in result.drifted],
        )
        self.assertEqual(5, len(result.properties))

    def test_deleted_image(self):
        server_id = self.cloud.add_server()
        del self.cloud.images[fakes.IMAGE_ID]
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertFalse(result.image_found)
        self.assertEqual(drift_mod.IMAGE_MISSING, result.outcome)
        self.assertFalse(result.compared)
        self.assertFalse(result.has_drift)
        self.assertEqual(
            [(name, value, None, 'not-compared')
             for name, value in sorted(fakes.PROPERTIES.items())],
            [(p.name, p.embedded, p.glance, p.state)
             for p in result.properties]
        )

    def test_volume_backed(self):
        server_id = self.cloud.add_server(volume_backed=True)
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertEqual(drift_mod.VOLUME_BOOTED, result.outcome)
        self.assertIsNone(result.image_id)
        self.assertEqual((), result.properties)
        self.assertFalse(result.has_drift)

    def test_cost_one_compute_get_one_glance_get(self):
        server_id = self.cloud.add_server()
        sdk.image_properties_drift(self.connect(), server_id)
        self.assertEqual(
            [('GET', '/v2.1/servers/%s' % server_id)],
            fakes.compute_requests(self.mocker),
        )
        self.assertEqual(
            [('GET', '/v2/images/%s' % fakes.IMAGE_ID)],
            fakes.image_requests(self.mocker),
        )

    def test_glance_error_is_raised(self):
        server_id = self.cloud.add_server()
        self.mocker.get(
            'http://image.test/v2/images/%s' % fakes.IMAGE_ID,
            status_code=500, text='down',
        )
        self.assertRaises(
            sdk_exceptions.HttpException,
            sdk.image_properties_drift, self.connect(), server_id,
        )

    def test_long_values_cut_as_nova_cuts_them_are_unchanged(self):
        long_value = 'é' * 200  # 400 bytes of UTF-8
        server_id = self.cloud.add_server(
            properties={'os_distro': 'é' * 127}  # 254 bytes, as Nova keeps
        )
        self._image_now(os_distro=long_value)
        result = sdk.image_properties_drift(self.connect(), server_id)
        os_distro, = [p for p in result.properties if p.name == 'os_distro']
        self.assertEqual('unchanged', os_distro.state)


class TestRecordedByNova(base.TestCase):
    """A libvirt cloud: nova-compute adds names the image never had."""

    def setUp(self):
        super().setUp()
        self.server_id = self.cloud.add_libvirt_server()

    def _recorded_rows(self):
        return [(name, value, None, 'recorded-by-nova')
                for name, value in sorted(fakes.LIBVIRT_RECORDED.items())]

    def test_names_the_compute_host_recorded_are_not_drift(self):
        result = sdk.image_properties_drift(self.connect(), self.server_id)
        self.assertFalse(result.has_drift)
        self.assertEqual((), result.drifted)
        self.assertEqual(
            self._recorded_rows(),
            [(p.name, p.embedded, p.glance, p.state)
             for p in result.recorded])
        self.assertEqual(
            ['unchanged'] * len(fakes.PLAIN_PROPERTIES),
            [p.state for p in result.properties
             if p.name in fakes.PLAIN_PROPERTIES])

    def test_include_recorded_counts_them(self):
        result = sdk.image_properties_drift(
            self.connect(), self.server_id, include_recorded=True)
        self.assertTrue(result.has_drift)
        self.assertEqual(
            self._recorded_rows(),
            [(p.name, p.embedded, p.glance, p.state)
             for p in result.drifted])

    def test_image_with_another_value_is_changed(self):
        image = self.cloud.images[fakes.IMAGE_ID]
        image['hw_machine_type'] = 'q35'
        image['hw_video_model'] = 'virtio'
        result = sdk.image_properties_drift(self.connect(), self.server_id)
        self.assertEqual(
            [('hw_machine_type', 'pc-q35-8.2', 'q35', 'changed')],
            [(p.name, p.embedded, p.glance, p.state)
             for p in result.drifted])
        self.assertNotIn('hw_machine_type',
                         [p.name for p in result.recorded])
        video, = [p for p in result.properties if p.name == 'hw_video_model']
        self.assertEqual('unchanged', video.state)

    def test_other_drift_still_counts(self):
        self.cloud.images[fakes.IMAGE_ID]['os_distro'] = 'debian'
        result = sdk.image_properties_drift(self.connect(), self.server_id)
        self.assertEqual(
            [('os_distro', 'changed')],
            [(p.name, p.state) for p in result.drifted])
        self.assertEqual(len(fakes.LIBVIRT_RECORDED), len(result.recorded))

    def test_names_nova_does_not_record_are_only_embedded(self):
        # No Nova release records the firmware or secure boot itself.
        server_id = self.cloud.add_server(properties=dict(
            fakes.LIBVIRT_COPY, hw_firmware_type='uefi',
            os_secure_boot='required'))
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertEqual(
            [('hw_firmware_type', 'only-embedded'),
             ('os_secure_boot', 'only-embedded')],
            [(p.name, p.state) for p in result.drifted])

    def test_deleted_image_tells_nothing_about_who_wrote_a_name(self):
        # Nor what the image had: not compared, and no drift, as
        # fleet_drift says of the same server.
        del self.cloud.images[fakes.IMAGE_ID]
        result = sdk.image_properties_drift(self.connect(), self.server_id)
        self.assertFalse(result.image_found)
        self.assertEqual((), result.recorded)
        self.assertEqual((), result.drifted)
        self.assertEqual(
            {'not-compared'}, {p.state for p in result.properties})
        self.assertEqual(len(fakes.LIBVIRT_COPY), len(result.properties))


class TestCompare(base.TestCase):

    def test_compare_is_sorted_and_complete(self):
        rows = drift_mod.compare({'b': '1', 'a': '2'}, {'a': '2', 'c': '3'})
        self.assertEqual(
            [('a', 'unchanged'), ('b', 'only-embedded'),
             ('c', 'only-glance')],
            [(r.name, r.state) for r in rows],
        )

    def test_recorded_names_only_when_glance_lacks_them(self):
        rows = drift_mod.compare(
            {'a': '1', 'b': '2', 'c': '3'}, {'b': '9'}, frozenset('ab'))
        self.assertEqual(
            [('a', 'recorded-by-nova'), ('b', 'changed'),
             ('c', 'only-embedded')],
            [(r.name, r.state) for r in rows],
        )


class TestMatch(base.TestCase):

    def test_matches(self):
        props = {'hw_machine_type': 'pc', 'hw_tpm_version': '2.0'}
        self.assertTrue(sdk.matches(props, {}))
        self.assertTrue(sdk.matches(props, {'hw_machine_type': 'pc'}))
        self.assertTrue(sdk.matches(props, {'hw_tpm_version': None}))
        self.assertTrue(sdk.matches(
            props, {'hw_machine_type': 'pc', 'hw_tpm_version': None}))
        self.assertFalse(sdk.matches(props, {'hw_machine_type': 'q35'}))
        self.assertFalse(sdk.matches(props, {'os_distro': None}))
        self.assertFalse(sdk.matches(
            props, {'hw_machine_type': 'pc', 'os_distro': None}))
        self.assertFalse(sdk.matches(None, {'hw_machine_type': None}))
        self.assertTrue(sdk.matches(None, {}))

    def test_list_with_match(self):
        q35 = self.cloud.add_server(name='a')
        pc = self.cloud.add_server(
            name='b', properties={'hw_machine_type': 'pc'})
        self.cloud.add_server(name='c', volume_backed=True)
        conn = self.connect()
        got = sdk.list_image_properties(
            conn, match={'hw_machine_type': 'pc'})
        self.assertEqual([pc], [s.id for s, _ in got])
        got = sdk.list_image_properties(
            conn, match={'hw_tpm_version': None})
        self.assertEqual([q35], [s.id for s, _ in got])
