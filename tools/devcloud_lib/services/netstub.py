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
