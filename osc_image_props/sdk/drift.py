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

"""Drift: a server's embedded image properties against its image in Glance.

Nova keeps the copy it took at boot or rebuild; Glance has the image as it
is now. Comparing the two, for the names this cloud's Nova shows (see
:mod:`dialect`), shows what changed since (an image owner edited the image,
or an operator edited the server's copy with ``nova-manage
image_property set``).

A name that the server's copy has, that the image does not, and that
nova-compute records itself (:mod:`recorded_keys`) is
``recorded-by-nova``: shown, but not drift unless asked for.

A server whose image is deleted or not visible is not compared: nothing
tells what the image had, or whether nova-compute wrote a name itself, so
every name of the copy is ``not-compared`` and none is drift. The single
server view (``diff``, the Horizon tab) and the fleet view (``drift``)
both answer so, through :func:`server_rows`.
"""

import dataclasses

from osc_image_props.sdk import compute_api
from osc_image_props.sdk import dialect as dialect_mod
from osc_image_props.sdk import images

CHANGED = 'changed'
ONLY_EMBEDDED = 'only-embedded'
ONLY_GLANCE = 'only-glance'
RECORDED = 'recorded-by-nova'
UNCHANGED = 'unchanged'
NOT_COMPARED = 'not-compared'

# What became of one server: compared, or why it was not.
COMPARED = 'compared'
VOLUME_BOOTED = 'volume-booted'
UNREACHABLE = 'unreachable'
IMAGE_MISSING = 'image-missing'

# Nova stores at most 255 bytes of UTF-8 per value.
_NOVA_VALUE_BYTES = 255


@dataclasses.dataclass(frozen=True)
class PropertyDrift:
    """One property name, as embedded and as in Glance."""

    name: str
    #: The value Nova keeps for the server; None when it keeps none
    #: (``only-glance``) or keeps a null.
    embedded: object
    #: The value of the image in Glance now; None when it has none
    #: (``only-embedded``, ``recorded-by-nova``, ``not-compared``).
    glance: object
    #: ``changed``, ``only-embedded``, ``only-glance``,
    #: ``recorded-by-nova`` (the image has no such property and
    #: nova-compute records the name itself), ``unchanged`` or
    #: ``not-compared`` (the image is deleted or not visible).
    state: str


def is_drift(prop, include_recorded=False):
    """Whether a :class:`PropertyDrift` counts as drift.

    ``unchanged`` and ``not-compared`` never do; ``recorded-by-nova``
    only with ``include_recorded``.
    """
    if prop.state in (UNCHANGED, NOT_COMPARED):
        return False
    return include_recorded or prop.state != RECORDED


@dataclasses.dataclass(frozen=True)
class ImagePropertiesDrift:
    """The result of :func:`image_properties_drift`."""

    #: The server, an :class:`osc_image_props.sdk.Server`.
    server: object
    #: The ID of the image the server was booted from; None when it was
    #: booted from a volume.
    image_id: object
    #: False when Glance has no such image visible to the caller (deleted,
    #: or private to another project): then nothing is compared (see
    #: ``outcome``).
    image_found: bool
    #: Every property of either side, sorted by name, unchanged ones too;
    #: without the image, every embedded property as ``not-compared``.
    properties: tuple
    #: Whether ``recorded-by-nova`` properties count as drift.
    include_recorded: bool = False
    #: ``compared``, ``volume-booted`` or ``image-missing`` (deleted or not
    #: visible: not compared, which is not "no drift"); the values of
    #: :attr:`osc_image_props.sdk.ServerDrift.outcome`.
    outcome: str = COMPARED

    @property
    def compared(self):
        """Whether the copy was compared with the image."""
        return self.outcome == COMPARED

    @property
    def drifted(self):
        """The properties that count as drift: not ``unchanged``, and not
        ``recorded-by-nova`` unless ``include_recorded``."""
        return tuple(
            p for p in self.properties if is_drift(p, self.include_recorded)
        )

    @property
    def recorded(self):
        """The ``recorded-by-nova`` properties."""
        return tuple(p for p in self.properties if p.state == RECORDED)

    @property
    def has_drift(self):
        return bool(self.drifted)


def _as_nova_stores(value):
    """The value as Nova would have embedded it (stringified, cut)."""
    encoded = str(value).encode('utf-8')[:_NOVA_VALUE_BYTES]
    return encoded.decode('utf-8', errors='ignore')


