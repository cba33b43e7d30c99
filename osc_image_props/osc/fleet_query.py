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

"""The ``server list`` filters that the fleet commands take.

Nova applies every one of them (``GET /servers/detail`` query
parameters); only ``--limit`` is also honoured on the client, as ``server
list`` does: at most that many servers are looked at.
"""

from openstack import exceptions as sdk_exceptions
from osc_lib import exceptions as osc_exceptions

from osc_image_props.osc import errors

#: ``--limit`` value that means every server, as in ``server list``.
NO_LIMIT = -1


def add_property_option(parser, help):
    """``--property KEY``, repeatable, into ``parsed_args.properties``."""
    parser.add_argument(
        '--property',
        metavar='<key>',
        action='append',
        dest='properties',
        default=[],
        help=help,
    )


def add_arguments(parser, properties=True):
    """Add the filters to a command's parser.

    :param properties: add ``--property`` too.
    """
    if properties:
        add_property_option(
            parser, 'Only this property (repeat option for several)')
    parser.add_argument(
        '--all-projects',
        action='store_true',
        help='Include servers of all projects (admin only by default)',
    )
    parser.add_argument(
        '--project',
        metavar='<project>',
        help='Only servers of this project (name or ID; admin only)',
    )
    parser.add_argument(
        '--name',
        metavar='<name-regex>',
        help='Only servers whose name matches this regular expression',
    )
    parser.add_argument(
        '--status',
        metavar='<status>',
        help='Only servers with this status (ACTIVE, SHUTOFF, ERROR, ...)',
    )
    parser.add_argument(
        '--image',
        metavar='<image>',
        help='Only servers booted from this image (name or ID)',
    )
    parser.add_argument(
        '--host',
        metavar='<hostname>',
        help='Only servers on this compute host (admin only by default)',
    )
    parser.add_argument(
        '--marker',
        metavar='<server-id>',
        help='Start after this server (its ID), as server list does',
    )
    parser.add_argument(
        '--limit',
        metavar='<num-servers>',
        type=int,
        default=None,
        help=(
            'Look at no more than this many servers (-1: all of them, the '
            'default)'
        ),
    )


def _project_id(conn, project):
    # A member may not look projects up (403): the value is then taken as
    # an ID, which Nova checks.
    try:
        found = conn.identity.find_project(project, ignore_missing=True)
    except sdk_exceptions.ForbiddenException:
        return project
    return found.id if found is not None else project


def _image_id(conn, image):
    # A deleted image still names the servers booted from it, by its ID.
    found = conn.image.find_image(image, ignore_missing=True)
    return found.id if found is not None else image


def query(conn, parsed_args):
    """The ``fleet_drift``/``summarize`` filters of the parsed options.

    Names of projects and images are resolved here (requests made only
    when the option is given).
    """
    limit = parsed_args.limit
    if limit is not None and limit != NO_LIMIT and limit < 1:
        raise osc_exceptions.CommandError(
            '--limit must be a positive number, or -1 for every server.'
        )
    result = {}
    if parsed_args.all_projects:
        result['all_projects'] = True
    for option, name in (('name', 'name'), ('status', 'status'),
                         ('host', 'compute_host'), ('marker', 'marker')):
        value = getattr(parsed_args, option)
        if value is not None:
            result[name] = value
    if limit not in (None, NO_LIMIT):
        result['limit'] = limit
    with errors.command_errors():
        if parsed_args.project is not None:
            result['project_id'] = _project_id(conn, parsed_args.project)
            # Nova applies a project filter only across projects.
            result['all_projects'] = True
        if parsed_args.image is not None:
            result['image'] = _image_id(conn, parsed_args.image)
    return result


def keys(parsed_args):
    """The ``--property`` names, or None for every property."""
    return set(parsed_args.properties) or None


def max_servers(parsed_args):
    """How many servers to look at at most; None for all."""
    if parsed_args.limit in (None, NO_LIMIT):
        return None
    return parsed_args.limit
