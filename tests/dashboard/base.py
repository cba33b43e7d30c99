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

"""Real-browser tests of the Horizon plugin against tools/devcloud.

The local cloud (with Horizon) is brought up by the suite, as the
functional tests do. The browser is Debian's Chromium driven by Debian's
chromium-driver through Selenium, headless. Screenshots of every page go
to ``$DASHBOARD_SCREENSHOTS`` (default: a new folder under /tmp), printed
when the suite starts.
"""

import os
import subprocess
import sys
import tempfile
import time
import types
import uuid

import openstack
from selenium import webdriver
from selenium.common import exceptions as selenium_exceptions
from selenium.webdriver.chrome import service as chrome_service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support import ui
import testtools

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEVCLOUD = os.path.join(REPO_ROOT, 'tools', 'devcloud')
NOVA_MODE = os.environ.get('DEVCLOUD_NOVA', '2024.2')
CHROMIUM = os.environ.get('DASHBOARD_CHROMIUM', '/usr/bin/chromium')
CHROMEDRIVER = os.environ.get(
    'DASHBOARD_CHROMEDRIVER', '/usr/bin/chromedriver'
)
SEED_IMAGE = 'cirros-like'
SEED_PROPERTIES = {
    'hw_machine_type': 'q35',
    'hw_tpm_model': 'tpm-crb',
    'hw_tpm_version': '2.0',
    'os_distro': 'ubuntu',
}
FLAVOR = 'devcloud.tiny'
BOOT_TIMEOUT = 120
PAGE_TIMEOUT = 60
TAB_ID = 'instance_details__image_properties'
# Horizon's instance detail URLs.
DETAIL_URLS = {
    'project': '/project/instances/%s/',
    'admin': '/admin/instances/%s/detail',
}

sys.path.insert(0, os.path.join(REPO_ROOT, 'tools'))
from devcloud_lib import paths as devcloud_paths  # noqa: E402
from devcloud_lib.services import mariadb as devcloud_mariadb  # noqa: E402

_cloud_env = None
_screenshots = None


def cloud_env():
    """Start (or find) the cloud once per process; return its exports."""
    global _cloud_env
    if _cloud_env is None:
        up = subprocess.run(
            [sys.executable, DEVCLOUD, 'up', '--nova', NOVA_MODE],
            capture_output=True, text=True,
        )
        if up.returncode != 0:
            raise RuntimeError(
                'tools/devcloud up --nova %s failed (exit %d):\n%s%s'
                % (NOVA_MODE, up.returncode, up.stdout, up.stderr)
            )
        exports = subprocess.run(
            [sys.executable, DEVCLOUD, 'env', '--nova', NOVA_MODE],
            capture_output=True, text=True, check=True,
        ).stdout
        env = {}
        for line in exports.splitlines():
            if line.startswith('export '):
                name, _, value = line[len('export '):].partition('=')
                env[name] = value.strip('\'"')
        _cloud_env = env
    return _cloud_env


def screenshot_dir():
    """The folder for this run's screenshots, announced once."""
    global _screenshots
    if _screenshots is None:
        _screenshots = os.environ.get('DASHBOARD_SCREENSHOTS') or (
            tempfile.mkdtemp(prefix='osc-image-props-dashboard-')
        )
        os.makedirs(_screenshots, exist_ok=True)
        # Straight to the terminal: stestr keeps a test's stdout.
        os.write(2, ('dashboard screenshots: %s\n' % _screenshots).encode())
    return _screenshots


def connection(cloud):
    config = openstack.config.OpenStackConfig(
        config_files=[cloud_env()['OS_CLIENT_CONFIG_FILE']],
    )
    return openstack.connection.Connection(config=config.get_one(cloud=cloud))


def credentials(cloud):
    """(username, password) of a clouds.yaml entry."""
    config = openstack.config.OpenStackConfig(
        config_files=[cloud_env()['OS_CLIENT_CONFIG_FILE']],
    )
    auth = config.get_one(cloud=cloud).config['auth']
    return auth['username'], auth['password']


def run_sql(statement):
    """Run SQL on the cloud's MariaDB (Nova's databases), as root."""
    cloud = types.SimpleNamespace(layout=devcloud_paths.Layout(NOVA_MODE))
    subprocess.run(
        ['mariadb', '--no-defaults', '--user=root',
         '--socket=' + devcloud_mariadb.socket_path(cloud), '-e', statement],
        check=True, capture_output=True, text=True,
    )


def new_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # Root in a container: no sandbox; no network chatter of its own.
    for argument in (
        '--headless=new', '--no-sandbox', '--disable-gpu',
        '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run',
        '--window-size=1400,1000',
        '--user-data-dir=' + tempfile.mkdtemp(prefix='chromium-profile-'),
    ):
        options.add_argument(argument)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    return webdriver.Chrome(
        service=chrome_service.Service(executable_path=CHROMEDRIVER),
        options=options,
    )


