"""A default request timeout for the plugin's own commands.

keystoneauth waits forever for an answer unless a timeout is configured
(``api_timeout`` in clouds.yaml, or ``OS_API_TIMEOUT``). A silent compute or
image API must not hang ``server image properties show`` or ``diff``, so
when the user configured none, their requests use :data:`DEFAULT_SECONDS`
(per connection attempt and per read, as ``requests`` counts it).
"""

import contextlib

#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_SECONDS = 60.0


@contextlib.contextmanager
def default_timeout(conn):
    """Apply :data:`DEFAULT_SECONDS` to ``conn``'s session for a block."""
    session = conn.session
    configured = conn.config.config.get('api_timeout')
    if configured is not None or session.timeout is not None:
        yield
        return
    session.timeout = DEFAULT_SECONDS
    try:
        yield
    finally:
        session.timeout = None
