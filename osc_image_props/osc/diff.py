"""``openstack server image properties diff``."""

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import errors
from osc_image_props.osc import output
from osc_image_props.osc import timeout

# Exit status with --exit-code when there is drift: 1 stays "error".
DRIFT_EXIT_CODE = 3

COLUMNS = ('Property', 'Embedded', 'Glance', 'State')


class DiffServerImageProperties(command.Lister):
    """Compare a server's image properties with its image in Glance now.

    Nova keeps the image properties it copied when it booted or rebuilt the
    server. This compares that copy (compute API microversion 2.98) with the
    current properties of the image in Glance, for the names Nova keeps:
    custom Glance properties are not drift. States: changed, only-embedded,
    only-glance (and unchanged, with --all). If the image was deleted or is
    not visible, every embedded property is only-embedded.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'server',
            metavar='<server>',
            help='Server to compare (name or ID)',
        )
        parser.add_argument(
            '--all',
            action='store_true',
            help='Also list the properties that did not change',
        )
        parser.add_argument(
            '--exit-code',
            action='store_true',
            help=(
                'Exit with status %d when there is drift and 0 when there '
                'is none (1 stays "error")' % DRIFT_EXIT_CODE
            ),
        )
        return parser

    def take_action(self, parsed_args):
        output.use_safe_formatter(self, parsed_args)
        conn = self.app.client_manager.sdk_connection
        errors.require_server(parsed_args.server)
        errors_of_server = errors.command_errors(parsed_args.server)
        with errors_of_server, timeout.default_timeout(conn):
            drift = sdk.image_properties_drift(conn, parsed_args.server)
        self._has_drift = drift.has_drift

        if drift.image_id is None:
            errors.note(
                self.app,
                'Server %s was booted from a volume: it has no image '
                'properties.' % drift.server.id
            )
        elif not drift.image_found:
            errors.note(
                self.app,
                'Image %s of server %s is deleted or not visible to you: '
                'every embedded property is shown as only-embedded.'
                % (drift.image_id, drift.server.id)
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

    def run(self, parsed_args):
        self._has_drift = False
        status = super().run(parsed_args)
        if status == 0 and parsed_args.exit_code and self._has_drift:
            return DRIFT_EXIT_CODE
        return status
