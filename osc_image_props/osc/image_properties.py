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

"""``openstack server image properties show|diff|drift|summary|baseline``.

``diff`` and ``drift`` compare the copy Nova keeps with the image in
Glance, or, with ``--since FILE``, with a baseline taken earlier by
``baseline``.
"""

import collections
import sys

from osc_lib import exceptions as osc_exceptions
from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import plumbing
from osc_image_props.sdk import compute_api
from osc_image_props.sdk import drift as drift_mod
from osc_image_props.sdk import fleet
from osc_image_props.sdk import since as since_mod


class ShowServerImageProperties(plumbing.Bounded, command.ShowOne):
    """Show the image properties Nova keeps for a server.

    Nova copies the properties of a server's boot image when it creates or
    rebuilds the server, and uses that copy for the rest of the server's
    life, even after the image changes or is deleted in Glance. This shows
    that copy (compute API microversion 2.98 or later), one row per property.
    A server booted from a volume has none.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        plumbing.add_server_argument(parser, 'show')
        plumbing.add_property_option(
            parser,
            'Show only this property (repeat option to show several); '
            'a property the server does not have is left out',
        )
        return parser

    def take_action(self, parsed_args):
        conn = plumbing.connection(self, parsed_args)
        with plumbing.cloud_calls(conn, parsed_args.server):
            # Only the properties are shown: exactly 2.98, which every
            # cloud with the field accepts, so no refusal costs a request.
            raw, version = compute_api.read_server(
                conn, parsed_args.server, compute_api.REQUIRED
            )
            properties = compute_api.properties_from_body(
                raw.get('id'), raw, version)

        if properties is None:
            plumbing.note_volume_booted(self.app, raw.get('id'))
            return (), ()

        if parsed_args.properties:
            wanted = set(parsed_args.properties)
            properties = {
                k: v for k, v in properties.items() if k in wanted
            }
        names = sorted(properties)
        return names, [plumbing.SafeText(properties[n]) for n in names]


DIFF_COLUMNS = ('Property', 'Embedded', 'Glance', 'State')


def add_exit_code(parser):
    """Add ``--exit-code`` to a drift command's parser."""
    parser.add_argument(
        '--exit-code',
        action='store_true',
        help=('Tell drift by the exit status. ' + plumbing.help_text()
              + ' Without --exit-code: 0 unless there is an error'),
    )


def add_include_recorded(parser, what):
    """Add ``--include-recorded`` to a drift command's parser."""
    parser.add_argument(
        '--include-recorded',
        action='store_true',
        help=(
            'Count the properties in state %s (absent from the image, '
            'recorded in the server by nova-compute itself) as drift%s'
            % (drift_mod.RECORDED, what)
        ),
    )


class DriftExitCode(plumbing.AfterOutput):
    """``--exit-code``: the status (:func:`plumbing.status`) once a
    command that set ``self._has_drift`` and ``self._not_compared``
    succeeded."""

    def before_run(self):
        super().before_run()
        self._has_drift = False
        self._not_compared = False

    def after_output(self, parsed_args):
        status = super().after_output(parsed_args)
        if parsed_args.exit_code and status == 0:
            return plumbing.status(self._has_drift, self._not_compared)
        return status


