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

"""What the plugin's own commands share around their own logic."""

from osc_image_props.osc import calls
from osc_image_props.osc import fleet_query
from osc_image_props.osc import output
from osc_image_props.osc import timeout


def add_server_argument(parser, verb):
    """The ``<server>`` of a command about one server: "Server to
    ``verb`` (name or ID)"."""
    parser.add_argument(
        'server',
        metavar='<server>',
        help='Server to %s (name or ID)' % verb,
    )


def connection(command, parsed_args):
    """The command's SDK connection, once its output is made safe
    (:func:`output.use_safe_formatter`)."""
    output.use_safe_formatter(command, parsed_args)
    return command.app.client_manager.sdk_connection


def fleet_view(command, parsed_args, view, *args, **kwargs):
    """``(conn, view(conn, *args, **kwargs))`` with the fleet filters and
    ``max_servers`` of the parsed options (:mod:`fleet_query`), in the
    command's cloud calls."""
    conn = connection(command, parsed_args)
    with calls.cloud_calls(conn):
        query = fleet_query.query(conn, parsed_args)
        return conn, view(
            conn, *args, max_servers=fleet_query.max_servers(parsed_args),
            **kwargs, **query
        )


class Bounded:
    """A command mixin: ``--command-timeout``, a bound on the whole
    command's waiting for the cloud (:mod:`timeout`), its output
    included (fleet commands read pages while they write)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        timeout.add_command_timeout(parser)
        return parser

    def run(self, parsed_args):
        seconds = timeout.command_seconds(parsed_args)
        conn = self.app.client_manager.sdk_connection
        with timeout.whole_command(conn, seconds):
            return super().run(parsed_args)


class AfterOutput:
    """A command mixin for work once the output is written.

    :meth:`before_run` runs before the command, :meth:`after_output` only
    when it succeeded, and gives the exit status: notes on stderr, a
    status other than 0.
    """

    def before_run(self):
        """Reset what the run counts."""

    def after_output(self, parsed_args):
        """The exit status of a command that succeeded."""
        return 0

    def run(self, parsed_args):
        self.before_run()
        status = super().run(parsed_args)
        if status != 0:
            return status
        return self.after_output(parsed_args)
