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

"""``openstack server image properties show``."""

from osc_lib.command import command

from osc_image_props.osc import calls
from osc_image_props.osc import commands
from osc_image_props.osc import fleet_query
from osc_image_props.osc import output
from osc_image_props.sdk import compute_api


class ShowServerImageProperties(commands.Bounded, command.ShowOne):
    """Show the image properties Nova keeps for a server.

    Nova copies the properties of a server's boot image when it creates or
    rebuilds the server, and uses that copy for the rest of the server's
    life, even after the image changes or is deleted in Glance. This shows
    that copy (compute API microversion 2.98 or later), one row per property.
    A server booted from a volume has none.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        commands.add_server_argument(parser, 'show')
        fleet_query.add_property_option(
            parser,
            'Show only this property (repeat option to show several); '
            'a property the server does not have is left out',
        )
        return parser

    def take_action(self, parsed_args):
        conn = commands.connection(self, parsed_args)
        with calls.cloud_calls(conn, parsed_args.server):
            # Only the properties are shown: exactly 2.98, which every
            # cloud with the field accepts, so no refusal costs a request.
            raw, version = compute_api.read_server(
                conn, parsed_args.server, compute_api.REQUIRED
            )
            properties = compute_api.properties_from_body(
                raw.get('id'), raw, version)

        if properties is None:
            calls.note_volume_booted(self.app, raw.get('id'))
            return (), ()

        if parsed_args.properties:
            wanted = set(parsed_args.properties)
            properties = {
                k: v for k, v in properties.items() if k in wanted
            }
        names = sorted(properties)
        return names, [output.SafeText(properties[n]) for n in names]
