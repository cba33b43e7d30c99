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

"""Functions that read servers' vTPM views (see :mod:`vtpm` for the rules).

The rules depend on the cloud's Nova release (33.0.0 and later, or before),
told by its maximum compute microversion. For one server that costs no
request of its own: the server is asked for at microversion ``latest``,
Nova answers at its maximum and names it in the ``OpenStack-API-Version``
response header, and that answer is the cloud's maximum. A maximum above
the newest this client knows (2.103, Nova 33.x) gets the newest rules
known, and the body is read as defensively as any other: only the members
the view needs, each validated. The list path makes the version discovery
that every server list makes anyway.
"""

import re

from openstack import exceptions as sdk_exceptions
from openstack import resource as _sdk_resource

from osc_image_props import escaping
from osc_image_props.sdk import compute_api
from osc_image_props.sdk import exceptions
from osc_image_props.sdk import fleet
from osc_image_props.sdk import vtpm

#: What a single server is asked for at when no microversion is configured.
LATEST = 'latest'

_ANSWERED = re.compile(r'^\s*compute\s+(\d{1,3}\.\d{1,4})\s*$', re.IGNORECASE)


def answered_microversion(response):
    """The microversion Nova says it answered at, or None."""
    header = response.headers.get('OpenStack-API-Version')
    if header is None:
        return None
    match = _ANSWERED.match(header[:100])
    if match is None:
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API answered with an unreadable '
            'OpenStack-API-Version header (%s).'
            % escaping.printable(header, 60)
        )
    return match.group(1)


def _server_and_cloud_max(compute, server):
    """``(raw body, microversion of the body, the cloud's maximum)``."""
    explicit = compute.default_microversion
    # Refuses an explicit microversion below 2.98 before any request.
    version = compute_api.first_server_microversion(compute, LATEST)
    raw, answered = None, None
    if compute_api.segment(server) is not None:
        raw, response = compute_api._server_by_id(compute, server, version)
        if raw is compute_api._REFUSED:
            # Only an explicit microversion above the cloud's maximum is
            # refused: discovery says why, or Nova's error stands.
            compute_api.image_properties_microversion(compute)
            sdk_exceptions.raise_from_response(response)
        # A 404 carries the header too.
        answered = answered_microversion(response)
        if raw is not None and answered is None:
            compute_api.check_answered_with_microversions(compute, response)
    if answered is not None and (
        compute_api.version_key(answered)
        < compute_api.version_key(compute_api.REQUIRED)
    ):
        raise exceptions.ImagePropertiesUnsupported(answered)
    if raw is None:
        raw = compute_api._server_by_name(compute, server, version)
    if explicit is None and answered is not None:
        return raw, answered, answered
    # A configured microversion, or no answer that names one ("." and
    # "..", a proxy that drops the header): the cloud's maximum is learnt
    # by version discovery.
    cloud_max = compute_api.cloud_max_microversion(compute)
    return raw, answered or explicit or cloud_max, cloud_max


def get_vtpm(conn, server):
    """Return the :class:`~osc_image_props.sdk.vtpm.VtpmView` of a server.

    Example::

        view = sdk.get_vtpm(conn, 'web-1')
        if view.vtpm:
            print(view.secret_security, view.secret_security_source,
                  view.live_migratable, view.live_migratable_reason)

    Costs one ``GET /servers/{id}`` for a server ID, at microversion
    ``latest`` (or the one the user configured, which then costs the
    version discovery too); a name costs what :func:`find_server` costs.

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, name or Server resource.
    :raises ImagePropertiesUnreachable: the server is in a cell the
        compute API cannot reach.
    :raises: as :func:`~osc_image_props.sdk.find_server`.
    """
    raw, version, cloud_max = read_server(conn, server)
    return vtpm.from_server_body(raw, cloud_max, version)


def read_server(conn, server):
    """The server read of :func:`get_vtpm`: ``(raw body, its
    microversion, the cloud's maximum)``.

    :raises ImagePropertiesUnreachable: the server is in a cell the
        compute API cannot reach.
    """
    if isinstance(server, _sdk_resource.Resource):
        server = server.id
    if not server:
        raise sdk_exceptions.NotFoundException(
            'No server has an empty name or ID.'
        )
    raw, version, cloud_max = _server_and_cloud_max(conn.compute, server)
    if compute_api.is_partial_record(raw):
        raise exceptions.ImagePropertiesUnreachable(raw['id'])
    return raw, version, cloud_max


