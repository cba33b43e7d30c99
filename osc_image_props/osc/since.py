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

"""``--since FILE`` of ``diff`` and ``drift``: the copy now against a
baseline (``server image properties baseline``), not against Glance."""

import sys

from osc_image_props import sdk
from osc_image_props.osc import calls
from osc_image_props.osc import errors
from osc_image_props.osc import notes
from osc_image_props.osc import output
from osc_image_props.sdk import since as since_mod

DIFF_COLUMNS = ('Property', 'Baseline', 'Now', 'State')
DRIFT_COLUMNS = (
    'Server ID', 'Name', 'Image', 'Property', 'Baseline', 'Now', 'State',
)

#: ``--since`` value that means standard input.
STDIN = '-'


def add_since(parser, what):
    """Add ``--since FILE`` to a drift command's parser."""
    parser.add_argument(
        '--since',
        metavar='<file>',
        help=(
            'Compare %s with a baseline file ("server image properties '
            'baseline"; "-" for standard input) instead of the image in '
            'Glance: states added, removed, changed, unchanged (with '
            '--all), recorded-by-nova; and for a server rebuilt, new or '
            'gone since, that' % what
        ),
    )


def read(parsed_args):
    """The baseline of ``--since``, read and checked before any request."""
    with errors.command_errors():
        if parsed_args.since == STDIN:
            return sdk.read_baseline(sys.stdin.buffer)
        return sdk.read_baseline(parsed_args.since)


def _row(prop):
    return (
        output.SafeText(prop.name),
        output.SafeText(prop.baseline),
        output.SafeText(prop.now),
        prop.state,
    )


def diff(command, conn, parsed_args):
    """The columns and rows of ``diff <server> --since FILE``; sets the
    command's ``_has_drift``."""
    baseline = read(parsed_args)
    with calls.cloud_calls(conn, parsed_args.server):
        since = sdk.image_properties_since(
            conn, parsed_args.server, baseline,
            include_recorded=parsed_args.include_recorded,
        )
    command._has_drift = since.has_changes
    if since.outcome == since_mod.NEW:
        errors.note(command.app, (
            'Server %s is not in the baseline taken at %s: it is new since, '
            'so there is nothing to compare.'
        ) % (since.server_id, baseline.taken_at))
    elif since.outcome == since_mod.REBUILT:
        errors.note(command.app, (
            'Server %s was rebuilt since the baseline (image %s, then %s): '
            'Nova took its copy again; the rows compare it with the copy '
            'before.'
        ) % (since.server_id, since.image_id, since.baseline_image_id))
    elif since.outcome == since_mod.VOLUME_BOOTED:
        calls.note_volume_booted(command.app, since.server_id)
    rows = since.properties if parsed_args.all else since.changed
    return DIFF_COLUMNS, [_row(p) for p in rows]


class DriftSince:
    """What ``drift --since FILE`` lists and counts."""

    def __init__(self, command):
        self.command = command
        self.unreachable = 0
        self.outside = 0
        self.volume_booted = 0

    def rows(self, conn, servers):
        # A generator, as drift's own rows.
        with calls.cloud_calls(conn):
            for server in servers:
                if server.outcome == since_mod.UNREACHABLE:
                    self.unreachable += 1
                    self.command._not_compared = True
                    continue
                if server.outcome == since_mod.OUTSIDE:
                    self.outside += 1
                    continue
                if server.outcome == since_mod.VOLUME_BOOTED:
                    self.volume_booted += 1
                if server.has_changes:
                    self.command._has_drift = True
                yield from self._server_rows(server)

    def _server_rows(self, server):
        common = (
            output.SafeText(server.server_id),
            output.SafeText(server.name),
            output.SafeText(server.image_id),
        )
        if server.outcome in (since_mod.NEW, since_mod.GONE,
                              since_mod.REBUILT):
            yield common + (
                output.SafeText(None),
                output.SafeText(server.baseline_image_id
                                if server.outcome == since_mod.REBUILT
                                else None),
                output.SafeText(server.image_id
                                if server.outcome == since_mod.REBUILT
                                else None),
                server.outcome,
            )
        rows = list(server.changed) + [
            p for p in server.recorded if p not in server.changed
        ]
        for prop in sorted(rows, key=lambda p: p.name):
            yield common + _row(prop)

    def notes(self):
        app = self.command.app
        notes.volume_booted(app, self.volume_booted, 'compare')
        notes.unreachable(app, self.unreachable, 'not compared.')
        notes.count(
            app, self.outside,
            '%d server is on one side only of a filtered list or of a '
            'baseline of named servers: whether it is new or gone cannot '
            'be told; not compared.',
            '%d servers are on one side only of a filtered list or of a '
            'baseline of named servers: whether they are new or gone '
            'cannot be told; not compared.')


def drift(command, parsed_args, query_servers):
    """The columns and rows of ``drift --since FILE``.

    :param query_servers: ``(conn, view(conn, baseline, ...))`` with the
        parsed filters (:func:`commands.fleet_view`).
    """
    baseline = read(parsed_args)
    conn, servers = query_servers(sdk.fleet_since, baseline)
    command._since = DriftSince(command)
    return DRIFT_COLUMNS, command._since.rows(conn, servers)
