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
:func:`osc_image_props.sdk.vtpm_api.vtpm_of_server`), so it costs no
request. Unknown facts stay unknown, with the SDK's warning saying why:
nothing is guessed.
"""

import dataclasses

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from osc_image_props import escaping
from osc_image_props.sdk import vtpm_api

# Section states, one template branch each.
VTPM = 'vtpm'
NO_VTPM = 'no-vtpm'
#: Whether the server has a vTPM cannot be told (the warnings say why).
UNKNOWN = 'unknown'
#: The server body cannot be read for its vTPM (the message says why).
ERROR = 'error'

# Answers of the yes-or-no facts.
YES = 'yes'
NO = 'no'
UNKNOWN_ANSWER = 'unknown'


@dataclasses.dataclass(frozen=True)
class VtpmSection:
    """What the section shows; every text from the cloud escaped.

    Values are None where the SDK's view does not know them.
    """

    state: str
    version: object = None
    #: ``flavor`` or ``image``.
    version_source: object = None
    model: object = None
    #: ``flavor``, ``image`` or ``default``.
    model_source: object = None
    secret_security: object = None
    #: ``flavor``, ``default`` or ``release``.
    secret_security_source: object = None
    #: :data:`YES`, :data:`NO` or :data:`UNKNOWN_ANSWER`.
    live_migratable: str = UNKNOWN_ANSWER
    live_migratable_reason: object = None
    #: :data:`YES`, :data:`NO` or :data:`UNKNOWN_ANSWER`.
    restarts_after_host_reboot: str = UNKNOWN_ANSWER
    restarts_after_host_reboot_reason: object = None
    refused_operations: tuple = ()
    warnings: tuple = ()
    #: One escaped line for the :data:`ERROR` state.
    message: str = ''


def _answer(value):
    if value is None:
        return UNKNOWN_ANSWER
    return YES if value else NO


def _state(vtpm):
    if vtpm is None:
        return UNKNOWN
    return VTPM if vtpm else NO_VTPM


def from_view(view):
    """The :class:`VtpmSection` of a :class:`~osc_image_props.sdk.VtpmView`.
    """
    text = escaping.escape_or_none
    return VtpmSection(
        state=_state(view.vtpm),
        version=text(view.version),
        version_source=text(view.version_source),
        model=text(view.model),
        model_source=text(view.model_source),
        secret_security=text(view.secret_security),
        secret_security_source=text(view.secret_security_source),
        live_migratable=_answer(view.live_migratable),
        live_migratable_reason=text(view.live_migratable_reason),
        restarts_after_host_reboot=_answer(view.restarts_after_host_reboot),
        restarts_after_host_reboot_reason=text(
            view.restarts_after_host_reboot_reason),
        refused_operations=tuple(
            text(op) for op in view.refused_operations),
        warnings=tuple(escaping.one_line(w) for w in view.warnings),
    )


def build(conn, server):
    """The section of a server the tab has read, never raising for what
    the cloud sent: a malformed flavor (or a failed version discovery,
    which the drift made already) is a one-line :data:`ERROR`.

    :param server: the ``server`` of the tab's
        :func:`~osc_image_props.sdk.image_properties_drift`.
    """
    try:
        view = vtpm_api.vtpm_of_server(conn, server)
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        return VtpmSection(ERROR, message=escaping.one_line(exc))
    return from_view(view)
