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

"""``openstack server image properties diff``."""

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import calls
from osc_image_props.osc import commands
from osc_image_props.osc import errors
from osc_image_props.osc import exit_codes
from osc_image_props.osc import output
from osc_image_props.osc import since
from osc_image_props.sdk import drift as drift_mod

COLUMNS = ('Property', 'Embedded', 'Glance', 'State')


def add_exit_code(parser):
    """Add ``--exit-code`` to a drift command's parser."""
    parser.add_argument(
        '--exit-code',
        action='store_true',
        help=('Tell drift by the exit status. ' + exit_codes.help_text()
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


class DriftExitCode(commands.AfterOutput):
    """``--exit-code``: the status of :mod:`exit_codes` once a command
    that set ``self._has_drift`` and ``self._not_compared`` succeeded."""

    def before_run(self):
        super().before_run()
        self._has_drift = False
        self._not_compared = False

    def after_output(self, parsed_args):
        status = super().after_output(parsed_args)
        if parsed_args.exit_code and status == 0:
            return exit_codes.status(self._has_drift, self._not_compared)
        return status


class DiffServerImageProperties(commands.Bounded, DriftExitCode,
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
        commands.add_server_argument(parser, 'compare')
        parser.add_argument(
            '--all',
            action='store_true',
            help='Also list the properties that did not change',
        )
        add_exit_code(parser)
        add_include_recorded(parser, ': listed without --all, and counted '
                             'by --exit-code')
        since.add_since(parser, "the server's copy")
        return parser

    def take_action(self, parsed_args):
        conn = commands.connection(self, parsed_args)
        if parsed_args.since is not None:
            return since.diff(self, conn, parsed_args)
        with calls.cloud_calls(conn, parsed_args.server):
            drift = sdk.image_properties_drift(
                conn, parsed_args.server,
                include_recorded=parsed_args.include_recorded,
            )
        self._has_drift = drift.has_drift

        if drift.outcome == drift_mod.VOLUME_BOOTED:
            calls.note_volume_booted(self.app, drift.server.id)
        elif drift.outcome == drift_mod.IMAGE_MISSING:
            self._not_compared = True
            errors.note(
                self.app,
                'Image %s of server %s is deleted or not visible to you: '
                'not compared.' % (drift.image_id, drift.server.id)
            )

        rows = drift.properties if parsed_args.all else drift.drifted
        return COLUMNS, [
            (
                output.SafeText(p.name),
                output.SafeText(p.embedded),
                output.SafeText(p.glance),
                p.state,
            )
            for p in rows
        ]
