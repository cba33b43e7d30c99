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

"""Hostile property values that a real Nova carries, end to end.

An image owner sets them in Glance; Nova copies them (cut at 255
characters) and serves them at 2.98. Standard names only, so that every
Nova mode copies them.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import uuid

from tests.functional import base

SHOW = ('server', 'image', 'properties', 'show')
# A file that exists only if the shell ran what a value carries.
MARKER = os.path.join(tempfile.gettempdir(),
                      'osc-image-props-ran-%s' % uuid.uuid4().hex)
HOSTILE = {
    # OSC 52 clipboard write, colours, CR overwrite, right-to-left override.
    'os_distro': '\x1b]52;c;ZWNobyBvd25lZA==\x07\x1b[31mred\rEVIL\u202egpj',
    # A value that would read as a second key in a naive rendering.
    'hw_machine_type': "pc', hw_tpm_version='2.0",
    # Markup and shell syntax.
    'os_admin_user': '<script>x</script>$(touch %s)`touch %s`"\'\\' % (
        MARKER, MARKER),
    # Longer than Nova keeps.
    'os_command_line': 'x' * 300,
}
# What Nova keeps: values cut at 255 characters.
KEPT = {name: value[:255] for name, value in HOSTILE.items()}
RAW = ('\x1b', '\x07', '\r', '\u202e')


class TestHostileValues(base.FunctionalTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        conn = cls.connection()
        cls.image_id = base.create_image(
            conn, base.unique_name('fn-hostile'), HOSTILE
        )
        image = conn.image.get_image(cls.image_id)
        cls.server = base.boot(
            conn, base.unique_name('fn-hostile'), image.name
        )

    @classmethod
    def tearDownClass(cls):
        conn = cls.connection()
        base.delete(conn, cls.server)
        conn.image.delete('/images/%s' % cls.image_id)
        super().tearDownClass()

    def test_machine_formats_are_exact(self):
        shown = self.openstack_json(*SHOW, self.server.id)
        self.assertEqual(KEPT, {k: shown.get(k) for k in KEPT})

    def test_table_shows_no_raw_control_characters(self):
        _, out, _ = self.openstack(*SHOW, self.server.id)
        for char in RAW:
            self.assertNotIn(char, out)
        self.assertIn('\\x1b', out)
        _, out, _ = self.openstack(
            'server', 'list', '--image-properties', '-c', 'Image Properties'
        )
        for char in RAW:
            self.assertNotIn(char, out)
        # No value can pose as another key.
        self.assertNotIn("hw_tpm_version='2.0'", out)

    def test_shell_format_is_eval_safe_and_exact(self):
        _, out, _ = self.openstack(
            *SHOW, self.server.id, '-f', 'shell', '--prefix', 'p_'
        )
        for shell in ('bash', 'sh'):
            result = subprocess.run(
                [shell, '-c', 'eval "$1"; printf %s "$p_os_admin_user"',
                 shell, out],
                capture_output=True, text=True, check=True,
            )
            self.assertEqual(KEPT['os_admin_user'], result.stdout)
        self.assertFalse(os.path.exists(MARKER))

    def test_value_format_to_a_pipe_is_exact(self):
        # Bytes, not text: text mode would turn the CR into a newline.
        executable = shutil.which(
            'openstack', path=os.path.dirname(sys.executable)
        ) or 'openstack'
        out = subprocess.run(
            [executable, '--os-cloud', 'devcloud', *SHOW, self.server.id,
             '-f', 'value', '-c', 'os_distro'],
            capture_output=True, env=self.env, check=True, timeout=120,
        ).stdout
        self.assertEqual((KEPT['os_distro'] + '\n').encode(), out)
