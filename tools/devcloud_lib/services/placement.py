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

"""Placement: SQLite, its WSGI app under uwsgi."""
import os

from devcloud_lib import context
from devcloud_lib.services import uwsgi

SERVICE = "placement"


def configure(cloud):
    cloud.render("placement.conf")


def prepare(cloud):
    if cloud.done("placement-db"):
        return
    cloud.run(SERVICE, [cloud.layout.bin("placement-manage"),
                        "--config-file",
                        cloud.layout.etc_file("placement.conf"),
                        "db", "sync"])
    context.enable_wal(os.path.join(cloud.layout.data, "placement.db"))
    cloud.mark_done("placement-db")


def start(cloud):
    app = uwsgi.app_line(cloud.layout, module="placement.wsgi.api:application",
                         script="placement-api")
    uwsgi.start(cloud, SERVICE, "placement", app, threads=2, env={
        "OS_PLACEMENT_CONFIG_DIR": cloud.layout.etc,
    })


def health_url(cloud):
    return cloud.url("placement") + "/"


def wait_ready(cloud):
    cloud.wait_http(SERVICE, health_url(cloud), accept=(200,))
