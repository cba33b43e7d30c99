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

"""Fleet views: drift and value counts over every server of a detail list.

Nova cannot filter or count on embedded image properties, so both views
page through ``GET /servers/detail`` at 2.98 (the requests of
``conn.compute.servers(details=True)``) and work on the client. Servers are
taken a chunk at a time; each chunk's images that were not seen before are
fetched from Glance in batches (see :mod:`images`). Memory is one chunk of
servers and one Glance body per distinct image, whatever the fleet's size.
No openstacksdk resource is built per server: only the fields shown are
kept.
"""

import collections
import dataclasses
import itertools

from osc_image_props.sdk import dialect as dialect_mod
from osc_image_props.sdk import drift as drift_mod
from osc_image_props.sdk import exceptions
from osc_image_props.sdk import images as images_mod
from osc_image_props.sdk import compute_api

#: Servers taken from the list before their images are fetched: Nova's
#: default page size, so one chunk costs about one page of each.
CHUNK = 1000

#: :attr:`ServerDrift.outcome` values (those of the single server view).
COMPARED = drift_mod.COMPARED
VOLUME_BOOTED = drift_mod.VOLUME_BOOTED
UNREACHABLE = drift_mod.UNREACHABLE
IMAGE_MISSING = drift_mod.IMAGE_MISSING


@dataclasses.dataclass(frozen=True)
class ServerDrift:
    """One server of :func:`fleet_drift`."""

    server_id: str
    name: object
    #: The server's project (``tenant_id``).
    project_id: object
    #: The boot image's ID; None for a volume-booted or unreachable server.
    image_id: object
    #: ``compared``; or, with nothing compared: ``volume-booted``,
    #: ``unreachable`` (a down cell's partial record) or ``image-missing``
    #: (the image is deleted or not visible to the caller).
    outcome: str
    #: The :class:`~osc_image_props.sdk.PropertyDrift` rows that count as
    #: drift, sorted by name: not ``unchanged``, and not
    #: ``recorded-by-nova`` unless ``include_recorded``; empty unless
    #: ``compared``.
    drifted: tuple = ()
    #: The ``recorded-by-nova`` rows (names nova-compute recorded itself,
    #: that the image does not have), sorted by name, whether they count
    #: as drift or not.
    recorded: tuple = ()

    @property
    def has_drift(self):
        return bool(self.drifted)


@dataclasses.dataclass(frozen=True)
class PropertyCount:
    """How many servers have one value of one embedded property."""

    name: str
    #: The value; None for a null value (Nova 2025.1 keeps them).
    value: object
    servers: int
    #: How many distinct projects those servers belong to.
    projects: int
    #: True when nova-compute records this name itself when the image has
    #: none (the libvirt driver does): the value may be the compute host's
    #: choice rather than the image's.
    recorded_by_nova: bool = False


@dataclasses.dataclass(frozen=True)
class Summary:
    """The result of :func:`summarize`."""

    #: :class:`PropertyCount` rows sorted by name, then value (nulls last).
    counts: tuple
    #: Servers booted from an image whose properties were counted.
    servers: int
    #: Servers booted from a volume: no image properties.
    volume_booted: int
    #: Servers of a cell the compute API cannot reach: properties unknown.
    unreachable: int


@dataclasses.dataclass(frozen=True)
class _Seen:
    """What a fleet view keeps of one server body."""

    server_id: str
    name: object
    project_id: object
    image_id: object
    properties: object  # dict, None (volume-booted) or _UNKNOWN
    flavor_disk: object


_UNKNOWN = object()


def _seen(raw, version):
    try:
        properties = compute_api.properties_from_body(raw['id'], raw, version)
    except exceptions.ImagePropertiesUnreachable:
        properties = _UNKNOWN
    image_id = None
    if isinstance(properties, dict):
        image_id = raw['image']['id']  # validated with the properties
    return _Seen(
        raw['id'], raw.get('name'), raw.get('tenant_id'), image_id,
        properties, compute_api.flavor_disk_from_body(raw),
    )


def _servers(conn, max_servers, query):
    """The cloud's maximum microversion and a stream of :class:`_Seen`."""
    version, cloud_max, raws = compute_api.server_stream(
        conn, max_servers, query)
    return cloud_max, (_seen(raw, version) for raw in raws)


def _chunks(iterable, size):
    iterator = iter(iterable)
    while True:
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield chunk


