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

"""How many of the plugin's modules a reader walks through for a command.

Counted, not estimated: the second run of a command (the first one has
imported everything) is profiled, and every module of ``osc_image_props``
in which a function runs is one room, from cliff's call of the command's
``run`` to its output, HTTP requests included.
"""

import sys

from cliff import command

from tests.unit import base


def rooms(call):
    """``(result of call(), the plugin's modules whose functions ran)``
    from cliff's call of the command's ``run`` on: OSC's own start (its
    option parser, which asks every plugin for options) is not the
    command's."""
    seen = set()
    started = []

    def profile(frame, event, arg):
        if event != 'call':
            return
        if not started and frame.f_code.co_name == 'run' and isinstance(
                frame.f_locals.get('self'), command.Command):
            started.append(frame)
        if started:
            name = frame.f_globals.get('__name__') or ''
            if name.split('.')[0] == 'osc_image_props':
                seen.add(name)

    sys.setprofile(profile)
    try:
        result = call()
    finally:
        sys.setprofile(None)
    return result, seen


class TestRooms(base.TestCase):

    def walk(self, *argv):
        self.run_cli(*argv)
        (status, out, err), seen = rooms(lambda: self.run_cli(*argv))
        self.assertEqual(0, status, err)
        return seen

    def test_properties_show_in_six_modules(self):
        server_id = self.cloud.add_server(name='web-1')
        seen = self.walk('server', 'image', 'properties', 'show', server_id)
        self.assertEqual({
            'osc_image_props.escaping',
            'osc_image_props.osc._cli_internals',
            'osc_image_props.osc.image_properties',
            'osc_image_props.osc.plumbing',
            'osc_image_props.sdk._sdk_internals',
            'osc_image_props.sdk.compute_api',
        }, seen)

    def test_vtpm_list_in_seven_modules(self):
        self.cloud.add_server(name='web-1')
        seen = self.walk('server', 'vtpm', 'list', '--all-projects')
        self.assertEqual({
            'osc_image_props.escaping',
            'osc_image_props.osc._cli_internals',
            'osc_image_props.osc.plumbing',
            'osc_image_props.osc.vtpm',
            'osc_image_props.sdk._sdk_internals',
            'osc_image_props.sdk.compute_api',
            'osc_image_props.sdk.vtpm',
        }, seen)
