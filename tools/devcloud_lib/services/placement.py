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
