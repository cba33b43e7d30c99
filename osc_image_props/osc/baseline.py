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

"""``openstack server image properties baseline``."""

from osc_lib.command import command
from osc_lib import exceptions as osc_exceptions

from osc_image_props import sdk
from osc_image_props.osc import calls
from osc_image_props.osc import commands
from osc_image_props.osc import errors
from osc_image_props.osc import notes

#: ``--output`` value that means standard output.
STDOUT = '-'


class BaselineServerImageProperties(commands.Bounded, command.Command):
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
                with calls.cloud_calls(conn, name):
                    one = sdk.take_baseline(conn, [name])
                if taken is None:
                    taken = one
                else:
                    taken.servers.update(one.servers)
        else:
            with calls.cloud_calls(conn):
                taken = sdk.take_baseline(
                    conn, all_projects=parsed_args.all_projects)
        with calls.cloud_calls(conn):
            if parsed_args.output == STDOUT:
                self.app.stdout.write(taken.to_json())
                where = 'standard output'
            else:
                sdk.write_baseline(taken, parsed_args.output)
                where = parsed_args.output
        errors.note(self.app, 'Baseline of %s (%s) taken at %s written to %s.'
                    % (notes.plural(len(taken.servers), '%d server',
                                    '%d servers'),
                       taken.scope, taken.taken_at, where))

