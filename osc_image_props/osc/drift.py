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

"""``openstack server image properties drift``: every server at once."""

import collections

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import calls
from osc_image_props.osc import commands
from osc_image_props.osc import diff
from osc_image_props.osc import errors
from osc_image_props.osc import fleet_query
from osc_image_props.osc import notes
from osc_image_props.osc import output
from osc_image_props.osc import since
from osc_image_props.sdk import fleet

COLUMNS = (
    'Server ID', 'Name', 'Image', 'Property', 'Embedded', 'Glance', 'State',
)


class DriftServerImageProperties(commands.Bounded, diff.DriftExitCode,
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
        fleet_query.add_arguments(parser)
        diff.add_exit_code(parser)
        diff.add_include_recorded(parser, ' for --exit-code')
        since.add_since(parser, 'the copies')
        return parser

    def take_action(self, parsed_args):
        if parsed_args.since is not None:
            return since.drift(self, parsed_args, lambda view, *args: (
                commands.fleet_view(
                    self, parsed_args, view, *args,
                    keys=fleet_query.keys(parsed_args),
                    include_recorded=parsed_args.include_recorded)))
        # The first page is asked for while the output is written; a
        # cloud that is too old fails here, before any output.
        conn, servers = commands.fleet_view(
            self, parsed_args, sdk.fleet_drift, fleet_query.keys(parsed_args),
            include_recorded=parsed_args.include_recorded,
        )
        return COLUMNS, self._rows(conn, servers)

    def _rows(self, conn, servers):
        # A generator: cliff's formatter pulls rows page by page, and the
        # errors of later pages still end as one line.
        with calls.cloud_calls(conn):
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
                        output.SafeText(server.server_id),
                        output.SafeText(server.name),
                        output.SafeText(server.image_id),
                        output.SafeText(prop.name),
                        output.SafeText(prop.embedded),
                        output.SafeText(prop.glance),
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
        notes.count(
            self.app, self._only_recorded,
            '%d server differs from its image only by properties that '
            'nova-compute recorded itself (recorded-by-nova): not drift.',
            '%d servers differ from their image only by properties that '
            'nova-compute recorded itself (recorded-by-nova): not drift.')
        notes.volume_booted(
            self.app, self._outcomes[fleet.VOLUME_BOOTED], 'compare')
        notes.unreachable(
            self.app, self._outcomes[fleet.UNREACHABLE], 'not compared.')
        missing = self._outcomes[fleet.IMAGE_MISSING]
        if missing:
            errors.note(self.app, '%s booted from %s: not compared.' % (
                notes.plural(missing, '%d server was', '%d servers were'),
                notes.plural(
                    len(self._missing_images),
                    '%d image that is deleted or not visible to you',
                    '%d images that are deleted or not visible to you'),
            ))
        return super().after_output(parsed_args)
