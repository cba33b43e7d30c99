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
