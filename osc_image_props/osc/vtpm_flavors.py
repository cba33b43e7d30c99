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

"""``openstack server vtpm flavors``: the modes a server can move to."""

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import calls
from osc_image_props.osc import commands
from osc_image_props.osc import errors
from osc_image_props.osc import output

COLUMNS = (
    'Name', 'ID', 'Secret Security', 'Resize Accepted', 'Live Migratable',
    'Restarts After Host Reboot', 'Changes', 'Resize Reason',
)
LONG_COLUMNS = COLUMNS + (
    'Live Migratable Reason', 'Restarts After Host Reboot Reason',
    'Warnings',
)


def change_text(change):
    """``what: now -> then`` (``-`` for an unknown value)."""
    def shown(value):
        return '-' if value is None else str(value)
    return '%s: %s -> %s' % (change.what, shown(change.now),
                             shown(change.then))


class ListServerVtpmFlavors(commands.Bounded, command.Lister):
    """List the vTPM flavors a server can be resized to, and what each gives.

    For each flavor you can see under which the server would have a vTPM
    (the flavor asks for one, or the server's image does): the TPM secret
    security mode it gives, whether Nova accepts a resize from the
    server's present mode to it (Nova refuses a resize between mode
    deployment and another mode, to a mode it does not know, to the same
    flavor and to a smaller root disk), whether Nova would then
    live-migrate the server and start it after a host reboot, and what
    changes (TPM version and model, vCPUs, RAM in MiB, root disk in GiB).
    What cannot be told (flavor extra specs hidden by policy) is left
    empty, never guessed. The server read of "server vtpm show" and one
    flavor list.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        commands.add_server_argument(parser, 'resize')
        parser.add_argument(
            '--long',
            action='store_true',
            help='Also list the reasons and the warnings of each flavor',
        )
        return parser

    def take_action(self, parsed_args):
        conn = commands.connection(self, parsed_args)
        with calls.cloud_calls(conn, parsed_args.server):
            result = sdk.list_vtpm_flavors(conn, parsed_args.server)
        self._notes(result)
        columns = LONG_COLUMNS if parsed_args.long else COLUMNS
        return columns, [
            self._row(flavor)[:len(columns)] for flavor in result.flavors
        ]

    @staticmethod
    def _row(flavor):
        view = flavor.view
        return (
            output.SafeText(flavor.name),
            output.SafeText(flavor.flavor_id),
            output.SafeText(view.secret_security),
            output.SafeText(flavor.resize_accepted),
            output.SafeText(view.live_migratable),
            output.SafeText(view.restarts_after_host_reboot),
            output.SafeListColumn(
                tuple(change_text(c) for c in flavor.changes)),
            output.SafeText(flavor.resize_reason),
            output.SafeText(view.live_migratable_reason),
            output.SafeText(view.restarts_after_host_reboot_reason),
            output.SafeListColumn(view.warnings),
        )

    def _notes(self, result):
        view = result.view
        if view.vtpm is None:
            errors.note(self.app, 'Whether server %s has a vTPM now cannot '
                        'be told.' % view.server_id)
        elif not view.vtpm:
            errors.note(self.app, 'Server %s has no vTPM now: the flavors '
                        'listed would give it one.' % view.server_id)
        else:
            errors.note(self.app, 'Server %s is in secret security mode %s '
                        'now.' % (view.server_id, output.quoted(
                            view.secret_security or 'unknown')))
        for warning in result.warnings:
            errors.note(self.app, warning)
        if not result.flavors:
            errors.note(self.app, 'No flavor you can see gives this server '
                        'a vTPM.')