class DiffServerImageProperties(plumbing.Bounded, DriftExitCode,
                                command.Lister):
    """Compare a server's image properties with its image in Glance now.

    Nova keeps the image properties it copied when it booted or rebuilt the
    server. This compares that copy (compute API microversion 2.98) with the
    current properties of the image in Glance, for the names this cloud's
    Nova copies from an image (every property on Nova 2025.1, the standard
    names on the other releases), so that an unchanged image never shows
    drift. States: changed, only-embedded, only-glance, and, with --all,
    unchanged and recorded-by-nova: a property the image does not have and
    that nova-compute records in the server itself when the image has none
    (the libvirt driver does so for the machine type and the default
    buses and models), which is not drift unless --include-recorded is
    given. If the image was deleted or is not visible, the server is not
    compared: a note on stderr, no drift, and --all lists every embedded
    property as not-compared (the rule of "server image properties
    drift"); --exit-code then exits 4, not 0.

    With --since FILE the copy is compared with the server's copy in a
    baseline ("server image properties baseline") instead: no Glance
    request, and what an operator changed since shows exactly, whatever
    happened to the image.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        plumbing.add_server_argument(parser, 'compare')
        parser.add_argument(
            '--all',
            action='store_true',
            help='Also list the properties that did not change',
        )
        add_exit_code(parser)
        add_include_recorded(parser, ': listed without --all, and counted '
                             'by --exit-code')
        add_since(parser, "the server's copy")
        return parser

    def take_action(self, parsed_args):
        conn = plumbing.connection(self, parsed_args)
        if parsed_args.since is not None:
            return diff(self, conn, parsed_args)
        with plumbing.cloud_calls(conn, parsed_args.server):
            drift = sdk.image_properties_drift(
                conn, parsed_args.server,
                include_recorded=parsed_args.include_recorded,
            )
        self._has_drift = drift.has_drift

        if drift.outcome == drift_mod.VOLUME_BOOTED:
            plumbing.note_volume_booted(self.app, drift.server.id)
        elif drift.outcome == drift_mod.IMAGE_MISSING:
            self._not_compared = True
            plumbing.note(
                self.app,
                'Image %s of server %s is deleted or not visible to you: '
                'not compared.' % (drift.image_id, drift.server.id)
            )

        rows = drift.properties if parsed_args.all else drift.drifted
        return DIFF_COLUMNS, [
            (
                plumbing.SafeText(p.name),
                plumbing.SafeText(p.embedded),
                plumbing.SafeText(p.glance),
                p.state,
            )
            for p in rows
        ]


DRIFT_COLUMNS = (
    'Server ID', 'Name', 'Image', 'Property', 'Embedded', 'Glance', 'State',
)


class DriftServerImageProperties(plumbing.Bounded, DriftExitCode,
                                 command.Lister):
    """List the servers whose image properties differ from their image now.

    One row per server and property that differs between the copy Nova
    keeps (compute API microversion 2.98) and the image in Glance now, with
    the states and rules of "server image properties diff". Rows in state
    recorded-by-nova (the image has no such property; nova-compute recorded
    it in the server itself) are listed but are not drift: --exit-code
    ignores them unless --include-recorded is given. Pages through
    the servers once and asks Glance once per batch of distinct images.
    Servers booted from a volume, servers in a cell the compute API cannot
    reach and servers whose image is deleted or not visible are not
    compared: each kind is counted in one line on stderr, and --exit-code
    exits 4 for the last two when no server has drifted.

    With --since FILE the copies are compared with a baseline ("server
    image properties baseline") instead: one row per property added,
    removed or changed since, and one per server rebuilt, new or gone
    since (state rebuilt, new, gone); no Glance request.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        plumbing.add_arguments(parser)
        add_exit_code(parser)
        add_include_recorded(parser, ' for --exit-code')
        add_since(parser, 'the copies')
        return parser

    def take_action(self, parsed_args):
        if parsed_args.since is not None:
            return drift(self, parsed_args, lambda view, *args: (
                plumbing.fleet_view(
                    self, parsed_args, view, *args,
                    keys=plumbing.keys(parsed_args),
                    include_recorded=parsed_args.include_recorded)))
        # The first page is asked for while the output is written; a
        # cloud that is too old fails here, before any output.
        conn, servers = plumbing.fleet_view(
            self, parsed_args, sdk.fleet_drift, plumbing.keys(parsed_args),
            include_recorded=parsed_args.include_recorded,
        )
        return DRIFT_COLUMNS, self._rows(conn, servers)

    def _rows(self, conn, servers):
        # A generator: cliff's formatter pulls rows page by page, and the
        # errors of later pages still end as one line.
        with plumbing.cloud_calls(conn):
            for server in servers:
                self._outcomes[server.outcome] += 1
                if server.outcome in (fleet.IMAGE_MISSING, fleet.UNREACHABLE):
                    self._not_compared = True
                if server.outcome == fleet.IMAGE_MISSING:
                    self._missing_images.add(server.image_id)
                if server.has_drift:
                    self._has_drift = True
                elif server.recorded:
                    self._only_recorded += 1
                # Values are untrusted (any JSON): compared, never hashed.
                rows = list(server.drifted) + [
                    p for p in server.recorded if p not in server.drifted
                ]
                for prop in sorted(rows, key=lambda p: p.name):
                    yield (
                        plumbing.SafeText(server.server_id),
                        plumbing.SafeText(server.name),
                        plumbing.SafeText(server.image_id),
                        plumbing.SafeText(prop.name),
                        plumbing.SafeText(prop.embedded),
                        plumbing.SafeText(prop.glance),
                        prop.state,
                    )

    def before_run(self):
        super().before_run()
        self._only_recorded = 0
        self._outcomes = collections.Counter()
        self._missing_images = set()
        self._since = None

    def after_output(self, parsed_args):
        if self._since is not None:
            self._since.notes()
            return super().after_output(parsed_args)
        plumbing.count(
            self.app, self._only_recorded,
            '%d server differs from its image only by properties that '
            'nova-compute recorded itself (recorded-by-nova): not drift.',
            '%d servers differ from their image only by properties that '
            'nova-compute recorded itself (recorded-by-nova): not drift.')
        plumbing.volume_booted(
            self.app, self._outcomes[fleet.VOLUME_BOOTED], 'compare')
        plumbing.unreachable(
            self.app, self._outcomes[fleet.UNREACHABLE], 'not compared.')
        missing = self._outcomes[fleet.IMAGE_MISSING]
        if missing:
            plumbing.note(self.app, '%s booted from %s: not compared.' % (
                plumbing.plural(missing, '%d server was', '%d servers were'),
                plumbing.plural(
                    len(self._missing_images),
                    '%d image that is deleted or not visible to you',
                    '%d images that are deleted or not visible to you'),
            ))
        return super().after_output(parsed_args)


SUMMARY_COLUMNS = ('Property', 'Value', 'Servers')
PROJECTS_COLUMN = 'Projects'


class SummarizeServerImageProperties(plumbing.Bounded, command.Lister):
    """Count the servers that have each value of each image property.

    Reads the image properties Nova keeps for each server (compute API
    microversion 2.98) from one paged server list, and shows how many
    servers have each value, sorted by property and value (a null value
    last). With --all-projects, also in how many projects. Servers booted
    from a volume and servers in a cell the compute API cannot reach are
    counted in one line each on stderr.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        plumbing.add_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        _, summary = plumbing.fleet_view(
            self, parsed_args, sdk.summarize, plumbing.keys(parsed_args)
        )
        plumbing.volume_booted(self.app, summary.volume_booted, 'count')
        plumbing.unreachable(self.app, summary.unreachable, 'not counted.')
        with_projects = parsed_args.all_projects
        columns = SUMMARY_COLUMNS + (
            (PROJECTS_COLUMN,) if with_projects else ())
        rows = []
        for count in summary.counts:
            row = (
                plumbing.SafeText(count.name),
                plumbing.SafeText(count.value),
                count.servers,
            )
            rows.append(row + ((count.projects,) if with_projects else ()))
        return columns, rows


#: ``--output`` value that means standard output.
STDOUT = '-'


class BaselineServerImageProperties(plumbing.Bounded, command.Command):
    """Write the image properties Nova keeps for servers to a baseline file.

    A baseline is the copy of image properties that Nova keeps for each
    server (compute API microversion 2.98), with the image ID and name of
    each server, when it was taken (UTC) and on which cloud (compute
    endpoint, region and project), as a JSON file of a documented, versioned
    format. Later, "server image properties diff --since FILE" and "drift
    --since FILE" show exactly what changed in the copies since: a property
    an operator set with nova-manage image_property set, whatever happened
    to the image in Glance. Without a server, every server of the project
    (or, with --all-projects, of the cloud) is taken from one paged server
    list; no Glance request is made.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'servers',
            metavar='<server>',
            nargs='*',
            help='Server to take (name or ID; repeat for several); '
                 'default: every server listed',
        )
        parser.add_argument(
            '--all-projects',
            action='store_true',
            help='Take the servers of all projects (admin only by default)',
        )
        parser.add_argument(
            '--output',
            metavar='<file>',
            required=True,
            help='Write the baseline to this file (replaced whole, or left '
                 'as it was on an error), or to standard output with "-"',
        )
        return parser

    def take_action(self, parsed_args):
        if parsed_args.servers and parsed_args.all_projects:
            raise osc_exceptions.CommandError(
                '--all-projects takes every server: give no server with it.')
        conn = self.app.client_manager.sdk_connection
        if parsed_args.servers:
            taken = None
            for name in parsed_args.servers:
                with plumbing.cloud_calls(conn, name):
                    one = sdk.take_baseline(conn, [name])
                if taken is None:
                    taken = one
                else:
                    taken.servers.update(one.servers)
        else:
            with plumbing.cloud_calls(conn):
                taken = sdk.take_baseline(
                    conn, all_projects=parsed_args.all_projects)
        with plumbing.cloud_calls(conn):
            if parsed_args.output == STDOUT:
                self.app.stdout.write(taken.to_json())
                where = 'standard output'
            else:
                sdk.write_baseline(taken, parsed_args.output)
                where = parsed_args.output
        plumbing.note(
            self.app, 'Baseline of %s (%s) taken at %s written to %s.'
            % (plumbing.plural(len(taken.servers), '%d server', '%d servers'),
               taken.scope, taken.taken_at, where))


