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

"""A baseline: the copies of image properties Nova kept, at one moment.

Nova keeps no record of a change to a server's copy (``nova-manage
image_property set`` makes no instance action and sends no notification),
so the only exact answer to "what changed since" is a comparison with the
copy as it was. A baseline is that copy, written to a JSON file::

    {
      "format": "osc-image-props-baseline",
      "version": 1,
      "taken_at": "2026-12-06T11:00:00Z",
      "cloud": {"compute_endpoint": "https://nova.example.com/v2.1",
                "region": "RegionOne",
                "project_id": "a1b2..."},
      "scope": "project",
      "servers": [
        {"id": "...", "name": "web-1", "image_id": "...",
         "properties": {"hw_machine_type": "q35", ...}},
        {"id": "...", "name": "db-1", "image_id": null, "properties": null}
      ]
    }

``scope`` is ``servers`` (the servers named), ``project`` (every server of
the project) or ``all-projects``. ``image_id`` and ``properties`` are null
for a server booted from a volume. Property values are strings or null
(Nova 2025.1 keeps nulls).

The cloud is the compute endpoint, the region and the project the
connection is scoped to: a baseline is compared only on a connection with
the same three, since server IDs alone do not tell one cloud's copy from
another's.

A baseline file is untrusted input, like any response: :func:`read`
checks it whole and raises :class:`BaselineError` with one line for
anything else.
"""

import dataclasses
import datetime
import json
import os
import tempfile
import urllib.parse

from osc_image_props import escaping
from osc_image_props.sdk import compute_api
from osc_image_props.sdk import exceptions

#: The ``format`` member of every baseline file.
FORMAT = 'osc-image-props-baseline'
#: The ``version`` this client writes and reads.
VERSION = 1
#: The largest file read, in bytes: far above a fleet of 100,000 servers
#: of the properties Nova copies, far below what would exhaust memory.
MAX_BYTES = 256 * 1024 * 1024

#: ``scope`` values.
SERVERS = 'servers'
PROJECT = 'project'
ALL_PROJECTS = 'all-projects'
SCOPES = (SERVERS, PROJECT, ALL_PROJECTS)


class BaselineError(exceptions.ImagePropertiesError):
    """A baseline file cannot be read, or is not a baseline."""


class BaselineFromAnotherCloud(BaselineError):
    """A baseline taken on another cloud, region or project."""


@dataclasses.dataclass(frozen=True)
class Cloud:
    """What identifies the cloud a baseline was taken on."""

    compute_endpoint: str
    region: object
    project_id: object


@dataclasses.dataclass(frozen=True)
class BaselineServer:
    """One server of a baseline."""

    id: str
    name: object
    #: None for a server booted from a volume.
    image_id: object
    #: Name to value (a string or None); None for a server booted from a
    #: volume.
    properties: object


@dataclasses.dataclass(frozen=True)
class Baseline:
    """A baseline: when, where, what was asked for, and the servers."""

    taken_at: str
    cloud: Cloud
    scope: str
    #: :class:`BaselineServer` by server ID.
    servers: dict

    def to_json(self):
        """The file's text (ASCII: any character is escaped)."""
        return json.dumps({
            'format': FORMAT,
            'version': VERSION,
            'taken_at': self.taken_at,
            'cloud': dataclasses.asdict(self.cloud),
            'scope': self.scope,
            'servers': [
                dataclasses.asdict(s) for s in self.servers.values()
            ],
        }, indent=1, sort_keys=True) + '\n'


