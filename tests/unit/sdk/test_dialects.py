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

"""Drift and matching against every 2.98 dialect of Nova, at the HTTP edge.

The embedded copies below are what each Nova returns for a server booted
from ``fakes.IMAGE_ID`` as the fake Glance serves it (base fields,
``fakes.PROPERTIES`` and one custom property), on a 1 GiB flavor.
"""

from osc_image_props import sdk
from osc_image_props.sdk import recorded_keys
from osc_image_props.sdk import standard_properties
from tests.unit import base
from tests.unit import fakes

# Nova 2025.1 (31.x): every image_* row, custom keys and base fields too.
EPOXY_COPY = dict(
    fakes.PROPERTIES,
    **{
        'owner_specified.note': 'custom, never drift',
        'min_ram': '0',
        'min_disk': '1',  # max(image min_disk 0, flavor disk 1)
        'disk_format': 'qcow2',
        'container_format': 'bare',
        # Nova records the image a server was built from beside them.
        'base_image_ref': fakes.IMAGE_ID,
    }
)


class TestDriftPerNovaRelease(base.TestCase):

    def _drift(self, max_version, embedded):
        self.cloud.max_version = max_version
        server_id = self.cloud.add_server(properties=embedded)
        return sdk.image_properties_drift(self.connect(), server_id)

    def test_epoxy_copy_of_an_unchanged_image_is_no_drift(self):
        result = self._drift('2.100', EPOXY_COPY)
        self.assertEqual(
            [], [(p.name, p.state) for p in result.drifted]
        )
        self.assertEqual(len(EPOXY_COPY), len(result.properties))

    def test_epoxy_custom_key_changed_in_glance_is_drift(self):
        image = self.cloud.images[fakes.IMAGE_ID]
        image['owner_specified.note'] = 'edited'
        image['min_ram'] = 512
        result = self._drift('2.100', EPOXY_COPY)
        self.assertEqual(
            [('min_ram', '0', 512, 'changed'),
             ('owner_specified.note', 'custom, never drift', 'edited',
              'changed')],
            [(p.name, p.embedded, p.glance, p.state) for p in result.drifted],
        )

    def test_epoxy_min_disk_follows_nova_not_glance(self):
        # A vhd image: Nova stores the flavor's root disk as min_disk.
        image = self.cloud.images[fakes.IMAGE_ID]
        image['disk_format'] = 'vhd'
        image['min_disk'] = 20
        embedded = dict(EPOXY_COPY, disk_format='vhd', min_disk='1')
        self.assertFalse(self._drift('2.100', embedded).has_drift)

    def test_flamingo_copy_of_an_unchanged_image_is_no_drift(self):
        result = self._drift('2.100', fakes.PROPERTIES)
        self.assertFalse(result.has_drift)
        self.assertEqual(
            sorted(fakes.PROPERTIES), [p.name for p in result.properties]
        )

    def test_newer_nova_copy_of_an_unchanged_image_is_no_drift(self):
        for max_version in ('2.103', '2.104', '2.120'):
            result = self._drift(max_version, fakes.PROPERTIES)
            self.assertFalse(result.has_drift, max_version)

    def test_backport_ignores_names_its_release_does_not_know(self):
        # hw_sound_model is standard from Nova 32 on; a 2024.x cloud never
        # shows it, so the image having it is no drift there.
        self.cloud.images[fakes.IMAGE_ID]['hw_sound_model'] = 'ich9'
        self.assertFalse(self._drift('2.98', fakes.PROPERTIES).has_drift)
        self.cloud.servers.clear()
        newest = self._drift('2.104', fakes.PROPERTIES)
        self.assertEqual(
            [('hw_sound_model', 'only-glance')],
            [(p.name, p.state) for p in newest.drifted],
        )

    def test_name_shown_by_the_cloud_is_compared_even_if_unknown_to_us(self):
        # A Nova newer than the generated facts may know more names.
        self.cloud.images[fakes.IMAGE_ID]['hw_future'] = 'a'
        embedded = dict(fakes.PROPERTIES, hw_future='b')
        result = self._drift('2.120', embedded)
        self.assertEqual(
            [('hw_future', 'b', 'a', 'changed')],
            [(p.name, p.embedded, p.glance, p.state) for p in result.drifted],
        )


