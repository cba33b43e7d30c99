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

"""One-line, terminal-safe error messages for the plugin's commands.

cliff prints ``str(exception)`` for a failing command and exits 1; SDK and
keystoneauth messages may span lines or quote response bodies, which are
untrusted. Everything our commands raise goes through here.
"""

import contextlib

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions
from osc_lib import exceptions as osc_exceptions

from osc_image_props import escaping
from osc_image_props.osc import timeout
from osc_image_props.sdk import exceptions as own_exceptions


def note(app, message):
    """Write a one-line note for the user on the command's stderr."""
    app.stderr.write(escaping.one_line(message) + '\n')


def require_server(server):
    """Refuse an empty server name or ID before any request is made."""
    if not server.strip():
        raise osc_exceptions.CommandError(
            'The server name or ID must not be empty.'
        )


@contextlib.contextmanager
def command_errors(server=None):
    """Turn SDK and keystoneauth failures into one-line CommandErrors.

    :param server: the server as the user named it, for "not found" and
        "ambiguous" messages.
    """
    try:
        yield
    except own_exceptions.ImagePropertiesTimeout as exc:
        raise timeout.expired(exc) from exc
    except sdk_exceptions.DuplicateResource as exc:
        raise osc_exceptions.CommandError(
            escaping.one_line(
                'More than one server is named %r; use its ID.' % server
            )
        ) from exc
    except sdk_exceptions.NotFoundException as exc:
        raise osc_exceptions.CommandError(
            escaping.one_line(
                'No server with a name or ID of %r exists.' % server
            )
        ) from exc
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        raise osc_exceptions.CommandError(escaping.one_line(exc)) from exc


@contextlib.contextmanager
def command_errors_kept():
    """As :func:`command_errors`, keeping each message's own words.

    For the stock commands the plugin's options ride on: their "not
    found" and "ambiguous" messages stay theirs, on one line.
    """
    try:
        yield
    except own_exceptions.ImagePropertiesTimeout as exc:
        raise timeout.expired(exc) from exc
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        raise osc_exceptions.CommandError(escaping.one_line(exc)) from exc
