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

"""One run at a time per Nova tree.

The lock is ``flock`` on the ``nova`` package directory itself, so no file
is added to the tree and a crashed run leaves nothing behind: the kernel
drops the lock with the process. It is advisory and per host, which is
what config management running the tool twice on one host needs.
"""

import errno
import fcntl
import os
import time

_POLL_SECONDS = 0.05


class Busy(Exception):
    """Another run holds the lock of this tree."""


class Lock:
    """The lock of one directory; ``acquire`` then ``release``."""

    def __init__(self, directory):
        self.directory = directory
        self._handle = None

    def acquire(self, wait=0.0):
        """Take the lock, waiting up to ``wait`` seconds, or raise Busy."""
        handle = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
        deadline = time.monotonic() + max(wait, 0.0)
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as error:
                    if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                        raise
                if time.monotonic() >= deadline:
                    waited = f' after waiting {wait:g} s' if wait > 0 else ''
                    raise Busy(
                        f'another nova_patch run holds the lock on '
                        f'{self.directory}{waited}; let it finish, or pass '
                        f'--wait SECONDS')
                time.sleep(_POLL_SECONDS)
        except BaseException:
            os.close(handle)
            raise
        self._handle = handle

    def release(self):
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None
