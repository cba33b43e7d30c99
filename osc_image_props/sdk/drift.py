"""Drift: a server's embedded image properties against its image in Glance.

Nova keeps the copy it took at boot or rebuild; Glance has the image as it
is now. Comparing the two, for the names Nova keeps, shows what changed since
(an image owner edited the image, or an operator edited the server's copy
with ``nova-manage image_property set``).
"""

import dataclasses

from openstack import exceptions as sdk_exceptions

from osc_image_props.sdk import api
from osc_image_props.sdk import exceptions
from osc_image_props.sdk import standard_properties

CHANGED = 'changed'
ONLY_EMBEDDED = 'only-embedded'
ONLY_GLANCE = 'only-glance'
UNCHANGED = 'unchanged'

# Nova stores at most 255 bytes of UTF-8 per value.
_NOVA_VALUE_BYTES = 255


@dataclasses.dataclass(frozen=True)
class PropertyDrift:
    """One property name, as embedded and as in Glance."""

    name: str
    #: The value Nova keeps for the server, or None.
    embedded: object
    #: The value of the image in Glance now, or None.
    glance: object
    #: ``changed``, ``only-embedded``, ``only-glance`` or ``unchanged``.
    state: str


@dataclasses.dataclass(frozen=True)
class ImagePropertiesDrift:
    """The result of :func:`image_properties_drift`."""

    #: The server, an :class:`osc_image_props.sdk.Server`.
    server: object
    #: The ID of the image the server was booted from; None when it was
    #: booted from a volume.
    image_id: object
    #: False when Glance has no such image visible to the caller (deleted,
    #: or private to another project): then every embedded property is
    #: ``only-embedded``.
    image_found: bool
    #: Every property of either side, sorted by name, unchanged ones too.
    properties: tuple

    @property
    def drifted(self):
        """The properties whose state is not ``unchanged``."""
        return tuple(p for p in self.properties if p.state != UNCHANGED)

    @property
    def has_drift(self):
        return bool(self.drifted)


def _as_nova_stores(value):
    """The value as Nova would have embedded it (stringified, cut)."""
    encoded = str(value).encode('utf-8')[:_NOVA_VALUE_BYTES]
    return encoded.decode('utf-8', errors='ignore')


def _glance_properties(conn, image_id):
    """Kept properties of the image in Glance, or None if not visible."""
    response = conn.image.get('/images/%s' % image_id)
    if response.status_code == 404:
        return None
    sdk_exceptions.raise_from_response(response)
    try:
        body = response.json()
    except ValueError as exc:
        raise exceptions.ImagePropertiesProtocolError(
            'The image API returned a malformed response for image %s.'
            % image_id
        ) from exc
    if not isinstance(body, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The image API returned a malformed response for image %s.'
            % image_id
        )
    return {
        name: value
        for name, value in body.items()
        if name in standard_properties.KEPT_PROPERTY_NAMES
        and value is not None
    }


def compare(embedded, glance):
    """Compare two property dicts; return a sorted tuple of PropertyDrift.

    A Glance value longer than Nova keeps counts as unchanged when Nova's
    copy is its first 255 bytes.
    """
    rows = []
    for name in sorted(set(embedded) | set(glance)):
        mine = embedded.get(name)
        theirs = glance.get(name)
        if theirs is None:
            state = ONLY_EMBEDDED
        elif mine is None:
            state = ONLY_GLANCE
        elif mine == _as_nova_stores(theirs):
            state = UNCHANGED
        else:
            state = CHANGED
        rows.append(PropertyDrift(name, mine, theirs, state))
    return tuple(rows)


def image_properties_drift(conn, server):
    """Compare a server's embedded image properties with its image now.

    Example::

        drift = sdk.image_properties_drift(conn, 'web-1')
        for prop in drift.drifted:
            print(prop.name, prop.embedded, '->', prop.glance, prop.state)

    Costs one compute GET for a server ID (a name costs what
    ``find_server`` costs) and one Glance GET.

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, name or Server resource.
    :returns: an :class:`ImagePropertiesDrift`. A server booted from a
        volume gives ``image_id=None`` and no properties.
    """
    found = api.find_server(conn, server)
    embedded = found.embedded_image_properties()
    if embedded is None:
        return ImagePropertiesDrift(found, None, False, ())
    image_id = found.image.id
    glance = _glance_properties(conn, image_id)
    return ImagePropertiesDrift(
        server=found,
        image_id=image_id,
        image_found=glance is not None,
        properties=compare(embedded, glance or {}),
    )
