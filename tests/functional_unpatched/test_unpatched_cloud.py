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

"""The plugin against a cloud without microversion 2.98 (stock Nova 30.x).

Run with DEVCLOUD_NOVA=unpatched (tox -e functional-unpatched): every
command that needs the field must fail clearly, and plain OSC must not.
"""

from tests.functional import base

SHOW = ('server', 'image', 'properties', 'show')


class TestUnpatchedCloud(base.FunctionalTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if base.MODE.has_298:
            raise RuntimeError(
                'tests/functional_unpatched needs a mode without 2.98 '
                '(DEVCLOUD_NOVA=unpatched), not %s' % base.NOVA_MODE
            )
        conn = cls.connection()
        cls.server = base.boot(conn, base.unique_name('fn-old'))

    @classmethod
    def tearDownClass(cls):
        base.delete(cls.connection(), cls.server)
        super().tearDownClass()

    def _assert_versions_named(self, result):
        line = self.assertOneLineError(result, '2.96', '2.98')
        self.assertIn('nova_patch', line)

    def test_show_fails_with_both_versions(self):
        self._assert_versions_named(
            self.openstack(*SHOW, self.server.id, check=False)
        )

    def test_list_and_show_options_fail(self):
        self._assert_versions_named(self.openstack(
            'server', 'list', '--image-properties', check=False))
        self._assert_versions_named(self.openstack(
            'server', 'show', self.server.id, '--image-properties',
            check=False))
        self._assert_versions_named(self.openstack(
            'server', 'image', 'properties', 'diff', self.server.id,
            '--exit-code', check=False))

    def test_plain_commands_still_work(self):
        rows = self.openstack_json('server', 'list')
        self.assertIn(self.server.id, {r['ID'] for r in rows})
        self.openstack('server', 'show', self.server.id)

    def test_cloud_maximum_is_the_modes(self):
        response = self.connection().compute.get('/')
        self.assertEqual('2.96', base.MODE.max_microversion)
        self.assertEqual(
            base.MODE.max_microversion,
            response.json()['version']['version'],
        )
