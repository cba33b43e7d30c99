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

"""The loopback network endpoint stub (see netstub_server.py for why)."""
import os
import sys

from devcloud_lib import paths

SERVICE = "network-stub"


def start(cloud):
    script = os.path.join(paths.PACKAGE_DIR, "netstub_server.py")
    cloud.start(SERVICE, [sys.executable, "-u", script,
                          str(cloud.ports["network-stub"])])


def health_url(cloud):
    return cloud.url("network-stub") + "/"


def wait_ready(cloud):
    cloud.wait_http(SERVICE, health_url(cloud), accept=(200,))
