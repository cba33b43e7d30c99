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

"""The plugin's commands never wait forever for the cloud.

keystoneauth waits forever for an answer unless a timeout is configured
(``api_timeout`` in clouds.yaml, or ``OS_API_TIMEOUT``). A silent compute or
image API must not hang ``server image properties show`` or ``diff``, so
when the user configured none, their requests use :data:`DEFAULT_SECONDS`
(per connection attempt and per read, as ``requests`` counts it).

A cloud that sends one byte at a time restarts that timeout with every
byte: every command of the plugin (and ``server list``/``server show``
with its options) also has a bound on the whole command,
:data:`COMMAND_DEFAULT_SECONDS` unless ``--command-timeout`` or
:data:`COMMAND_ENV` says otherwise (:func:`osc_image_props.sdk.deadline`).
"""

import contextlib
import math
import os

from osc_lib import exceptions as osc_exceptions

from osc_image_props import escaping
from osc_image_props import sdk
from osc_image_props.osc import _cli_internals

#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_SECONDS = 60.0

#: Seconds a whole command may wait for the cloud; 0 for no bound.
COMMAND_DEFAULT_SECONDS = 300.0
COMMAND_OPTION = '--command-timeout'
# Not OS_...: openstacksdk reads every OS_ variable into the cloud's
# configuration, and takes any key ending in "timeout" as api_timeout.
COMMAND_ENV = 'OSC_IMAGE_PROPS_COMMAND_TIMEOUT'


def _seconds(text, where):
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        raise osc_exceptions.CommandError(escaping.one_line(
            '%s takes a number of seconds (0: no bound), not %r'
            % (where, text)))
    return seconds


def add_command_timeout(parser):
    """Add ``--command-timeout`` to a command's parser."""
    parser.add_argument(
        COMMAND_OPTION,
        metavar='<seconds>',
        default=None,
        help=(
            'Fail with exit status 1 once the command has waited this long '
            'for the cloud in all, however slowly the cloud answers '
            '(default: $%s, else %g; 0: no bound). The per-request '
            'timeout (api_timeout, OS_API_TIMEOUT, default %g) still '
            'applies to each read' % (
                COMMAND_ENV, COMMAND_DEFAULT_SECONDS, DEFAULT_SECONDS)
        ),
    )


def command_seconds(parsed_args=None):
    """The bound of a command: its option, else the environment, else
    :data:`COMMAND_DEFAULT_SECONDS`."""
    given = getattr(parsed_args, 'command_timeout', None)
    if given is not None:
        return _seconds(given, COMMAND_OPTION)
    if os.environ.get(COMMAND_ENV, '').strip():
        return _seconds(os.environ[COMMAND_ENV], COMMAND_ENV)
    return COMMAND_DEFAULT_SECONDS


def expired(exc):
    """The one-line CommandError of an ImagePropertiesTimeout."""
    return osc_exceptions.CommandError(escaping.one_line(
        '%s %s or %s sets the bound (0: none).'
        % (exc, COMMAND_OPTION, COMMAND_ENV)))


@contextlib.contextmanager
def whole_command(conn, seconds):
    """Bound the block's calls on ``conn`` to ``seconds`` in all."""
    try:
        with sdk.deadline(conn, seconds):
            yield
    except sdk.ImagePropertiesTimeout as exc:
        raise expired(exc) from exc


@contextlib.contextmanager
def default_timeout(conn):
    """Apply :data:`DEFAULT_SECONDS` to ``conn``'s session for a block."""
    session = conn.session
    configured = conn.config.config.get('api_timeout')
    if (
        configured is not None
        or _cli_internals.session_timeout(session) is not None
    ):
        yield
        return
    _cli_internals.set_session_timeout(session, DEFAULT_SECONDS)
    try:
        yield
    finally:
        _cli_internals.set_session_timeout(session, None)
