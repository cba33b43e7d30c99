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

"""The plugin as python-openstackclient knows it: a command group of its own.

OSC reads this module through the ``openstack.cli.extension`` entry point
and loads the commands of ``openstack.osc_image_props.v1``. It loads every
plugin's group after its own groups (compute, identity, image, ...), and
of two commands with the same name the one loaded last runs: should a
python-openstackclient release ship a command named like one of these,
this plugin's runs, however the two are installed. In OSC's own
``openstack.compute.v2`` the order of the two would be the order in which
Python happens to find the packages. See "Where the commands live" in
doc/source/cli.rst.

OSC imports this module for every ``openstack`` command, so it imports
nothing.
"""

# The entry point's name in setup.cfg, and the command group's:
# openstack.<API_NAME>.v<DEFAULT_API_VERSION>.
API_NAME = 'osc_image_props'
DEFAULT_API_VERSION = '1'
# OSC looks up the version under this name (clouds.yaml, options). The
# plugin adds no option for it: there is one set of commands, and the
# compute microversion they use is --os-compute-api-version's.
API_VERSION_OPTION = 'os_osc_image_props_api_version'


def build_option_parser(parser):
    """No global options (see ``API_VERSION_OPTION``)."""
    return parser


def make_client(instance):
    """The commands talk to the cloud through OSC's openstacksdk
    connection, the same for OSC's own compute commands."""
    return instance.sdk_connection