def _drift_of(seen, image, cloud_max, keys, include_recorded):
    if seen.properties is None:
        return ServerDrift(seen.server_id, seen.name, seen.project_id, None,
                           VOLUME_BOOTED)
    if seen.properties is _UNKNOWN:
        return ServerDrift(seen.server_id, seen.name, seen.project_id, None,
                           UNREACHABLE)
    # The rule of the single server view: without the image, nothing is
    # compared, so nothing is drift or recorded-by-nova.
    outcome, rows = drift_mod.server_rows(
        cloud_max, seen.properties, image, seen.flavor_disk, keys)
    return ServerDrift(
        seen.server_id, seen.name, seen.project_id, seen.image_id, outcome,
        tuple(r for r in rows if drift_mod.is_drift(r, include_recorded)),
        tuple(r for r in rows if r.state == drift_mod.RECORDED),
    )


def fleet_drift(conn, keys=None, max_servers=None, include_recorded=False,
                **query):
    """Yield a :class:`ServerDrift` for every server of a detail list.

    The comparison is :func:`~osc_image_props.sdk.image_properties_drift`'s
    (the names this cloud's Nova shows, like with like), for every server
    at once. Example::

        from osc_image_props import sdk

        for server in sdk.fleet_drift(conn, all_projects=True):
            for prop in server.drifted:
                print(server.server_id, prop.name, prop.embedded, '->',
                      prop.glance)

        # Only the machine type; count what could not be compared, and
        # the servers whose machine type the compute host chose
        outcomes = collections.Counter()
        chosen_by_host = 0
        for server in sdk.fleet_drift(conn, keys={'hw_machine_type'}):
            outcomes[server.outcome] += 1
            chosen_by_host += bool(server.recorded)

    :param conn: an :class:`openstack.connection.Connection`.
    :param keys: compare only these property names (default: all).
    :param max_servers: look at no more than this many servers (as
        ``openstack server list --limit`` does; ``limit`` is the page size).
    :param include_recorded: count ``recorded-by-nova`` rows as drift (in
        ``drifted``); they are in ``recorded`` either way.
    :param query: the server-side filters of ``conn.compute.servers()``
        (``all_projects``, ``project_id``, ``name``, ``status``, ``image``,
        ``compute_host``, ``limit`` as page size, ``marker``, ...).
    :returns: an iterator; the compute requests are the pages of one
        ``GET /servers/detail`` at 2.98, the Glance requests one
        ``GET /v2/images?id=in:...`` per 50 distinct images (plus one
        ``GET /v2/images/{id}`` per image the list does not show).
    :raises ImagePropertiesUnsupported: the cloud is older than 2.98
        (raised by this call, before iterating).
    :raises ImagePropertiesError: a filter the compute API cannot apply.
    """
    keys = None if keys is None else frozenset(keys)
    cloud_max, stream = _servers(conn, max_servers, query)
    return _drift_stream(conn, stream, cloud_max, keys, include_recorded)


def _drift_stream(conn, stream, cloud_max, keys, include_recorded):
    glance = {}  # image ID -> body or None, for every distinct image
    for chunk in _chunks(stream, CHUNK):
        new = sorted({
            s.image_id for s in chunk
            if s.image_id is not None and s.image_id not in glance
        })
        if new:
            glance.update(images_mod.fetch(conn, new))
        for seen in chunk:
            yield _drift_of(seen, glance.get(seen.image_id), cloud_max, keys,
                            include_recorded)


def _value_key(item):
    (name, value), _ = item
    return name, value is None, value or ''


def summarize(conn, keys=None, max_servers=None, **query):
    """Count the servers that have each value of each embedded property.

    Example::

        summary = sdk.summarize(conn, ['hw_machine_type'],
                                all_projects=True)
        for row in summary.counts:
            print(row.name, row.value, row.servers, row.projects)
        print(summary.volume_booted, 'servers booted from volumes')

    Makes only the compute requests (the pages of one ``GET
    /servers/detail`` at 2.98): no Glance request. Memory is one count per
    distinct (name, value), with the set of its projects.

    :param conn: an :class:`openstack.connection.Connection`.
    :param keys: count only these property names (default: all).
    :param max_servers: as for :func:`fleet_drift`.
    :param query: as for :func:`fleet_drift`.
    :returns: a :class:`Summary`.
    """
    keys = None if keys is None else frozenset(keys)
    cloud_max, stream = _servers(conn, max_servers, query)
    recorded = dialect_mod.recorded_names(cloud_max)
    servers = collections.Counter()
    projects = collections.defaultdict(set)
    counted = volume = unreachable = 0
    for seen in stream:
        if seen.properties is None:
            volume += 1
            continue
        if seen.properties is _UNKNOWN:
            unreachable += 1
            continue
        counted += 1
        for name, value in seen.properties.items():
            if keys is not None and name not in keys:
                continue
            servers[name, value] += 1
            projects[name, value].add(seen.project_id)
    counts = tuple(
        PropertyCount(name, value, number, len(projects[name, value]),
                      name in recorded)
        for (name, value), number in sorted(servers.items(), key=_value_key)
    )
    return Summary(counts, counted, volume, unreachable)
