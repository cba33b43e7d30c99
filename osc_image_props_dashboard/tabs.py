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

"""The "Image Properties" tab of the instance detail page."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tabs

from osc_image_props import sdk
from osc_image_props_dashboard import connection
from osc_image_props_dashboard import report

#: Seconds the tab may wait for Nova and Glance in all: a cloud that sends
#: its answers one byte at a time must not hold a Horizon thread for ever
#: (each read has keystoneauth's own timeout, restarted by every byte).
BOUND_SECONDS = 60


class ImagePropertiesTab(tabs.Tab):
    """Nova's copy of the boot image's properties, beside Glance now, and
    the server's vTPM, read from the same server body.

    Loaded on demand (``preload = False``): the page itself costs no
    request to Nova or Glance until the user opens the tab.
    """

    name = _('Image Properties')
    slug = 'image_properties'
    template_name = 'osc_image_props_dashboard/_image_properties.html'
    preload = False

    def get_context_data(self, request):
        instance_id = self.tab_group.kwargs['instance_id']
        try:
            conn = connection.user_connection(request)
        except exceptions.ServiceCatalogException as exc:
            return {'report': report.failure(exc)}
        # Past the bound, the calls raise an SDK error: one error line.
        with sdk.deadline(conn, BOUND_SECONDS):
            return {'report': report.build(conn, instance_id)}