class DashboardTestCase(testtools.TestCase):
    """One browser per test; servers and images made per test, removed."""

    def setUp(self):
        super().setUp()
        self.env = cloud_env()
        self.url = self.env['DEVCLOUD_HORIZON_URL']
        self.shots = screenshot_dir()
        self.demo = connection('devcloud')
        self.browser = new_browser()
        self.addCleanup(self.browser.quit)
        self.addOnException(self._save_failure)

    def _save_failure(self, exc_info):
        name = 'FAILED-' + self.id().rsplit('.', 1)[-1]
        try:
            self.screenshot(name)
            with open(os.path.join(self.shots, name + '.html'), 'w') as out:
                out.write(self.browser.page_source)
        except selenium_exceptions.WebDriverException:
            pass

    # Cloud resources -----------------------------------------------------

    def create_image(self, properties, conn=None):
        conn = conn or self.demo
        name = 'dash-%s' % uuid.uuid4().hex[:8]
        body = dict(properties, name=name, disk_format='raw',
                    container_format='bare')
        image = self._check(conn.image.post('/images', json=body)).json()
        self.addCleanup(self._delete_image, conn, image['id'])
        self._check(conn.image.put(
            '/images/%s/file' % image['id'], data=b'dashboard test\n' * 64,
            headers={'Content-Type': 'application/octet-stream'},
        ))
        return image['id']

    @staticmethod
    def _delete_image(conn, image_id):
        conn.image.delete('/images/%s' % image_id)

    def set_image_properties(self, image_id, changes, conn=None):
        conn = conn or self.demo
        patch = [{'op': 'add', 'path': '/' + name, 'value': value}
                 for name, value in changes.items()]
        self._check(conn.image.patch(
            '/images/%s' % image_id, json=patch,
            headers={'Content-Type':
                     'application/openstack-images-v2.1-json-patch'},
        ))

    @staticmethod
    def _check(response):
        if response.status_code >= 400:
            raise AssertionError('%s %s: %s' % (
                response.status_code, response.url, response.text))
        return response

    def boot(self, image, conn=None):
        """Boot a server from an image (name or ID); return its ID."""
        conn = conn or self.demo
        image_id = conn.image.find_image(image, ignore_missing=False).id
        flavor = conn.compute.find_flavor(FLAVOR, ignore_missing=False)
        server = conn.compute.create_server(
            name='dash-%s' % uuid.uuid4().hex[:8], image_id=image_id,
            flavor_id=flavor.id, networks='none',
        )
        self.addCleanup(self._delete_server, conn, server.id)
        server = conn.compute.wait_for_server(server, wait=BOOT_TIMEOUT)
        return server.id

    @staticmethod
    def _delete_server(conn, server_id):
        conn.compute.delete_server(server_id, ignore_missing=True)
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if conn.compute.find_server(server_id) is None:
                return
            time.sleep(1)

    # Browser ---------------------------------------------------------------

    def wait(self, timeout=PAGE_TIMEOUT):
        return ui.WebDriverWait(self.browser, timeout)

    def login(self, cloud='devcloud'):
        username, password = credentials(cloud)
        self.browser.get(self.url + '/auth/login/')
        self.wait().until(expected_conditions.presence_of_element_located(
            (By.ID, 'id_username')))
        self.browser.find_element(By.ID, 'id_username').send_keys(username)
        self.browser.find_element(By.ID, 'id_password').send_keys(password)
        self.browser.find_element(By.ID, 'loginBtn').click()
        self.wait().until(lambda b: '/auth/login' not in b.current_url)

    def open_tab(self, server_id, dashboard='project'):
        """Open the detail page, then the tab by clicking it."""
        self.browser.get(self.url + DETAIL_URLS[dashboard] % server_id)
        link = self.wait().until(expected_conditions.element_to_be_clickable(
            (By.CSS_SELECTOR, 'a[data-target="#%s"]' % TAB_ID)))
        link.click()
        return self.wait().until(
            expected_conditions.visibility_of_element_located(
                (By.ID, 'osc-image-props')))

    def rows(self):
        """[(name, embedded, glance, state)] as the browser shows them."""
        result = []
        for row in self.browser.find_elements(
                By.CSS_SELECTOR, '#osc-image-props-table tbody tr'):
            cells = row.find_elements(By.TAG_NAME, 'td')
            result.append(tuple(cell.text for cell in cells))
        return result

    def screenshot(self, name):
        path = os.path.join(self.shots, name + '.png')
        self.browser.save_screenshot(path)
        return path

    def console_errors(self):
        try:
            entries = self.browser.get_log('browser')
        except selenium_exceptions.WebDriverException:
            return []
        return [e for e in entries if e.get('level') == 'SEVERE']
