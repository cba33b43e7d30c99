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

"""A bound on a whole block of calls, not on each read.

A request timeout (``api_timeout``) bounds each connection attempt and
each read: a cloud that sends one byte a second restarts it with every
byte and is waited for forever. Inside :func:`deadline`, every read of the
connection's sockets waits at most for the time left, and the first read
or connection attempt after the bound fails with
:class:`~osc_image_props.sdk.ImagePropertiesTimeout`.

The bound belongs to the thread that set it (Horizon serves requests in
threads), and needs no signal: it works in any thread. It counts the time
spent waiting for the cloud; work done between two reads is not cut off.
"""

import contextlib
import io
import math
import threading
import time

from osc_image_props.sdk import _sdk_internals
from osc_image_props.sdk import exceptions

_LOCAL = threading.local()


def _end():
    return getattr(_LOCAL, 'end', None)


def _expired():
    return exceptions.ImagePropertiesTimeout(_LOCAL.seconds)


def _time_left():
    """Seconds left in this thread's bound; None without one. Raises once
    none is left."""
    end = _end()
    if end is None:
        return None
    left = end - time.monotonic()
    if left <= 0:
        raise _expired()
    return left


def _connect_timeout(timeout):
    left = _time_left()
    if left is None:
        return timeout
    if isinstance(timeout, (int, float)):
        return min(timeout, left)
    return left  # the socket module's default: no timeout of its own


class _BoundedReader(io.RawIOBase):
    """A socket's reads, each waiting for the time left at most.

    It reads through the socket's own raw file, which keeps the socket
    open until the file is closed: http.client closes the connection as
    soon as it has read the headers of an answer that ends the connection,
    and reads the body from the file after that.
    """

    def __init__(self, sock):
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile('rb', buffering=0)

    def readable(self):
        return True

    def readinto(self, buffer):
        left = _time_left()
        if left is None:
            return self._raw.readinto(buffer)
        per_read = self._sock.gettimeout()
        self._sock.settimeout(left if per_read is None
                              else min(per_read, left))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            _time_left()  # the bound, if it passed
            raise  # else the per-read timeout, as without a bound
        finally:
            if self._sock.fileno() != -1:
                self._sock.settimeout(per_read)

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()


class _BoundedSocket:
    """A connected socket whose file (what http.client reads the
    response from) is a :class:`_BoundedReader`."""

    def __init__(self, sock):
        self._sock = sock

    def makefile(self, mode='r', buffering=None, **kwargs):
        if mode != 'rb':
            return self._sock.makefile(mode, buffering, **kwargs)
        return io.BufferedReader(_BoundedReader(self._sock))

    def __getattr__(self, name):
        return getattr(self._sock, name)


@contextlib.contextmanager
def deadline(conn, seconds):
    """Bound the calls made on ``conn`` in this block to ``seconds`` in all.

    Example::

        from osc_image_props import sdk

        with sdk.deadline(conn, 120):
            for server in sdk.fleet_drift(conn, all_projects=True):
                ...

    A read still waiting when the bound passes, and any later read or
    connection attempt in the block, raises
    :class:`~osc_image_props.sdk.ImagePropertiesTimeout`; the connection is
    closed. ``api_timeout`` still bounds each read. An outer, shorter
    bound stays in force.

    :param conn: an :class:`openstack.connection.Connection`.
    :param seconds: the bound; None or 0 for none.
    """
    if not seconds:
        yield
        return
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds)
            and seconds > 0):
        raise ValueError('seconds must be a positive number, not %r'
                         % (seconds,))
    _sdk_internals.bound_new_connections(
        conn.session, _BoundedSocket, _connect_timeout)
    outer = (_end(), getattr(_LOCAL, 'seconds', None))
    end = time.monotonic() + seconds
    if outer[0] is None or end < outer[0]:
        _LOCAL.end, _LOCAL.seconds = end, seconds
    try:
        yield
    finally:
        _LOCAL.end, _LOCAL.seconds = outer