def vtpm_of_server(conn, server):
    """The :class:`~osc_image_props.sdk.vtpm.VtpmView` of a server already
    read, from its body: no server request of its own.

    Example::

        drift = sdk.image_properties_drift(conn, 'web-1')
        view = vtpm_api.vtpm_of_server(conn, drift.server)

    The body of any microversion from 2.98 on has what the view needs (the
    embedded flavor with its extra specs, 2.47 and later, and the embedded
    image properties). The rules also need the cloud's maximum
    microversion, which comes from the compute API's version discovery:
    free when it was made on this connection before (as
    :func:`~osc_image_props.sdk.image_properties_drift` and
    :func:`~osc_image_props.sdk.list_image_properties` make it), one
    request otherwise.

    :param conn: the :class:`openstack.connection.Connection` that read
        the server.
    :param server: an :class:`osc_image_props.sdk.Server` read by this
        extension (:func:`~osc_image_props.sdk.find_server`, the ``server``
        of :func:`~osc_image_props.sdk.image_properties_drift`).
    :raises ImagePropertiesProtocolError: the body's flavor is malformed.
    :raises ImagePropertiesDiscoveryError: the version discovery, when
        made now, cannot be read.
    """
    cloud_max = compute_api.cloud_max_microversion(conn.compute)
    return vtpm.from_server_body(
        server.raw_body(), cloud_max, server.microversion
    )


def vtpm_matches(view, secret_security=None, live_migratable=None):
    """Whether a view satisfies the filters of :func:`list_vtpm`.

    An unknown mode or movability (None) satisfies no filter.
    """
    if secret_security is not None and view.secret_security != secret_security:
        return False
    if live_migratable is not None and view.live_migratable is not (
        bool(live_migratable)
    ):
        return False
    return True


def vtpm_untold(view, secret_security=None, live_migratable=None):
    """Whether a vTPM view cannot be matched against these filters: a
    filter is given and the fact it reads is unknown (None), e.g. the
    mode of a server whose flavor extra specs are hidden by policy.

    Such a view may or may not match; :func:`list_vtpm` leaves it out,
    and a caller that reports what it left out counts it.
    """
    return (
        (secret_security is not None and view.secret_security is None)
        or (live_migratable is not None and view.live_migratable is None)
    )


def list_vtpm(conn, secret_security=None, live_migratable=None,
              max_servers=None, **query):
    """Yield the :class:`~osc_image_props.sdk.vtpm.VtpmView` of every
    server with a vTPM, or whose vTPM cannot be told, of a detail list.

    Example::

        # Before host maintenance: which vTPM servers cannot move
        for view in sdk.list_vtpm(conn, live_migratable=False,
                                  all_projects=True, compute_host='cmp-3'):
            print(view.server_id, view.secret_security,
                  view.live_migratable_reason)

    Servers without a vTPM (``vtpm`` False) are left out. Servers whose
    vTPM cannot be told (``vtpm`` None: flavor extra specs hidden by
    policy, booted from a volume, or ``unreachable`` in a down cell), and
    servers whose filtered fact cannot be told (:func:`vtpm_untold`), are
    yielded only when no filter is given: to count them, list without
    filters and apply :func:`vtpm_matches` and :func:`vtpm_untold`, as
    ``openstack server vtpm list`` does.

    :param conn: an :class:`openstack.connection.Connection`.
    :param secret_security: keep only servers in this mode (``user``,
        ``host``, ``deployment``).
    :param live_migratable: True or False: keep only servers that Nova
        would, or would not, live-migrate.
    :param max_servers: look at no more than this many servers (as
        ``openstack server list --limit`` does; ``limit`` is the page size).
    :param query: the server-side filters of ``conn.compute.servers()``
        (``all_projects``, ``project_id``, ``compute_host``, ``name``,
        ``status``, ``limit`` as page size, ...).
    :returns: an iterator over the pages of one ``GET /servers/detail``
        (at the microversion of :func:`list_image_properties`), with the
        version discovery the list makes anyway: no request per server.
    :raises ImagePropertiesUnsupported: the cloud is older than 2.98
        (raised by this call, before iterating).
    :raises ImagePropertiesError: a filter the compute API cannot apply.
    """
    version, cloud_max, raws = fleet.server_stream(
        conn, max_servers, query, views='vTPM lists')
    return _views(raws, cloud_max, version, secret_security, live_migratable)


def _views(raws, cloud_max, version, secret_security, live_migratable):
    filtered = secret_security is not None or live_migratable is not None
    for raw in raws:
        view = vtpm.from_server_body(raw, cloud_max, version)
        if view.vtpm is False:
            continue
        if view.vtpm is None and filtered:
            continue
        if vtpm_matches(view, secret_security, live_migratable):
            yield view
