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

"""Horizon with the osc-image-props dashboard plugin, under uwsgi.

Horizon gets a venv of its own (<state>/venvs/horizon-<series>/): it is
installed from the same upper-constraints file as the cloud's services, so
the release matches the mode (horizon 25.1.x for 2024.2), but its Django
and plugin stay out of the services' venv.  A cloud older than the oldest
client pins the plugin supports (2024.1) gets the Horizon of those pins.
The plugin is installed editable from this repository and enabled the way
operators enable Horizon plugins: its enabled file copied to
openstack_dashboard/local/enabled/ and a local_settings.py beside it.
Sessions are signed cookies, the cache is local memory (one uwsgi
worker), static files are compressed once and served by uwsgi.  Loopback
only.
"""
import hashlib
import json
import os
import random
import secrets
import shutil
import sys

from devcloud import install, modes, paths, uv
from devcloud import ports as ports_mod
from devcloud.progress import StepFailed
from devcloud.services import DASHBOARD, Service, register

SERVICE = 'horizon'
SETTINGS_MODULE = 'openstack_dashboard.settings'
ENABLED_FILE = '_9050_osc_image_props.py'
# Also used by tox's dashboard-unit environment.
BUILD_CONSTRAINTS = os.path.join(paths.TEMPLATES_DIR,
                                 'horizon-build-constraints.txt')

LOCAL_SETTINGS = """\
# Written by tools/devcloud for its {mode} cloud.
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
SECRET_KEY = {secret!r}
OPENSTACK_KEYSTONE_URL = {keystone!r}
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
OPENSTACK_ENDPOINT_TYPE = 'publicURL'
WEBROOT = '/'
STATIC_ROOT = {static!r}
COMPRESS_OFFLINE = True
SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'
CACHES = {{'default': {{
    'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
TIME_ZONE = 'UTC'
# Neutron without L3 or DHCP agents: no router or floating IP panels.
OPENSTACK_NEUTRON_NETWORK = {{
    'enable_router': False, 'enable_quotas': True,
    'enable_distributed_router': False, 'enable_ha_router': False,
    'enable_fip_topology_check': False}}
LOGGING = {{
    'version': 1, 'disable_existing_loggers': False,
    'handlers': {{'console': {{'class': 'logging.StreamHandler'}}}},
    'root': {{'handlers': ['console'], 'level': 'INFO'}},
}}
"""


def venv(cloud):
    return os.path.join(cloud.layout.root, 'venvs',
                        'horizon-' + modes.client_release(cloud.mode).series)


def _bin(cloud, name):
    return os.path.join(venv(cloud), 'bin', name)


def _dashboard_dir(cloud):
    lib = os.path.join(venv(cloud), 'lib')
    for entry in sorted(os.listdir(lib)):
        path = os.path.join(lib, entry, 'site-packages', 'openstack_dashboard')
        if os.path.isdir(path):
            return path
    raise StepFailed(f'no openstack_dashboard in {venv(cloud)}',
                     service=SERVICE)


def _static_root(cloud):
    return os.path.join(cloud.layout.data, 'horizon-static')


def _wanted(cloud):
    return dict(install.wanted(modes.client_release(cloud.mode),
                               requirements=['horizon', modes.UWSGI]),
                plugin=paths.REPO_ROOT)


def ensure_installed(cloud):
    """Install Horizon and the plugin if needed; True if it did."""
    marker = os.path.join(venv(cloud), '.devcloud-installed.json')
    want = _wanted(cloud)
    if install.read_json(marker) == want:
        return False
    log = cloud.layout.log_file('horizon-install')
    # PIP_BUILD_CONSTRAINT: pip 25.3 and later apply only that one to
    # build environments.
    env = dict(cloud.env(), PIP_CONSTRAINT=BUILD_CONSTRAINTS,
               PIP_BUILD_CONSTRAINT=BUILD_CONSTRAINTS,
               UV_BUILD_CONSTRAINT=BUILD_CONSTRAINTS)
    env.pop('VIRTUAL_ENV', None)
    if not os.path.exists(_bin(cloud, 'python')):
        _run([sys.executable, '-m', 'venv', venv(cloud)], log, env)
    args = ['--find-links', cloud.layout.wheelhouse,
            '-c', install.constraints_file(modes.client_release(cloud.mode)),
            *want['requirements'], '-e', paths.REPO_ROOT]
    pip = [_bin(cloud, 'python'), '-m', 'pip', 'install',
           '--cache-dir', cloud.layout.pip_cache] + args
    if uv.binary() is None:
        _run(pip, log, env)
    else:
        # uv where it is at hand, as for the cloud's venv; pip if it fails.
        try:
            _run(uv.install_command(_bin(cloud, 'python'), env) + args, log,
                 env)
        except StepFailed:
            _run(pip, log, env)
    with open(marker, 'w') as out:
        json.dump(want, out, indent=1, sort_keys=True)
    # A new Horizon needs its static files collected again.
    install.remove(_static_marker(cloud))
    return True


def _static_marker(cloud):
    return cloud.layout.run_file('horizon-static.json')


