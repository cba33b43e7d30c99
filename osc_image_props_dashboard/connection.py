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

"""An openstacksdk Connection that acts as the logged-in Horizon user.

The tab reads the server through the osc_image_props SDK extension, which
needs an :class:`openstack.connection.Connection`. It is built from the
user's own Keystone token and the endpoints of the user's service catalog
that Horizon itself uses (region, interface): no service credentials, no
rights the user does not already have in Horizon.
"""

from django.conf import settings
from keystoneauth1 import session
from keystoneauth1 import token_endpoint
from openstack import connection
from openstack_auth import utils as auth_utils
from openstack_dashboard.api import base

APP_NAME = 'osc-image-props-dashboard'

# The services the tab talks to: Nova for the embedded copy, Glance for the
# image as it is now.
SERVICE_TYPES = ('compute', 'image')


def _verify():
    if getattr(settings, 'OPENSTACK_SSL_NO_VERIFY', False):
        return False
    return getattr(settings, 'OPENSTACK_SSL_CACERT', None) or True


def user_connection(request):
    """Return a Connection authenticated with ``request.user``'s token.

    :raises openstack_dashboard.api.base.ServiceCatalogException: the
        user's catalog has no compute or image endpoint.
    """
    overrides = {
        '%s_endpoint_override' % service_type: base.url_for(
            request, service_type)
        for service_type in SERVICE_TYPES
    }
    auth = token_endpoint.Token(endpoint=None, token=request.user.token.id)
    user_session = session.Session(
        auth=auth,
        verify=_verify(),
        original_ip=auth_utils.get_client_ip(request),
    )
    return connection.Connection(
        session=user_session,
        region_name=request.user.services_region,
        app_name=APP_NAME,
        **overrides,
    )
