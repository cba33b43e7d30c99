"""openstacksdk resources for a server's embedded image reference.

The stock ``openstack.compute.v2.server.Server`` parses ``server.image`` as a
Glance ``Image``: the embedded ``links`` end up in ``image.properties`` and
"no properties" cannot be told from "field absent". These resources keep the
embedded reference as Nova sends it.
"""

from openstack.compute.v2 import server as _server
from openstack import format as _format
from openstack import resource

from osc_image_props.sdk import exceptions
from osc_image_props.sdk import microversion


class ImageRef(resource.Resource):
    """The image a server was booted from, as embedded in the server body.

    ``properties`` is ``None`` when the response did not carry the field
    (below microversion 2.98) and a dict, possibly empty, when it did.
    """

    #: The image ID.
    id = resource.Body('id')
    #: Links to the image in the compute API.
    links = resource.Body('links', type=list)
    #: The properties Nova copied from the image when it booted or rebuilt
    #: the server (compute microversion 2.98 and later).
    properties = resource.Body('properties', type=dict)


class _EmbeddedImage(_format.Formatter):
    """Turn the ``image`` member of a server body into an ImageRef.

    Nova sends an object for an image-booted server and ``""`` for a server
    booted from a volume; the latter becomes ``None``.
    """

    @classmethod
    def deserialize(cls, value):
        if isinstance(value, dict):
            return ImageRef.existing(**value)
        return None


class Server(_server.Server):
    """A compute server whose ``image`` is an :class:`ImageRef`.

    Requests for this resource negotiate up to microversion 2.98, so the
    embedded image properties are part of ``GET /servers/{id}`` and
    ``GET /servers/detail``.
    """

    _max_microversion = microversion.REQUIRED

    #: The embedded image reference; ``None`` for a server booted from a
    #: volume.
    image = resource.Body('image', type=_EmbeddedImage)

    def embedded_image_properties(self):
        """Return the embedded image properties, validated.

        :returns: a ``dict`` of property name to string value for a server
            booted from an image (``{}`` when Nova kept none), ``None`` for a
            server booted from a volume.
        :raises ImagePropertiesMissing: the body lacks ``image.properties``
            although the server was booted from an image.
        :raises ImagePropertiesProtocolError: the body is malformed.
        """
        return properties_from_body(
            self.id, self._body, self.microversion
        )


ABSENT = object()

#: The status Nova gives the partial record of a server in a down cell.
PARTIAL_STATUS = 'UNKNOWN'


def properties_from_body(server_id, server, microversion=None):
    """Validate the raw body of one server; return its embedded properties.

    :param server: the server object as Nova sent it.
    :returns: as :meth:`Server.embedded_image_properties`; values are
        strings or ``None`` (Nova stores nullable strings).
    :raises ImagePropertiesUnreachable: the body is the partial record of a
        server in a cell Nova cannot reach.
    """
    image = server.get('image', ABSENT)
    if image is ABSENT:
        if server.get('status') == PARTIAL_STATUS:
            raise exceptions.ImagePropertiesUnreachable(server_id)
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s without an "image" '
            'member.' % server_id
        )
    if image == '':
        return None
    if not isinstance(image, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with a malformed "image" '
            'member (%s instead of an object).'
            % (server_id, type(image).__name__)
        )
    if 'properties' not in image:
        raise exceptions.ImagePropertiesMissing(server_id, microversion)
    properties = image['properties']
    if not isinstance(properties, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str))
        for k, v in properties.items()
    ):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with malformed '
            '"image.properties": expected an object of strings or nulls.'
            % server_id
        )
    return dict(properties)