class TestRecordedPerNovaRelease(base.TestCase):
    """What nova-compute's libvirt driver records, on every dialect."""

    def _drift(self, max_version, embedded):
        self.cloud.max_version = max_version
        self.cloud.images[fakes.IMAGE_ID] = self.cloud.image_body(
            fakes.IMAGE_ID, fakes.PLAIN_PROPERTIES)
        server_id = self.cloud.add_server(properties=embedded)
        return sdk.image_properties_drift(self.connect(), server_id)

    def test_standard_names_dialects(self):
        for max_version in ('2.98', '2.100', '2.103', '2.104', '2.120'):
            result = self._drift(max_version, fakes.LIBVIRT_COPY)
            self.assertEqual((), result.drifted, max_version)
            self.assertEqual(
                sorted(fakes.LIBVIRT_RECORDED),
                [p.name for p in result.recorded], max_version)

    def test_epoxy_shows_a_null_default_which_is_recorded_too(self):
        # 2025.1 shows every row, and a default the driver found none for
        # (stored as a null).
        embedded = {k: v for k, v in EPOXY_COPY.items()
                    if k not in fakes.LIBVIRT_RECORDED}
        embedded.update(fakes.LIBVIRT_RECORDED, hw_pointer_model=None)
        result = self._drift('2.100', embedded)
        self.assertEqual((), result.drifted)
        self.assertEqual(
            ('hw_pointer_model', None, None, 'recorded-by-nova'),
            [(p.name, p.embedded, p.glance, p.state)
             for p in result.recorded if p.name == 'hw_pointer_model'][0])
        self.assertEqual(len(fakes.LIBVIRT_RECORDED), len(result.recorded))


class TestNulls(base.TestCase):

    def test_embedded_null_against_a_glance_value_is_changed(self):
        self.cloud.max_version = '2.100'
        server_id = self.cloud.add_server(
            properties=dict(EPOXY_COPY, hw_machine_type=None)
        )
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertEqual(
            [('hw_machine_type', None, 'q35', 'changed')],
            [(p.name, p.embedded, p.glance, p.state) for p in result.drifted],
        )

    def test_embedded_null_without_glance_value_is_only_embedded(self):
        self.cloud.max_version = '2.100'
        server_id = self.cloud.add_server(
            properties=dict(EPOXY_COPY, hw_gone=None)
        )
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertEqual(
            [('hw_gone', None, None, 'only-embedded')],
            [(p.name, p.embedded, p.glance, p.state) for p in result.drifted],
        )

    def test_glance_null_is_no_property(self):
        self.cloud.images[fakes.IMAGE_ID]['hw_vif_model'] = None
        server_id = self.cloud.add_server()
        result = sdk.image_properties_drift(self.connect(), server_id)
        self.assertFalse(result.has_drift)

    def test_match_null_never_equals_a_value_but_is_present(self):
        props = {'hw_machine_type': None}
        self.assertFalse(sdk.matches(props, {'hw_machine_type': 'None'}))
        self.assertFalse(sdk.matches(props, {'hw_machine_type': ''}))
        self.assertTrue(sdk.matches(props, {'hw_machine_type': None}))

    def test_list_with_match_over_nulls(self):
        null = self.cloud.add_server(
            name='null', properties={'hw_machine_type': None})
        q35 = self.cloud.add_server(name='q35')
        conn = self.connect()

        def ids(match):
            return [s.id for s, _ in sdk.list_image_properties(
                conn, match=match)]

        self.assertEqual([null, q35], ids({'hw_machine_type': None}))
        self.assertEqual([q35], ids({'hw_machine_type': 'q35'}))
        self.assertEqual([], ids({'hw_machine_type': 'None'}))


class TestGeneratedFacts(base.TestCase):

    def test_module_names_its_nova_release(self):
        self.assertRegex(standard_properties.NOVA_VERSION, r'^\d+\.\d+\.\d+$')
        with open(standard_properties.__file__, encoding='utf-8') as f:
            header = f.read(1200)
        self.assertIn('GENERATED by tools/gen-standard-properties', header)
        self.assertIn(standard_properties.NOVA_VERSION, header)

    def test_epoxy_is_the_release_that_shows_everything(self):
        everything = [
            (version, max_version)
            for version, max_version, filters, _ in
            standard_properties.RELEASES if not filters
        ]
        self.assertEqual([('31.3.1', '2.100')], everything)


class TestRecordedKeys(base.TestCase):

    def test_every_release_read_has_its_recorded_names(self):
        self.assertEqual(
            [r[0] for r in standard_properties.RELEASES],
            list(recorded_keys.RECORDED_BY_RELEASE))
        self.assertEqual(standard_properties.NOVA_VERSION,
                         recorded_keys.NEWEST)

    def test_recorded_names_are_standard_ones(self):
        for version, names in recorded_keys.RECORDED_BY_RELEASE.items():
            self.assertLessEqual(
                names, standard_properties.STANDARD_PROPERTY_NAMES, version)

    def test_firmware_and_secure_boot_are_not_recorded(self):
        for version, names in recorded_keys.RECORDED_BY_RELEASE.items():
            self.assertFalse(
                {'hw_firmware_type', 'os_secure_boot'} & names, version)

    def test_a_release_not_read_records_what_the_newest_does(self):
        self.assertEqual(
            recorded_keys.RECORDED_BY_RELEASE[recorded_keys.NEWEST],
            recorded_keys.recorded_by('99.0.0'))
