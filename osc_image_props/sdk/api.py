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

"""Functions that read a server's embedded image properties.

Every function takes an :class:`openstack.connection.Connection` and talks to
the compute API only: the embedded copy is Nova's, not Glance's.
"""

from openstack import exceptions as sdk_exceptions
from openstack import resource as _sdk_resource

from osc_image_props import escaping
from osc_image_props.sdk import _sdk_internals
from osc_image_props.sdk import exceptions
from osc_image_props.sdk import microversion
from osc_image_props.sdk import pages
from osc_image_props.sdk import resource
from osc_image_props.sdk import responses
from osc_image_props.sdk import urls


def _as_resource(conn, raw, version):
    return resource.Server.existing(
        microversion=version,
        connection=conn,
        **_sdk_internals.body_attrs(resource.Server, raw),
    )


# Answers to GET /servers/{id} after which openstacksdk's find() goes on
# to look the value up as a name.
_NOT_AN_ID = (404, 400, 403)


# What _server_by_id returns when Nova refused the microversion (406).
_REFUSED = object()


def _server_by_id(compute, server_id, version):
    """``GET /servers/{id}``: ``(raw body or None or _REFUSED, response)``.

    None when the ID names no server (the caller looks it up as a name).
    """
    path = '/servers/%s' % urls.segment(server_id)
    request = 'GET %s' % path
    response = compute.get(
        path, microversion=version, headers={'Accept': 'application/json'}
    )
    if microversion.refused(response):
        return _REFUSED, response
    if response.status_code in _NOT_AN_ID:
        return None, response
    if response.status_code == 500:
        _raise_if_unreachable(compute, path, server_id)
    body = responses.json_object(response, 'compute', request)
    raw = responses.member(body, 'server', dict, 'compute', request)
    found = raw.get('id')
    if not isinstance(found, str) or found.lower() != server_id.lower():
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API answered %s with a different server (%s).'
            % (escaping.printable(request), escaping.printable(found))
        )
    return raw, response


# Nova answers 500 for GET /servers/{id} at 2.98 and later when the
# server's cell is down (it reads the embedded properties from the cell's
# database); below 2.98 it answers the partial record of the server.
_BELOW_PROPERTIES = '2.97'


def _raise_if_unreachable(compute, path, server_id):
    """After a 500: raise ImagePropertiesUnreachable for a down cell's server.

    Costs one more GET, below 2.98; any other answer leaves the 500 to the
    caller.
    """
    response = compute.get(
        path, microversion=_BELOW_PROPERTIES,
        headers={'Accept': 'application/json'},
    )
    if response.status_code != 200:
        return
    try:
        body = responses.json_object(response, 'compute', 'GET %s' % path)
    except exceptions.ImagePropertiesProtocolError:
        return
    server = body.get('server')
    if isinstance(server, dict) and resource.is_partial_record(server):
        raise exceptions.ImagePropertiesUnreachable(server_id)


def _server_by_id_negotiated(compute, server_id, version):
    """As :func:`_server_by_id`, lowering the microversion once if refused.

    :returns: ``(raw body or None, the microversion Nova accepted)``.
    """
    raw, response = _server_by_id(compute, server_id, version)
    if raw is _REFUSED:
        lower = microversion.after_refusal(compute, version, response)
        if lower is not None:
            version = lower
            raw, response = _server_by_id(compute, server_id, version)
        if raw is _REFUSED:
            # Refused with nothing lower to try, or refused again at the
            # maximum the refusal named: discovery says what the cloud
            # supports (and raises if it is older than 2.98); otherwise
            # Nova's error stands.
            microversion.image_properties_microversion(compute)
            sdk_exceptions.raise_from_response(response)
    if raw is not None:
        microversion.check_answered_with_microversions(compute, response)
    return raw, version


def _server_by_name(compute, name, version):
    """The one raw server whose name or ID is ``name``, as find does."""
    query, _ = _sdk_internals.server_query(
        resource.Server, pages.DETAIL_PATH, {'name': name}
    )
    found = [
        raw for raw in pages.server_bodies(compute, version, query)
        if raw.get('name') == name or raw['id'] == name
    ]
    if not found:
        raise sdk_exceptions.NotFoundException(
            'No Server found for %s' % escaping.printable(name)
        )
    if len(found) > 1:
        raise sdk_exceptions.DuplicateResource(
            'More than one Server exists with the name %s.'
            % escaping.printable(name)
        )
    return found[0]


