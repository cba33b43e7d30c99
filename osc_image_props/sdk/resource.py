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

"""openstacksdk resources for a server's embedded image reference.

The stock ``openstack.compute.v2.server.Server`` parses ``server.image`` as a
Glance ``Image``: the embedded ``links`` end up in ``image.properties`` and
"no properties" cannot be told from "field absent". These resources keep the
embedded reference as Nova sends it.
"""

import copy

from openstack.compute.v2 import server as _server
from openstack import format as _format
from openstack import resource

from osc_image_props import escaping
from osc_image_props.sdk import _sdk_internals
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
            return ImageRef.existing(
                **_sdk_internals.body_attrs(ImageRef, value)
            )
        return None


class Server(_server.Server):
    """A compute server whose ``image`` is an :class:`ImageRef`.

    Requests for this resource negotiate up to openstacksdk's own Server
    maximum or 2.98, whichever is higher, so the embedded image properties
    are part of ``GET /servers/{id}`` and ``GET /servers/detail`` and
    nothing the stock resource would get is lost.
    """

    #: The embedded image reference; ``None`` for a server booted from a
    #: volume.
    image = resource.Body('image', type=_EmbeddedImage)

    @property
    def is_unreachable(self):
        """Whether this is the partial record of a server in a down cell.

        Nova then knows only a few members of the server (status
        ``UNKNOWN``, no ``image``): its image properties are unknown, which
        is not the same as a server booted from a volume (``image`` is
        ``None`` for both).
        """
        return is_partial_record(_sdk_internals.body(self))

    def raw_body(self):
        """The server body as Nova sent it: a deep copy of the members this
        resource maps (``id``, ``name``, ``status``, ``flavor``, ``image``,
        ...), not converted into resources; for rules that read the raw
        members, as :func:`osc_image_props.sdk.vtpm.from_server_body`.
        """
        return copy.deepcopy(dict(_sdk_internals.body(self)))

    def flavor_disk(self):
        """The root disk (GiB) of the embedded flavor, or None.

        Read from the body as sent (:func:`flavor_disk_from_body`):
        ``server.flavor`` would build a resource from untrusted members.
        """
        return flavor_disk_from_body(_sdk_internals.body(self))

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
            self.id, _sdk_internals.body(self), self.microversion
        )


# Negotiated like openstacksdk's own Server, up to its maximum or 2.98.
_sdk_internals.set_max_microversion(
    Server, microversion.client_max_microversion()
)


ABSENT = object()

#: The status Nova gives the partial record of a server in a down cell.
PARTIAL_STATUS = 'UNKNOWN'


def is_partial_record(server):
    """Whether a raw server body is a down cell's partial record.

    Listed, such a server has no ``image`` member; shown alone, its image
    reference comes from the API database and has no ``properties``.
    """
    if server.get('status') != PARTIAL_STATUS:
        return False
    image = server.get('image', ABSENT)
    return image is ABSENT or (
        isinstance(image, dict) and 'properties' not in image)


def flavor_disk_from_body(server):
    """The root disk (GiB) of a raw server body's embedded flavor, or None
    when the body has no flavor object or its ``disk`` is not a number.
    """
    flavor = server.get('flavor')
    disk = flavor.get('disk') if isinstance(flavor, dict) else None
    return disk if isinstance(disk, int) else None


def properties_from_body(server_id, server, microversion=None):
    """Validate the raw body of one server; return its embedded properties.

    :param server: the server object as Nova sent it.
    :returns: as :meth:`Server.embedded_image_properties`; values are
        strings or ``None`` (Nova stores nullable strings).
    :raises ImagePropertiesUnreachable: the body is the partial record of a
        server in a cell Nova cannot reach.
    """
    shown = escaping.printable(server_id)
    if is_partial_record(server):
        raise exceptions.ImagePropertiesUnreachable(server_id)
    image = server.get('image', ABSENT)
    if image is ABSENT:
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s without an "image" '
            'member.' % shown
        )
    if image == '':
        return None
    if not isinstance(image, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with a malformed "image" '
            'member (%s instead of an object).'
            % (shown, type(image).__name__)
        )
    image_id = image.get('id')
    if not isinstance(image_id, str) or not image_id:
        # Not a volume-booted server ("image": ""): a broken reference.
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with an "image" object '
            'that has no valid "id".' % shown
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
            % shown
        )
    return dict(properties)
