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

"""What the tab shows for one server, computed from the SDK extension.

Everything that comes from the cloud (names, values, IDs, error messages)
is untrusted: it leaves this module with control, bidi and invisible
characters made visible by :mod:`osc_image_props.escaping` (the CLI's
escaping too), and Django's autoescaping then renders it as text.
"""

import dataclasses

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from osc_image_props import escaping
from osc_image_props import sdk
from osc_image_props.sdk import drift as drift_mod
from osc_image_props.sdk import exceptions as own_exceptions
from osc_image_props_dashboard import vtpm_section

# Page states, one template branch each.
PROPERTIES = 'properties'
VOLUME_BOOTED = drift_mod.VOLUME_BOOTED
UNREACHABLE = drift_mod.UNREACHABLE
UNSUPPORTED = 'unsupported'
NOT_FOUND = 'not-found'
ERROR = 'error'


@dataclasses.dataclass(frozen=True)
class Row:
    """One property, as Nova keeps it and as Glance has it now."""

    name: str
    #: Nova's value, escaped; None when only Glance has the property.
    embedded: object
    #: Glance's value, escaped; None when Glance has no such value.
    glance: object
    #: ``changed``, ``only-embedded``, ``only-glance``,
    #: ``recorded-by-nova``, ``unchanged`` or ``not-compared`` (the image
    #: is deleted or not visible).
    state: str
    #: Whether the row counts as drift (``recorded-by-nova`` does not).
    is_drift: bool = False


@dataclasses.dataclass(frozen=True)
class Report:
    state: str
    rows: tuple = ()
    #: The boot image's ID, escaped; None for a server booted from a volume.
    image_id: object = None
    #: False when Glance has no such image visible to the user: nothing is
    #: compared, as in ``server image properties diff`` and ``drift``.
    image_found: bool = False
    #: One escaped line for the states other than ``properties``.
    message: str = ''
    #: The cloud's highest compute microversion (``unsupported`` only).
    cloud_max_version: object = None
    #: The server's vTPM, a :class:`~osc_image_props_dashboard.vtpm_section.
    #: VtpmSection` (``properties`` and ``volume-booted``), from the same
    #: server body.
    vtpm: object = None

    @property
    def drifted(self):
        return sum(1 for row in self.rows if row.is_drift)

    @property
    def recorded(self):
        return sum(1 for row in self.rows if row.state == drift_mod.RECORDED)


def _rows(drift):
    return tuple(
        Row(
            name=escaping.escape_or_none(prop.name),
            embedded=escaping.escape_or_none(prop.embedded),
            glance=escaping.escape_or_none(prop.glance),
            state=prop.state,
            is_drift=drift_mod.is_drift(prop),
        )
        for prop in drift.properties
    )


def failure(exc):
    """The :class:`Report` of a failure before any request was made."""
    return Report(ERROR, message=escaping.one_line(exc))


def build(conn, server_id):
    """Return the :class:`Report` for one server, never raising for the
    cloud's answers: every failure becomes a state with a one-line message.
    """
    try:
        drift = sdk.image_properties_drift(conn, server_id)
    except sdk.ImagePropertiesUnsupported as exc:
        return Report(
            UNSUPPORTED,
            message=escaping.one_line(exc),
            cloud_max_version=escaping.escape_or_none(exc.cloud_max_version),
        )
    except sdk.ImagePropertiesUnreachable as exc:
        return Report(UNREACHABLE, message=escaping.one_line(exc))
    except sdk_exceptions.NotFoundException:
        return Report(
            NOT_FOUND,
            message=escaping.one_line(
                'Server %s does not exist or is not visible to you.'
                % server_id
            ),
        )
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        return failure(exc)

    # The server body the drift read: no request of its own.
    vtpm = vtpm_section.build(conn, drift.server)
    if drift.image_id is None:
        return Report(
            VOLUME_BOOTED,
            message=(
                'This server was %s: Nova keeps no image properties for '
                'it.' % own_exceptions.VOLUME_BOOTED
            ),
            vtpm=vtpm,
        )
    return Report(
        PROPERTIES,
        rows=_rows(drift),
        image_id=escaping.escape_or_none(drift.image_id),
        image_found=drift.image_found,
        vtpm=vtpm,
    )
