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

"""What changed in servers' copies since a baseline (see :mod:`baseline`).

The comparison is copy against copy, Nova's both times: whatever happened
to the image in Glance (changed, deleted) does not enter it, so an
operator's ``nova-manage image_property set`` shows exactly. No Glance
request is made.
"""

import dataclasses

from osc_image_props.sdk import compute_api
from osc_image_props.sdk import baseline as baseline_mod
from osc_image_props.sdk import dialect as dialect_mod
from osc_image_props.sdk import drift as drift_mod
from osc_image_props.sdk import exceptions
from osc_image_props.sdk import fleet

# :attr:`PropertyChange.state` values.
ADDED = 'added'
REMOVED = 'removed'
CHANGED = 'changed'
UNCHANGED = 'unchanged'
#: Added since, under a name nova-compute records itself when the image
#: has none (it does so for every server of a host when it starts): not a
#: change unless asked for.
RECORDED = drift_mod.RECORDED

# :attr:`ServerSince.outcome` values.
COMPARED = 'compared'
#: The image ID changed: the server was rebuilt and Nova took its copy
#: again; the rows compare the new copy with the old one.
REBUILT = 'rebuilt'
#: Not in the baseline: made since.
NEW = 'new'
#: In the baseline, and no longer listed: deleted since (or no longer
#: visible).
GONE = 'gone'
VOLUME_BOOTED = fleet.VOLUME_BOOTED
UNREACHABLE = fleet.UNREACHABLE
#: On one side only, where the list was filtered or the baseline named
#: its servers: whether it is new or gone cannot be told.
OUTSIDE = 'outside'

#: Outcomes that are a change in themselves.
_CHANGE_OUTCOMES = (REBUILT, NEW, GONE)


@dataclasses.dataclass(frozen=True)
class PropertyChange:
    """One property, in the baseline and now."""

    name: str
    #: The value in the baseline; None when absent (or null).
    baseline: object
    #: The value now; None when absent (or null).
    now: object
    state: str


@dataclasses.dataclass(frozen=True)
class ServerSince:
    """One server compared with a baseline."""

    server_id: str
    name: object
    #: See the outcome values of this module.
    outcome: str
    #: The image ID now (the baseline's for a server ``gone``).
    image_id: object = None
    #: The image ID in the baseline (None for a server ``new``).
    baseline_image_id: object = None
    #: Every :class:`PropertyChange`, sorted by name, unchanged included.
    properties: tuple = ()
    #: Whether ``recorded-by-nova`` rows count as changes.
    include_recorded: bool = False

    @property
    def changed(self):
        """The rows that count as changes."""
        return tuple(p for p in self.properties
                     if is_change(p, self.include_recorded))

    @property
    def recorded(self):
        """The ``recorded-by-nova`` rows, whether they count or not."""
        return tuple(p for p in self.properties if p.state == RECORDED)

    @property
    def has_changes(self):
        """A change since the baseline: rebuilt, new, gone, or a row."""
        return self.outcome in _CHANGE_OUTCOMES or bool(self.changed)


def is_change(row, include_recorded=False):
    if row.state == UNCHANGED:
        return False
    return row.state != RECORDED or include_recorded


def compare(before, now, recorded=frozenset(), keys=None):
    """The :class:`PropertyChange` rows of two copies, sorted by name.

    :param before: the baseline's properties (a dict; None is empty).
    :param now: the properties now (a dict; None is empty).
    :param recorded: the names nova-compute records itself.
    :param keys: compare only these names (None: all).
    """
    before = before or {}
    now = now or {}
    rows = []
    for name in sorted(set(before) | set(now)):
        if keys is not None and name not in keys:
            continue
        then_value, value = before.get(name), now.get(name)
        if name in before and name in now:
            state = UNCHANGED if then_value == value else CHANGED
        elif name in now:
            state = RECORDED if name in recorded else ADDED
        else:
            state = REMOVED
        rows.append(PropertyChange(name, then_value, value, state))
    return tuple(rows)


def _since(server_id, name, image_id, properties, before, recorded, keys,
           include_recorded):
    if before is None:
        return ServerSince(server_id, name, NEW, image_id,
                           include_recorded=include_recorded)
    outcome = COMPARED if image_id == before.image_id else REBUILT
    if outcome == COMPARED and properties is None:
        outcome = VOLUME_BOOTED
    return ServerSince(
        server_id, name, outcome, image_id, before.image_id,
        compare(before.properties, properties, recorded, keys),
        include_recorded,
    )


