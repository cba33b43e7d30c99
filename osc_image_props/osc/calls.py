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

"""The block of a plugin command that talks to the cloud."""

import contextlib

from osc_image_props.osc import errors
from osc_image_props.osc import timeout


@contextlib.contextmanager
def cloud_calls(conn, server=None):
    """One-line errors and the default request timeout for a block.

    :param server: the server as the user named it, if the command takes
        one: an empty one is refused before any request, and it is named
        in "not found" and "ambiguous" messages.
    """
    if server is not None:
        errors.require_server(server)
    with errors.command_errors(server), timeout.default_timeout(conn):
        yield


def note_volume_booted(app, server_id):
    errors.note(
        app,
        'Server %s was booted from a volume: it has no image properties.'
        % server_id,
    )
