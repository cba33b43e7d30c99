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

"""A default request timeout for the plugin's own commands.

keystoneauth waits forever for an answer unless a timeout is configured
(``api_timeout`` in clouds.yaml, or ``OS_API_TIMEOUT``). A silent compute or
image API must not hang ``server image properties show`` or ``diff``, so
when the user configured none, their requests use :data:`DEFAULT_SECONDS`
(per connection attempt and per read, as ``requests`` counts it).
"""

import contextlib

from osc_image_props.osc import _cli_internals

#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_SECONDS = 60.0


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