def _run(argv, log, env, cwd=None):
    install.run(argv, log, SERVICE, env, cwd)


def _port_file(cloud):
    return cloud.layout.run_file('horizon-port.json')


def port(cloud):
    """Horizon's port, as recorded when it was last started."""
    return (install.read_json(_port_file(cloud)) or {}).get('port')


def _assign_port(cloud):
    """Keep the recorded port if it is free, else draw a new one."""
    taken = set(cloud.ports.values())
    chosen = port(cloud)
    if chosen and chosen not in taken and ports_mod.is_free(chosen):
        return chosen
    rng = random.SystemRandom()
    while True:
        chosen = rng.randrange(ports_mod.LOW, ports_mod.HIGH)
        if chosen not in taken and ports_mod.is_free(chosen):
            break
    with open(_port_file(cloud), 'w') as out:
        json.dump({'port': chosen}, out)
    return chosen


def choose_port(cloud):
    """Record Horizon's port before any step is run: ``up`` prints the
    URL when the steps are laid out, before start (a new cloud has no
    port recorded yet)."""
    _assign_port(cloud)


def url(cloud):
    return f'http://127.0.0.1:{port(cloud)}'


def health_url(cloud):
    return url(cloud) + '/auth/login/'


def _secret(cloud):
    path = cloud.layout.run_file('horizon-secret-key')
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as out:
            out.write(secrets.token_urlsafe(48))
    with open(path) as src:
        return src.read().strip()


def configure(cloud):
    """local_settings.py and the plugin's enabled file, as an operator
    would put them into an installed Horizon."""
    local = os.path.join(_dashboard_dir(cloud), 'local')
    settings = LOCAL_SETTINGS.format(
        mode=cloud.mode.name, secret=_secret(cloud),
        keystone=cloud.keystone_url + '/v3', static=_static_root(cloud))
    with open(os.path.join(local, 'local_settings.py'), 'w') as out:
        out.write(settings)
    shutil.copyfile(
        os.path.join(paths.REPO_ROOT, 'osc_image_props_dashboard', 'enabled',
                     ENABLED_FILE),
        os.path.join(local, 'enabled', ENABLED_FILE))
    # collectstatic and compress again when the settings or plugin change.
    digest = hashlib.sha256(settings.encode())
    for folder, dirs, files in sorted(os.walk(os.path.join(
            paths.REPO_ROOT, 'osc_image_props_dashboard'))):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for name in sorted(files):
            if name.endswith(('.html', '.py')):
                with open(os.path.join(folder, name), 'rb') as src:
                    digest.update(src.read())
    marker = _static_marker(cloud)
    if (install.read_json(marker) or {}).get('sha256') != digest.hexdigest():
        _django(cloud, 'collectstatic', '--noinput', '--clear')
        try:
            _django(cloud, 'compress', '--force')
        except StepFailed:
            # django-pyscss failed here once in a while with a parse error
            # in a template that compressed fine the run before and after.
            _django(cloud, 'compress', '--force')
        with open(marker, 'w') as out:
            json.dump({'sha256': digest.hexdigest()}, out)


def _env(cloud):
    env = cloud.env(DJANGO_SETTINGS_MODULE=SETTINGS_MODULE)
    env['PATH'] = os.path.join(venv(cloud), 'bin') + ':' + env['PATH']
    env['VIRTUAL_ENV'] = venv(cloud)
    return env


def _django(cloud, *args):
    _run([_bin(cloud, 'python'), '-m', 'django', *args],
         cloud.layout.log_file('horizon-install'), _env(cloud),
         cwd=cloud.layout.data)


def start(cloud):
    app = '\n'.join([
        'module = openstack_dashboard.wsgi:application',
        f'static-map = /static={_static_root(cloud)}',
    ])
    ini = cloud.render('uwsgi.ini', name='horizon-uwsgi.ini', extra={
        'port': port(cloud) or _assign_port(cloud),
        'app_line': app,
        'threads': 4,
        'venv': venv(cloud),
        'env_lines': 'env = DJANGO_SETTINGS_MODULE=' + SETTINGS_MODULE,
    })
    cloud.start(SERVICE, [_bin(cloud, 'uwsgi'), '--ini', ini], env=_env(cloud))


def init(cloud):
    """Horizon's own venv and its configuration (which needs the venv:
    the static files are compressed there)."""
    progress = cloud.progress
    if install.read_json(os.path.join(
            venv(cloud), '.devcloud-installed.json')) != _wanted(cloud):
        progress.say(f'horizon venv {venv(cloud)}: installing Horizon '
                     '(a first run: a minute or two)')
    with progress.step(f'horizon venv {venv(cloud)} '
                       f'({modes.client_release(cloud.mode).series} '
                       'constraints) with the osc-image-props plugin'):
        ensure_installed(cloud)
    with progress.step('horizon configured, static files compressed'):
        configure(cloud)


register(Service(
    SERVICE, phase=DASHBOARD, configure=choose_port, init=init, start=start,
    health_url=health_url,
    health_timeout=120, describe=lambda cloud: f'horizon on {url(cloud)}'))
