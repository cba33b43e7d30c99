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

"""Django settings for the dashboard plugin's unit tests.

Horizon's own test settings, plus this plugin enabled through its enabled
file, the way Horizon reads the files of openstack_dashboard/local/enabled.
"""

from openstack_dashboard.test.settings import *  # noqa: F403
from openstack_dashboard.utils import settings as _settings_utils

from osc_image_props_dashboard import enabled as _plugin_enabled

_plugin_config = {}
_plugin_apps = []
_settings_utils.update_dashboards(
    [_plugin_enabled], _plugin_config, _plugin_apps
)
INSTALLED_APPS[0:0] = _plugin_apps  # noqa: F405
HORIZON_CONFIG['extra_tabs'] = _plugin_config['extra_tabs']  # noqa: F405