def normalized_endpoint(url):
    """The compute endpoint as compared: scheme and host in lower case,
    no trailing slash, no query."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((
        parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip('/'),
        '', '',
    ))


def cloud_of(conn):
    """The :class:`Cloud` of a connection (no request but the token's)."""
    compute = conn.compute
    return Cloud(
        compute_endpoint=normalized_endpoint(compute.get_endpoint()),
        region=conn.config.get_region_name('compute') or None,
        project_id=conn.current_project_id,
    )


def check_cloud(baseline, conn):
    """Raise :class:`BaselineFromAnotherCloud` unless ``conn`` is on the
    baseline's cloud, region and project."""
    now = cloud_of(conn)
    for field, what in (('compute_endpoint', 'compute endpoint'),
                        ('region', 'region'), ('project_id', 'project')):
        then, here = getattr(baseline.cloud, field), getattr(now, field)
        if then != here:
            raise BaselineFromAnotherCloud(
                'The baseline was taken on another cloud: its %s is %s, '
                "this connection's is %s."
                % (what, escaping.printable(then, 100),
                   escaping.printable(here, 100))
            )


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%SZ')


def _entry(raw_id, name, properties, image_id):
    return BaselineServer(raw_id, name, image_id, properties)


def take(conn, servers=None, all_projects=False):
    """Take a baseline of the servers named, or of every server listed.

    Example::

        baseline = sdk.take_baseline(conn, all_projects=True)
        with open('before.json', 'w') as f:
            f.write(baseline.to_json())

    :param conn: an :class:`openstack.connection.Connection`.
    :param servers: server IDs or names: one ``GET /servers/{id}`` at 2.98
        each (a name costs what ``find_server`` costs). None: every
        server, from the pages of one ``GET /servers/detail`` at 2.98, the
        requests of :func:`~osc_image_props.sdk.fleet_drift`'s list.
    :param all_projects: list the servers of every project (admins).
    :returns: a :class:`Baseline`.
    :raises ImagePropertiesUnreachable: a server is in a cell the compute
        API cannot reach: its copy is unknown, so no baseline is taken.
    """
    taken_at = _now()
    cloud = cloud_of(conn)
    found = {}
    if servers:
        version = compute_api.REQUIRED
        for name in servers:
            server = compute_api.find_server(conn, name, version)
            properties = server.embedded_image_properties()
            image_id = server.image.id if properties is not None else None
            found[server.id] = _entry(
                server.id, server.name, properties, image_id)
        scope = SERVERS
    else:
        query = {'all_projects': True} if all_projects else {}
        version, _, raws = compute_api.server_stream(
            conn, None, query, views='Baselines')
        for raw in raws:
            properties = compute_api.properties_from_body(
                raw['id'], raw, version)
            image_id = raw['image']['id'] if properties is not None else None
            found[raw['id']] = _entry(
                raw['id'], raw.get('name'), properties, image_id)
        scope = ALL_PROJECTS if all_projects else PROJECT
    return Baseline(taken_at, cloud, scope, found)


def write(baseline, path):
    """Write a baseline to ``path`` whole or not at all (a temporary file
    in the same directory, renamed)."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(
            dir=directory, prefix='.baseline-', suffix='.json')
        try:
            with os.fdopen(fd, 'w', encoding='ascii') as f:
                f.write(baseline.to_json())
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise BaselineError(
            'Cannot write the baseline to %s: %s.'
            % (escaping.printable(path), escaping.printable(exc.strerror))
        ) from exc


# -- reading: the file is untrusted -----------------------------------------

def _fail(source, why):
    raise BaselineError(
        '%s is not a baseline this client can read: %s'
        % (escaping.printable(source, 100), why)
    )


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError('a member is given twice')
    return dict(pairs)


def _no_constant(name):
    raise ValueError('%s is not JSON' % name)


def _decode(data, source):
    if len(data) > MAX_BYTES:
        _fail(source, 'it is larger than %d MiB.' % (MAX_BYTES // 2 ** 20))
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        _fail(source, 'it is not UTF-8 (byte %d).' % exc.start)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        _fail(source, 'it is not JSON, or is cut short (line %d, column '
              '%d: %s).' % (exc.lineno, exc.colno, exc.msg))
    except ValueError as exc:
        _fail(source, 'it is not JSON (%s).' % exc)
    except RecursionError:
        _fail(source, 'it is nested too deeply.')


def _string(value, where, source, nullable=False, empty=False):
    if value is None and nullable:
        return None
    if not isinstance(value, str) or (not value and not empty):
        _fail(source, '%s must be a%s string%s.' % (
            where, '' if empty else ' non-empty',
            ' or null' if nullable else ''))
    return value


def _member(body, name, where, source):
    if name not in body:
        _fail(source, '%s has no "%s" member.' % (where, name))
    return body[name]


def _properties(value, where, source):
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        v is None or isinstance(v, str) for v in value.values()
    ):
        _fail(source, '%s "properties" must be an object of strings or '
              'nulls, or null.' % where)
    return dict(value)


def _server(entry, index, source):
    where = 'server %d' % index
    if not isinstance(entry, dict):
        _fail(source, '%s is not an object.' % where)
    server_id = _string(_member(entry, 'id', where, source),
                        '%s "id"' % where, source)
    name = _string(_member(entry, 'name', where, source),
                   '%s "name"' % where, source, nullable=True, empty=True)
    image_id = _string(_member(entry, 'image_id', where, source),
                       '%s "image_id"' % where, source, nullable=True)
    properties = _properties(_member(entry, 'properties', where, source),
                             where, source)
    if (image_id is None) != (properties is None):
        _fail(source, '%s has "image_id" and "properties" null for a '
              'server booted from a volume, or neither.' % where)
    return BaselineServer(server_id, name, image_id, properties)


def _taken_at(value, source):
    text = _string(value, '"taken_at"', source)
    try:
        datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        _fail(source, '"taken_at" is not an ISO 8601 time.')
    return text


def parse(data, source='the baseline'):
    """The :class:`Baseline` of a file's bytes.

    :param source: how the file is named in errors.
    :raises BaselineError: anything but a baseline of :data:`VERSION`.
    """
    body = _decode(data, source)
    if not isinstance(body, dict):
        _fail(source, 'it is not a JSON object.')
    if body.get('format') != FORMAT:
        _fail(source, '"format" is not "%s".' % FORMAT)
    version = body.get('version')
    if version != VERSION or isinstance(version, bool):
        _fail(source, 'its version is %s; this client reads version %d.'
              % (escaping.printable(json.dumps(version), 40), VERSION))
    taken_at = _taken_at(_member(body, 'taken_at', 'it', source), source)
    cloud = _member(body, 'cloud', 'it', source)
    if not isinstance(cloud, dict):
        _fail(source, '"cloud" is not an object.')
    cloud = Cloud(
        _string(_member(cloud, 'compute_endpoint', '"cloud"', source),
                '"cloud" "compute_endpoint"', source),
        _string(_member(cloud, 'region', '"cloud"', source),
                '"cloud" "region"', source, nullable=True),
        _string(_member(cloud, 'project_id', '"cloud"', source),
                '"cloud" "project_id"', source, nullable=True),
    )
    scope = _member(body, 'scope', 'it', source)
    if scope not in SCOPES:
        _fail(source, '"scope" is not one of %s.' % ', '.join(SCOPES))
    entries = _member(body, 'servers', 'it', source)
    if not isinstance(entries, list):
        _fail(source, '"servers" is not a list.')
    servers = {}
    for index, entry in enumerate(entries):
        server = _server(entry, index, source)
        if server.id in servers:
            _fail(source, 'server %s is listed twice.'
                  % escaping.printable(server.id, 60))
        servers[server.id] = server
    return Baseline(taken_at, cloud, scope, servers)


def read(path_or_file):
    """Read and check a baseline file.

    Example::

        baseline = sdk.read_baseline('before.json')

    :param path_or_file: a path, or a binary file object (``-`` for the
        CLI's standard input is the caller's).
    :raises BaselineError: the file cannot be read, is larger than
        :data:`MAX_BYTES`, or is not a baseline of :data:`VERSION` (one
        line, its untrusted text escaped).
    """
    if isinstance(path_or_file, (str, os.PathLike)):
        source = os.fspath(path_or_file)
        try:
            with open(source, 'rb') as f:
                data = f.read(MAX_BYTES + 1)
        except OSError as exc:
            raise BaselineError(
                'Cannot read the baseline %s: %s.'
                % (escaping.printable(source, 100),
                   escaping.printable(exc.strerror or exc))
            ) from exc
    else:
        source = getattr(path_or_file, 'name', 'the baseline')
        data = path_or_file.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode('utf-8', 'surrogatepass')
    return parse(data, str(source))

