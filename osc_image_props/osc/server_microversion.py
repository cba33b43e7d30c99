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

"""Raise the compute microversion of server requests, for one command.

openstacksdk gives each request the lower of the cloud's maximum and the
resource class's ``_max_microversion``, unless the user configured a compute
microversion. To read ``image.properties`` from the requests OSC itself makes
for ``server list`` and ``server show`` we raise that class attribute of
``openstack.compute.v2.server.Server`` to 2.98 when it is lower, and put it
back when the command ends. Requests for other resources (flavors, images)
keep their own negotiation, and an SDK that already goes beyond 2.98 is left
alone, so nothing is ever lowered. ``_max_microversion`` is openstacksdk's
private attribute: it is read and written through
:mod:`osc_image_props.sdk._sdk_internals`, as everywhere in the package.
"""

from keystoneauth1 import discover
from openstack.compute.v2 import server as _sdk_server

from osc_image_props.sdk import _sdk_internals
from osc_image_props.sdk import compute_api


def at_least(version, minimum=compute_api.REQUIRED):
    """The higher of two microversion strings (``None`` counts as lowest)."""
    if version is None:
        return minimum
    if discover.normalize_version_number(
        version
    ) < discover.normalize_version_number(minimum):
        return minimum
    return version


class RaisedServerMicroversion:
    """Between start() and stop(), servers negotiate at least 2.98."""

    _MISSING = object()

    def __init__(self, server_class=_sdk_server.Server):
        self._class = server_class
        self._saved = None

    def start(self):
        # Its own value, not an inherited one: restore exactly what the
        # class itself had.
        self._saved = _sdk_internals.own_max_microversion(
            self._class, self._MISSING)
        _sdk_internals.set_max_microversion(
            self._class,
            at_least(_sdk_internals.max_microversion(self._class)),
        )
        return self

    def stop(self):
        """Put the class attribute back; safe to call more than once."""
        if self._saved is None:
            return
        if self._saved is self._MISSING:
            _sdk_internals.unset_max_microversion(self._class)
        else:
            _sdk_internals.set_max_microversion(self._class, self._saved)
        self._saved = None