def image_properties_since(conn, server, baseline, include_recorded=False):
    """Compare a server's copy now with its copy in a baseline.

    Example::

        baseline = sdk.read_baseline('before.json')
        since = sdk.image_properties_since(conn, 'web-1', baseline)
        for prop in since.changed:
            print(prop.name, prop.baseline, '->', prop.now, prop.state)

    Costs the compute API's version discovery and one ``GET
    /servers/{id}`` at 2.98 for a server ID (a name costs what
    ``find_server`` costs); no Glance request.

    :param baseline: a :class:`~osc_image_props.sdk.baseline.Baseline`
        (:func:`~osc_image_props.sdk.read_baseline`).
    :returns: a :class:`ServerSince`: ``new`` when the server is not in
        the baseline.
    :raises BaselineFromAnotherCloud: the baseline was taken on another
        compute endpoint, region or project (checked before any server
        request).
    :raises ImagePropertiesUnreachable: the server is in a cell the
        compute API cannot reach.
    """
    baseline_mod.check_cloud(baseline, conn)
    compute = conn.compute
    found = compute_api.find_server(
        conn, server, compute_api.image_properties_microversion(compute))
    properties = found.embedded_image_properties()
    image_id = found.image.id if properties is not None else None
    recorded = dialect_mod.recorded_names(
        compute_api.cloud_max_microversion(compute))
    return _since(found.id, found.name, image_id, properties,
                  baseline.servers.get(found.id), recorded, None,
                  include_recorded)


def _covers(baseline, query, max_servers):
    """Whether a list with these filters shows exactly the baseline's
    servers, so that one side only means new or gone."""
    if baseline.scope == baseline_mod.SERVERS or max_servers is not None:
        return False
    if set(query) - {'all_projects'}:
        return False
    return bool(query.get('all_projects')) == (
        baseline.scope == baseline_mod.ALL_PROJECTS)


def fleet_since(conn, baseline, keys=None, max_servers=None,
                include_recorded=False, **query):
    """Yield a :class:`ServerSince` for every server listed or in the
    baseline.

    Example::

        baseline = sdk.read_baseline('before.json')
        for server in sdk.fleet_since(conn, baseline, all_projects=True):
            if server.has_changes:
                print(server.server_id, server.outcome,
                      [(p.name, p.baseline, p.now) for p in server.changed])

    A server listed and not in the baseline is ``new``, and one in the
    baseline and not listed is ``gone``, when the list is the baseline's
    (the same ``all_projects``, no other filter, no ``max_servers``, a
    baseline of a project or of all projects); otherwise such a server
    is ``outside`` the comparison.

    :param baseline: a :class:`~osc_image_props.sdk.baseline.Baseline`.
    :param keys: compare only these property names (default: all).
    :param max_servers: as for :func:`~osc_image_props.sdk.fleet_drift`.
    :param include_recorded: count ``recorded-by-nova`` rows as changes.
    :param query: as for :func:`~osc_image_props.sdk.fleet_drift`.
    :returns: an iterator over the pages of one ``GET /servers/detail`` at
        2.98 (the requests of :func:`~osc_image_props.sdk.fleet_drift`'s
        list); no Glance request. The servers gone come last.
    :raises BaselineFromAnotherCloud: as :func:`image_properties_since`,
        raised by this call, before iterating.
    """
    baseline_mod.check_cloud(baseline, conn)
    keys = None if keys is None else frozenset(keys)
    version, cloud_max, raws = compute_api.server_stream(
        conn, max_servers, query, views='Comparisons with a baseline')
    recorded = dialect_mod.recorded_names(cloud_max)
    covers = _covers(baseline, query, max_servers)
    return _fleet_stream(baseline, raws, version, recorded, keys,
                         include_recorded, covers)


def _fleet_stream(baseline, raws, version, recorded, keys, include_recorded,
                  covers):
    listed = set()
    for raw in raws:
        server_id = raw['id']
        listed.add(server_id)
        before = baseline.servers.get(server_id)
        try:
            properties = compute_api.properties_from_body(
                server_id, raw, version)
        except exceptions.ImagePropertiesUnreachable:
            yield ServerSince(server_id, raw.get('name'), UNREACHABLE,
                              baseline_image_id=getattr(
                                  before, 'image_id', None))
            continue
        image_id = raw['image']['id'] if properties is not None else None
        if before is None and not covers:
            yield ServerSince(server_id, raw.get('name'), OUTSIDE, image_id)
            continue
        yield _since(server_id, raw.get('name'), image_id, properties,
                     before, recorded, keys, include_recorded)
    for server_id, before in baseline.servers.items():
        if server_id not in listed:
            yield ServerSince(
                server_id, before.name, GONE if covers else OUTSIDE,
                before.image_id, before.image_id,
                include_recorded=include_recorded)
