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

"""Nova: API (WSGI under uwsgi), conductor, scheduler, compute (fake driver).

One cell (cell1) plus cell0, on MariaDB (see mariadb.py for why not
SQLite), one worker each.
"""
import os
import shutil
import string

from devcloud_lib import paths
from devcloud_lib.services import mariadb
from devcloud_lib.services import uwsgi

API = "nova-api"
DAEMONS = ("nova-conductor", "nova-scheduler", "nova-compute")


def _service_clients(cloud):
    with open(os.path.join(paths.TEMPLATES_DIR,
                           "nova-service-clients.inc")) as inc:
        return string.Template(inc.read()).substitute(
            cloud.template_values())


def configure(cloud):
    layout = cloud.layout
    layout.data_dir("nova/locks")
    layout.data_dir("nova/instances")
    clients = _service_clients(cloud)
    cloud.render("nova.conf", extra={
        "service_clients": clients,
        "nova_api_db": mariadb.url(cloud, "nova_api"),
        "nova_cell1_db": mariadb.url(cloud, "nova_cell1"),
    })
    cloud.render("nova-compute.conf", extra={"service_clients": clients})
    shutil.copyfile(os.path.join(layout.venv, "etc", "nova", "api-paste.ini"),
                    layout.etc_file("api-paste.ini"))


def manage(cloud, *args, service="nova-manage"):
    cloud.run(service, [cloud.layout.bin("nova-manage"), "--config-file",
                        cloud.layout.etc_file("nova.conf")] + list(args))


def prepare(cloud):
    """Databases and cells, first ``up`` only."""
    if cloud.done("nova-db-mariadb"):
        return
    cell0 = mariadb.url(cloud, "nova_cell0")
    manage(cloud, "api_db", "sync")
    manage(cloud, "cell_v2", "map_cell0", "--database_connection", cell0)
    manage(cloud, "cell_v2", "create_cell", "--name", "cell1")
    manage(cloud, "db", "sync")
    cloud.mark_done("nova-db-mariadb")
    cloud.forget("nova-hosts")  # new databases: the host is not mapped


def start_api(cloud):
    app = uwsgi.app_line(cloud.layout,
                         module="nova.wsgi.osapi_compute:application",
                         script="nova-api-wsgi")
    uwsgi.start(cloud, API, "nova-api", app, threads=1, env={
        "OS_NOVA_CONFIG_DIR": cloud.layout.etc,
        "OS_NOVA_CONFIG_FILES": "api-paste.ini;nova.conf",
    })


def start_daemon(cloud, name):
    if name == "nova-compute":
        # The fake driver, declaring vTPM support (see the script).
        argv = [cloud.layout.python,
                os.path.join(paths.INVENV_DIR, "nova_compute.py"),
                "--config-file", cloud.layout.etc_file("nova-compute.conf")]
    else:
        argv = [cloud.layout.bin(name), "--config-file",
                cloud.layout.etc_file("nova.conf")]
    cloud.start(name, argv)


def health_url(cloud):
    return cloud.url("nova-api") + "/"


def wait_api(cloud):
    cloud.wait_http(API, health_url(cloud), accept=(200,))


