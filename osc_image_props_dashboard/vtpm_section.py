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

"""The vTPM section of the tab: the SDK's vTPM view of the server, escaped.

It is computed from the server body the tab has read already (see
:func:`osc_image_props.sdk.vtpm.vtpm_of_server`), so the view costs no
request. For a server with a vTPM, the flavors it can be resized to and
what each gives (:func:`osc_image_props.sdk.vtpm_flavors_of_server`, the
list of ``openstack server vtpm flavors``) cost one flavor list. Unknown
facts stay unknown, with the SDK's warning saying why: nothing is guessed.
"""

import dataclasses

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from osc_image_props import escaping
from osc_image_props.sdk import vtpm
from osc_image_props.sdk import vtpm_flavors

# Section states, one template branch each.
VTPM = 'vtpm'
NO_VTPM = 'no-vtpm'
#: Whether the server has a vTPM cannot be told (the warnings say why).
UNKNOWN = 'unknown'
#: The server body cannot be read for its vTPM (the message says why).
ERROR = 'error'


@dataclasses.dataclass(frozen=True)
class FlavorRow:
    """One flavor of the section's list, every text escaped."""

    name: str
    flavor_id: str
    secret_security: object
    resize_accepted: object
    resize_reason: str
    live_migratable: object
    live_migratable_reason: object
    restarts_after_host_reboot: object
    restarts_after_host_reboot_reason: object
    #: ``what: now -> then`` lines.
    changes: tuple
    #: The server's own flavor.
    current: bool


def _change(change):
    def shown(value):
        return '-' if value is None else str(value)
    return '%s: %s -> %s' % (change.what, shown(change.now),
                             shown(change.then))


def flavor_row(flavor):
    """The :class:`FlavorRow` of a :class:`~osc_image_props.sdk.VtpmFlavor`.
    """
    view = flavor.view
    return FlavorRow(
        name=_escaped(flavor.name),
        flavor_id=_escaped(flavor.flavor_id),
        secret_security=_escaped(view.secret_security),
        resize_accepted=flavor.resize_accepted,
        resize_reason=_escaped(flavor.resize_reason),
        live_migratable=view.live_migratable,
        live_migratable_reason=_escaped(view.live_migratable_reason),
        restarts_after_host_reboot=view.restarts_after_host_reboot,
        restarts_after_host_reboot_reason=_escaped(
            view.restarts_after_host_reboot_reason),
        changes=tuple(_escaped(_change(c)) for c in flavor.changes),
        current=flavor.current,
    )


@dataclasses.dataclass(frozen=True)
class VtpmSection(vtpm.VtpmView):
    """What the section shows: the SDK's vTPM view of the server, every
    text from the cloud in it escaped (:func:`from_view`).

    Values are None where the SDK's view does not know them.
    """

    #: One of the section states.
    state: str = UNKNOWN
    #: One escaped line for the :data:`ERROR` state.
    message: str = ''
    #: :class:`FlavorRow` of each flavor the server can be resized to with
    #: a vTPM (a server with a vTPM only).
    flavors: tuple = ()
    #: One-line notes of the flavor list (extra specs hidden).
    flavors_warnings: tuple = ()
    #: One escaped line when the flavor list cannot be read.
    flavors_message: str = ''


def _escaped(value):
    # The view's texts, and the texts in its tuples; not its yes-or-no
    # facts (True, False or None).
    if isinstance(value, str):
        return escaping.escape_or_none(value)
    if isinstance(value, tuple):
        return tuple(_escaped(v) for v in value)
    return value


def _state(vtpm):
    if vtpm is None:
        return UNKNOWN
    return VTPM if vtpm else NO_VTPM


def from_view(view):
    """The :class:`VtpmSection` of a :class:`~osc_image_props.sdk.VtpmView`.
    """
    fields = {
        field.name: _escaped(getattr(view, field.name))
        for field in dataclasses.fields(vtpm.VtpmView)
    }
    fields['warnings'] = tuple(escaping.one_line(w) for w in view.warnings)
    return VtpmSection(state=_state(view.vtpm), **fields)


def build(conn, server):
    """The section of a server the tab has read, never raising for what
    the cloud sent: a malformed flavor (or a failed version discovery,
    which the drift made already) is a one-line :data:`ERROR`.

    :param server: the ``server`` of the tab's
        :func:`~osc_image_props.sdk.image_properties_drift`.
    """
    try:
        view = vtpm.vtpm_of_server(conn, server)
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        return VtpmSection(
            server_id=escaping.escape_or_none(server.id),
            name=escaping.escape_or_none(server.name),
            vtpm=None,
            state=ERROR,
            message=escaping.one_line(exc),
        )
    section = from_view(view)
    if not view.vtpm:
        return section
    try:
        found = vtpm_flavors.vtpm_flavors_of_server(conn, server)
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        return dataclasses.replace(
            section, flavors_message=escaping.one_line(exc))
    return dataclasses.replace(
        section,
        flavors=tuple(flavor_row(f) for f in found.flavors),
        flavors_warnings=tuple(escaping.one_line(w) for w in found.warnings),
    )
