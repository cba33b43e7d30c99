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

"""The one wait loop: poll a check until it answers or time runs out.

Starting services, stopping process groups, booting and deleting servers
in the cloud's own scripts (``invenv/``) and the bench all wait this way.
Standard library only.
"""
import time


def poll(check, timeout, interval=0.5):
    """Call ``check()`` until it returns a true value, and return that.

    After ``timeout`` seconds, return its last answer (false): what to do
    then is the caller's. An exception from ``check`` ends the wait.
    """
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() >= deadline:
            return answer
        time.sleep(interval)
