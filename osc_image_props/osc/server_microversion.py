"""Raise the compute microversion of server requests, for one command.

openstacksdk gives each request the lower of the cloud's maximum and the
resource class's ``_max_microversion``, unless the user configured a compute
microversion. To read ``image.properties`` from the requests OSC itself makes
for ``server list`` and ``server show`` we raise that class attribute of
``openstack.compute.v2.server.Server`` to 2.98 when it is lower, and put it
back when the command ends. Requests for other resources (flavors, images)
keep their own negotiation, and an SDK that already goes beyond 2.98 is left
alone, so nothing is ever lowered. ``_max_microversion`` is openstacksdk's
private attribute: this module is the only place that touches it.
"""

from keystoneauth1 import discover
from openstack.compute.v2 import server as _sdk_server

from osc_image_props.sdk import microversion

_ATTRIBUTE = '_max_microversion'


def at_least(version, minimum=microversion.REQUIRED):
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
        # vars(), not getattr(): restore exactly what the class itself had.
        self._saved = vars(self._class).get(_ATTRIBUTE, self._MISSING)
        setattr(
            self._class,
            _ATTRIBUTE,
            at_least(getattr(self._class, _ATTRIBUTE, None)),
        )
        return self

    def stop(self):
        """Put the class attribute back; safe to call more than once."""
        if self._saved is None:
            return
        if self._saved is self._MISSING:
            delattr(self._class, _ATTRIBUTE)
        else:
            setattr(self._class, _ATTRIBUTE, self._saved)
        self._saved = None
