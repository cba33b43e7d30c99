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

"""The Horizon plugin loads no CLI code: not ours, not cliff's."""

import os
import pathlib
import subprocess
import sys

import testtools

ROOT = pathlib.Path(__file__).resolve().parents[2]

# A fresh interpreter: Horizon's settings with the plugin enabled, the
# URLs (which import the tab), then every module of the plugin.
_PROBE = """
import importlib, pkgutil, sys
import django
django.setup()
from django import urls
urls.get_resolver().url_patterns
import osc_image_props_dashboard as plugin
for info in pkgutil.walk_packages(plugin.__path__, plugin.__name__ + '.'):
    importlib.import_module(info.name)
print('\\n'.join(sorted(sys.modules)))
"""


class TestNoCliCode(testtools.TestCase):

    def test_the_plugin_imports_no_cli_module(self):
        env = dict(os.environ,
                   DJANGO_SETTINGS_MODULE='tests.dashboard_unit.settings')
        result = subprocess.run(
            [sys.executable, '-c', _PROBE], cwd=str(ROOT), env=env,
            capture_output=True, text=True, check=False,
        )
        self.assertEqual(0, result.returncode, result.stderr)
        modules = set(result.stdout.split())
        for loaded in ('osc_image_props_dashboard.tabs',
                       'osc_image_props_dashboard.report',
                       'osc_image_props.escaping'):
            self.assertIn(loaded, modules)
        self.assertEqual(
            [], sorted(m for m in modules
                       if m == 'osc_image_props.osc'
                       or m.startswith('osc_image_props.osc.')))
