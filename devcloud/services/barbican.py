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

"""Barbican, the key manager a libvirt mode's Nova keeps vTPM secrets in.

Its API under uwsgi (one worker), the simple_crypto plugin with a KEK
made once for the cloud, SQLite in the cloud's data directory and
the schema created at start-up (SQLite: Barbican is the only writer,
with one worker).  Barbican reads its configuration from
the default places only (each of its modules parses them again), so
the API runs with HOME set to a directory holding ``.barbican/
barbican.conf``; the paste pipeline is the release's own file, loaded by
devcloud/invenv/barbican_api.py.
"""
import base64
import os
import shutil

from devcloud import paths
from devcloud.services import Service, register, uwsgi

SERVICE = 'barbican'
SERVICE_TYPE = 'key-manager'


def _home(cloud):
    return cloud.layout.data_dir('barbican/home')


def _kek(cloud):
    """The Fernet key that wraps the projects' keys, made once."""
    path = cloud.layout.run_file('barbican-kek')
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as out:
            out.write(base64.urlsafe_b64encode(os.urandom(32)).decode())
    with open(path) as src:
        return src.read().strip()


def paste_ini(cloud):
    return os.path.join(cloud.layout.venv, 'etc', 'barbican',
                        'barbican-api-paste.ini')


def configure(cloud):
    data = cloud.layout.data_dir('barbican')
    conf = cloud.render('barbican.conf', extra={
        'barbican_url': url(cloud),
        'barbican_db': 'sqlite:///' + os.path.join(data, 'barbican.sqlite'),
        'barbican_kek': _kek(cloud)})
    target = os.path.join(_home(cloud), '.barbican')
    os.makedirs(target, exist_ok=True)
    shutil.copy(conf, os.path.join(target, 'barbican.conf'))  # and 0600


def start(cloud):
    app = 'wsgi-file = ' + os.path.join(paths.INVENV_DIR, 'barbican_api.py')
    uwsgi.start(cloud, SERVICE, SERVICE, app, threads=2, env={
        'HOME': _home(cloud),
        'DEVCLOUD_BARBICAN_PASTE': paste_ini(cloud),
    })


def url(cloud):
    return cloud.url(SERVICE)


def health_url(cloud):
    return url(cloud) + '/'


register(Service(
    SERVICE, wanted=lambda mode: mode.has_key_manager, configure=configure,
    start=start, start_needs=('keystone',), port=SERVICE,
    health_url=health_url, health_accept=(200, 300)))
