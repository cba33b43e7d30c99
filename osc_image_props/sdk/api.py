"""Functions that read a server's embedded image properties.

Every function takes an :class:`openstack.connection.Connection` and talks to
the compute API only: the embedded copy is Nova's, not Glance's.
"""

import contextlib

from openstack import resource as _sdk_resource

from osc_image_props.sdk import exceptions
from osc_image_props.sdk import microversion
from osc_image_props.sdk import resource

_DETAIL_PATH = '/servers/detail'


@contextlib.contextmanager
def _malformed_responses_as_protocol_errors():
    # openstacksdk lets JSON and shape errors of a response escape as
    # ValueError/TypeError/KeyError; to a caller they are a broken cloud.
    try:
        yield
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned a malformed response: %s' % exc
        ) from exc


def find_server(conn, server):
    """Fetch one server at microversion 2.98.

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, a server name, or an
        :class:`openstack.compute.v2.server.Server`. Names resolve as
        ``conn.compute.find_server(name, ignore_missing=False)`` does.
    :returns: an :class:`osc_image_props.sdk.resource.Server`.
    :raises openstack.exceptions.NotFoundException: no such server visible
        to the caller.
    :raises openstack.exceptions.DuplicateResource: the name is ambiguous.
    :raises ImagePropertiesUnsupported: the cloud is older than 2.98.
    :raises ImagePropertiesVersionConflict: a lower microversion was
        configured explicitly.

    An ID costs one ``GET /servers/{id}``; a name costs what
    ``find_server`` costs (the ID lookup, then one filtered detail list).
    """
    compute = conn.compute
    version = microversion.image_properties_microversion(compute)
    if isinstance(server, _sdk_resource.Resource):
        server = server.id
    with _malformed_responses_as_protocol_errors():
        return resource.Server.find(
            compute,
            server,
            ignore_missing=False,
            list_base_path=_DETAIL_PATH,
            microversion=version,
        )


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
    """
    found = find_server(conn, server)
    return found.embedded_image_properties()


def matches(properties, match):
    """Whether embedded properties satisfy every condition of ``match``.

    :param properties: embedded properties (``None`` for a server booted
        from a volume, which matches nothing but an empty ``match``).
    :param match: property name to the value it must have, or to ``None``
        when it only has to be present.
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
            print(server.name, props)

        # Every server still on the pc machine type, with a vTPM of any kind
        legacy = sdk.list_image_properties(
            conn, match={'hw_machine_type': 'pc', 'hw_tpm_version': None},
            all_projects=True)

    :param conn: an :class:`openstack.connection.Connection`.
    :param match: keep only servers whose embedded properties satisfy it
        (see :func:`matches`). Nova cannot filter on embedded properties, so
        this runs on the client over the whole detail list.
    :param query: the filters of ``conn.compute.servers()``
        (``all_projects``, ``name``, ``status``, ``image``, ``limit``, ...).
    :returns: an iterator over ``GET /servers/detail`` at 2.98, following
        pagination; ``properties`` is as in :func:`get_image_properties`.
    """
    compute = conn.compute
    # Checked here, not on the first next(): a cloud that is too old should
    # fail where the caller asked, not where it starts iterating.
    version = microversion.image_properties_microversion(compute)
    servers = resource.Server.list(
        compute, base_path=_DETAIL_PATH, microversion=version, **query
    )
    return _with_properties(servers, match)


def _with_properties(servers, match):
    with _malformed_responses_as_protocol_errors():
        for server in servers:
            properties = server.embedded_image_properties()
            if matches(properties, match):
                yield server, properties
