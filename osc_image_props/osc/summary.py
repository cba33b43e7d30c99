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

"""``openstack server image properties summary``: values and counts."""

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import commands
from osc_image_props.osc import fleet_query
from osc_image_props.osc import notes
from osc_image_props.osc import output

COLUMNS = ('Property', 'Value', 'Servers')
PROJECTS_COLUMN = 'Projects'


class SummarizeServerImageProperties(commands.Bounded, command.Lister):
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
        fleet_query.add_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        _, summary = commands.fleet_view(
            self, parsed_args, sdk.summarize, fleet_query.keys(parsed_args)
        )
        notes.volume_booted(self.app, summary.volume_booted, 'count')
        notes.unreachable(self.app, summary.unreachable, 'not counted.')
        with_projects = parsed_args.all_projects
        columns = COLUMNS + ((PROJECTS_COLUMN,) if with_projects else ())
        rows = []
        for count in summary.counts:
            row = (
                output.SafeText(count.name),
                output.SafeText(count.value),
                count.servers,
            )
            rows.append(row + ((count.projects,) if with_projects else ()))
        return columns, rows
