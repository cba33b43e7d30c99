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

"""One line per step, with the seconds elapsed since the command started."""
import contextlib
import sys
import time


class StepFailed(Exception):
    """A step failed; ``service`` and ``log`` say where to look."""

    def __init__(self, message, service=None, log=None):
        super().__init__(message)
        self.service = service
        self.log = log


class Progress:
    def __init__(self, stream=None):
        self.started = time.monotonic()
        self.stream = stream or sys.stdout

    @property
    def elapsed(self):
        return time.monotonic() - self.started

    def say(self, message):
        self.stream.write(f'[{self.elapsed:6.1f}s] {message}\n')
        self.stream.flush()

    @contextlib.contextmanager
    def step(self, message):
        """Print ``message`` with the step's own duration once it is done."""
        began = time.monotonic()
        yield
        self.say(f'{message} ({time.monotonic() - began:.1f}s)')