SINCE_DIFF_COLUMNS = ('Property', 'Baseline', 'Now', 'State')
SINCE_DRIFT_COLUMNS = (
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
    with plumbing.command_errors():
        if parsed_args.since == STDIN:
            return sdk.read_baseline(sys.stdin.buffer)
        return sdk.read_baseline(parsed_args.since)


def _row(prop):
    return (
        plumbing.SafeText(prop.name),
        plumbing.SafeText(prop.baseline),
        plumbing.SafeText(prop.now),
        prop.state,
    )


def diff(command, conn, parsed_args):
    """The columns and rows of ``diff <server> --since FILE``; sets the
    command's ``_has_drift``."""
    baseline = read(parsed_args)
    with plumbing.cloud_calls(conn, parsed_args.server):
        since = sdk.image_properties_since(
            conn, parsed_args.server, baseline,
            include_recorded=parsed_args.include_recorded,
        )
    command._has_drift = since.has_changes
    if since.outcome == since_mod.NEW:
        plumbing.note(command.app, (
            'Server %s is not in the baseline taken at %s: it is new since, '
            'so there is nothing to compare.'
        ) % (since.server_id, baseline.taken_at))
    elif since.outcome == since_mod.REBUILT:
        plumbing.note(command.app, (
            'Server %s was rebuilt since the baseline (image %s, then %s): '
            'Nova took its copy again; the rows compare it with the copy '
            'before.'
        ) % (since.server_id, since.image_id, since.baseline_image_id))
    elif since.outcome == since_mod.VOLUME_BOOTED:
        plumbing.note_volume_booted(command.app, since.server_id)
    rows = since.properties if parsed_args.all else since.changed
    return SINCE_DIFF_COLUMNS, [_row(p) for p in rows]


class DriftSince:
    """What ``drift --since FILE`` lists and counts."""

    def __init__(self, command):
        self.command = command
        self.unreachable = 0
        self.outside = 0
        self.volume_booted = 0

    def rows(self, conn, servers):
        # A generator, as drift's own rows.
        with plumbing.cloud_calls(conn):
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
            plumbing.SafeText(server.server_id),
            plumbing.SafeText(server.name),
            plumbing.SafeText(server.image_id),
        )
        if server.outcome in (since_mod.NEW, since_mod.GONE,
                              since_mod.REBUILT):
            yield common + (
                plumbing.SafeText(None),
                plumbing.SafeText(server.baseline_image_id
                                if server.outcome == since_mod.REBUILT
                                else None),
                plumbing.SafeText(server.image_id
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
        plumbing.volume_booted(app, self.volume_booted, 'compare')
        plumbing.unreachable(app, self.unreachable, 'not compared.')
        plumbing.count(
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
        parsed filters (:func:`plumbing.fleet_view`).
    """
    baseline = read(parsed_args)
    conn, servers = query_servers(sdk.fleet_since, baseline)
    command._since = DriftSince(command)
    return SINCE_DRIFT_COLUMNS, command._since.rows(conn, servers)