def compare(embedded, glance, recorded=frozenset()):
    """Compare two property dicts; return a sorted tuple of PropertyDrift.

    A name counts as present when its key is, whatever its value: a null
    that Nova keeps (2025.1) never equals a Glance value. A Glance value
    longer than Nova keeps counts as unchanged when Nova's copy is its
    first 255 bytes.

    :param recorded: names that nova-compute records itself: embedded
        only, such a name is ``recorded-by-nova``, not ``only-embedded``.
    """
    rows = []
    for name in sorted(set(embedded) | set(glance)):
        mine = embedded.get(name)
        theirs = glance.get(name)
        if name not in glance:
            state = RECORDED if name in recorded else ONLY_EMBEDDED
        elif name not in embedded:
            state = ONLY_GLANCE
        elif mine is not None and mine == _as_nova_stores(theirs):
            state = UNCHANGED
        else:
            state = CHANGED
        rows.append(PropertyDrift(name, mine, theirs, state))
    return tuple(rows)


def server_rows(cloud_max, embedded, image, flavor_disk, keys=None):
    """``(outcome, rows)`` of one server whose copy is ``embedded``.

    ``compared`` and the :func:`compare` rows when ``image`` (a Glance
    body) is there; else ``image-missing`` and every embedded property
    ``not-compared``.

    :param cloud_max: the cloud's maximum compute microversion.
    :param flavor_disk: the flavor's disk (the 2025.1 dialect needs it).
    :param keys: only these names (default: all).
    """
    if image is None:
        return IMAGE_MISSING, tuple(
            PropertyDrift(name, value, None, NOT_COMPARED)
            for name, value in sorted(embedded.items())
            if keys is None or name in keys
        )
    spoken = dialect_mod.detect(cloud_max, embedded)
    glance = dialect_mod.glance_side(spoken, image, embedded, flavor_disk)
    if keys is not None:
        embedded = {k: v for k, v in embedded.items() if k in keys}
        glance = {k: v for k, v in glance.items() if k in keys}
    return COMPARED, compare(embedded, glance, spoken.recorded)


def image_properties_drift(conn, server, include_recorded=False):
    """Compare a server's embedded image properties with its image now.

    Example::

        drift = sdk.image_properties_drift(conn, 'web-1')
        for prop in drift.drifted:
            print(prop.name, prop.embedded, '->', prop.glance, prop.state)
        for prop in drift.recorded:
            print(prop.name, prop.embedded, 'chosen by the compute host')

    Costs the compute API's version discovery, one compute GET at 2.98 for
    a server ID (a name costs what ``find_server`` costs) and one Glance
    GET. ``server`` of the result is read at 2.98 (or the microversion the
    user configured): what the comparison needs.

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, name or Server resource.
    :param include_recorded: count ``recorded-by-nova`` properties as
        drift (in ``drifted`` and ``has_drift``).
    :returns: an :class:`ImagePropertiesDrift`. A server booted from a
        volume gives ``image_id=None``, no properties and the outcome
        ``volume-booted``; a server whose image is deleted or not visible
        gives ``image-missing``, every property ``not-compared`` and no
        drift.
    :raises ImagePropertiesUnreachable: the server is in a cell the
        compute API cannot reach.
    """
    # The dialect needs the cloud's maximum: learnt first, by discovery,
    # which also refuses a cloud older than 2.98 before the server request.
    # The comparison reads only the properties and the flavor's disk, both
    # at 2.98: exactly that is asked for, so no cloud refuses the request.
    found = compute_api.find_server(
        conn, server, compute_api.image_properties_microversion(conn.compute)
    )
    embedded = found.embedded_image_properties()
    if embedded is None:
        return ImagePropertiesDrift(
            found, None, False, (), include_recorded, VOLUME_BOOTED
        )
    image_id = found.image.id  # validated with the properties
    image = images.get_image(conn, image_id)
    outcome, rows = server_rows(
        compute_api.cloud_max_microversion(conn.compute), embedded, image,
        found.flavor_disk(),
    )
    return ImagePropertiesDrift(
        server=found,
        image_id=image_id,
        image_found=image is not None,
        properties=rows,
        include_recorded=include_recorded,
        outcome=outcome,
    )
