"""``openstack server image properties show``."""

import logging

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import errors
from osc_image_props.osc import output
from osc_image_props.osc import timeout

LOG = logging.getLogger(__name__)


class ShowServerImageProperties(command.ShowOne):
    """Show the image properties Nova keeps for a server.

    Nova copies the properties of a server's boot image when it creates or
    rebuilds the server, and uses that copy for the rest of the server's
    life, even after the image changes or is deleted in Glance. This shows
    that copy (compute API microversion 2.98 or later), one row per property.
    A server booted from a volume has none.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'server',
            metavar='<server>',
            help='Server to show (name or ID)',
        )
        parser.add_argument(
            '--property',
            metavar='<key>',
            action='append',
            dest='properties',
            default=[],
            help=(
                'Show only this property (repeat option to show several); '
                'a property the server does not have is left out'
            ),
        )
        return parser

    def take_action(self, parsed_args):
        output.use_safe_formatter(self, parsed_args)
        conn = self.app.client_manager.sdk_connection
        errors.require_server(parsed_args.server)
        errors_of_server = errors.command_errors(parsed_args.server)
        with errors_of_server, timeout.default_timeout(conn):
            server = sdk.find_server(conn, parsed_args.server)
            properties = server.embedded_image_properties()

        if properties is None:
            errors.note(
                self.app,
                'Server %s was booted from a volume: it has no image '
                'properties.' % server.id,
            )
            return (), ()

        if parsed_args.properties:
            wanted = set(parsed_args.properties)
            properties = {
                k: v for k, v in properties.items() if k in wanted
            }
        names = sorted(properties)
        return names, [output.SafeText(properties[n]) for n in names]