def find_server(conn, server, wanted_microversion=None):
    """Fetch one server at microversion 2.98 or later.

    The request goes out at the microversion ``conn.compute.get_server()``
    would use, raised to 2.98 if lower: never lowered (see
    :func:`~osc_image_props.sdk.microversion.server_request_microversion`).
    An ID costs no version discovery: the first request goes out at the
    highest microversion this client speaks, and only if Nova refuses it
    (an older cloud) is the cloud's maximum learnt, from Nova's refusal or
    a discovery made then (see
    :func:`~osc_image_props.sdk.microversion.after_refusal`).

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, a server name, or an
        :class:`openstack.compute.v2.server.Server`. Names resolve as
        ``conn.compute.find_server(name, ignore_missing=False)`` does.
    :param wanted_microversion: ask at this microversion (2.98 or later)
        instead, e.g. one the caller settled by discovery already; a
        microversion the user configured still wins.
    :returns: an :class:`osc_image_props.sdk.resource.Server`.
    :raises openstack.exceptions.NotFoundException: no such server visible
        to the caller (also for an empty name).
    :raises openstack.exceptions.DuplicateResource: the name is ambiguous.
    :raises ImagePropertiesUnsupported: the cloud is older than 2.98.
    :raises ImagePropertiesVersionConflict: a lower microversion was
        configured explicitly.
    :raises ImagePropertiesProtocolError: the compute API answered with
        something that is not a server (not JSON, HTML, another server).

    An ID costs one ``GET /servers/{id}`` (two on a cloud older than this
    client, which refuses the first); a name costs what
    ``find_server`` costs (the ID lookup, then one filtered detail list).
    IDs and names are quoted into the URL; ``.`` and ``..`` are looked up
    as names only.
    """
    compute = conn.compute
    version = microversion.first_server_microversion(
        compute, wanted_microversion
    )
    if isinstance(server, _sdk_resource.Resource):
        server = server.id
    if not server:
        raise sdk_exceptions.NotFoundException(
            'No server has an empty name or ID.'
        )
    raw = None
    if urls.segment(server) is not None:
        raw, version = _server_by_id_negotiated(compute, server, version)
    elif wanted_microversion is None:
        # "." and "..": no ID lookup, so no refusal to learn from.
        version = microversion.server_request_microversion(compute)
    else:
        version = microversion.image_properties_microversion(compute)
    if raw is None:
        raw = _server_by_name(compute, server, version)
    return _as_resource(conn, raw, version)


def get_image_properties(conn, server):
    """Return the image properties Nova embedded in a server.

    Example::

        import openstack
        from osc_image_props import sdk

        conn = openstack.connect(cloud='mycloud')
        props = sdk.get_image_properties(conn, 'web-1')
        print(props.get('hw_machine_type'))

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, name or Server resource (see
        :func:`find_server`).
    :returns: a ``dict`` of property name to string value for a server
        booted from an image (``{}`` when it has none), ``None`` for a
        server booted from a volume.
    :raises ImagePropertiesMissing: the cloud claimed 2.98 but did not send
        the field.
    :raises ImagePropertiesUnreachable: the server is in a cell the compute
        API cannot reach now (Nova sent only a partial record).

    Only the properties leave this function, so the request asks for
    exactly 2.98: one ``GET /servers/{id}`` for an ID on every cloud of
    2.98 or later, whichever openstacksdk is installed.
    """
    found = find_server(conn, server, microversion.REQUIRED)
    return found.embedded_image_properties()


def matches(properties, match):
    """Whether embedded properties satisfy every condition of ``match``.

    :param properties: embedded properties (``None`` for a server booted
        from a volume, which matches nothing but an empty ``match``).
    :param match: property name to the value it must have, or to ``None``
        when it only has to be present.

    A null value (Nova 2025.1 sends them) never equals a value, not even
    ``'None'`` or ``''``, but satisfies a presence condition.
    """
    if not match:
        return True
    if properties is None:
        return False
    return all(
        name in properties
        and (value is None or properties[name] == value)
        for name, value in match.items()
    )


def list_image_properties(conn, match=None, **query):
    """Yield ``(server, properties)`` for every server of a detail list.

    Example::

        for server, props in sdk.list_image_properties(conn, status='ACTIVE'):
            if server.is_unreachable:
                print(server.id, 'cell unreachable')
            else:
                print(server.name, props)

        # Every server still on the pc machine type, with a vTPM of any kind
        legacy = sdk.list_image_properties(
            conn, match={'hw_machine_type': 'pc', 'hw_tpm_version': None},
            all_projects=True)

    :param conn: an :class:`openstack.connection.Connection`.
    :param match: keep only servers whose embedded properties satisfy it
        (see :func:`matches`). Nova cannot filter on embedded properties, so
        this runs on the client over the whole detail list. Servers of an
        unreachable cell never satisfy a non-empty ``match``.
    :param query: the filters of ``conn.compute.servers()``
        (``all_projects``, ``name``, ``status``, ``image``, ``limit``, ...).
    :returns: an iterator over ``GET /servers/detail`` at 2.98, following
        pagination; ``properties`` is as in :func:`get_image_properties`,
        and ``None`` also for the partial record of a server in a cell the
        compute API cannot reach (``server.is_unreachable`` is then True).
    :raises ImagePropertiesPagingError: a next page link leads outside the
        compute endpoint or back to a page already fetched (nothing is
        requested from it).
    """
    compute = conn.compute
    # Checked here, not on the first next(): a cloud that is too old should
    # fail where the caller asked, not where it starts iterating.
    version = microversion.server_request_microversion(compute)
    api_query, client_filters = _sdk_internals.server_query(
        resource.Server, pages.DETAIL_PATH, query
    )
    raws = pages.server_bodies(compute, version, api_query)
    return _with_properties(conn, raws, version, client_filters, match)


def _with_properties(conn, raws, version, client_filters, match):
    for raw in raws:
        try:
            properties = resource.properties_from_body(raw['id'], raw, version)
        except exceptions.ImagePropertiesUnreachable:
            properties = None
        server = _as_resource(conn, raw, version)
        if any(
            getattr(server, name, None) != value
            for name, value in client_filters.items()
        ):
            continue
        # A partial record has properties None: only an empty match keeps
        # it, as for a server booted from a volume.
        if matches(properties, match):
            yield server, properties
