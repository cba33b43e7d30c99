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
functional tests do (:mod:`tests.devcloud`); the browser is headless
Chromium (:mod:`tests.dashboard.browser`). Screenshots of every page go to
``$DASHBOARD_SCREENSHOTS`` (default: a new folder under /tmp), printed when
the suite starts.
"""

import os
import tempfile

from selenium.common import exceptions as selenium_exceptions
import testtools

from tests.dashboard import browser
from tests import devcloud
from tests.devcloud import facts

TAB_ID = browser.TAB_ID

_screenshots = None


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


class DashboardTestCase(testtools.TestCase):
    """One browser per test; servers and images made per test, removed."""

    def setUp(self):
        super().setUp()
        self.env = devcloud.cloud_env()
        self.url = self.env['DEVCLOUD_HORIZON_URL']
        self.shots = screenshot_dir()
        self.demo = devcloud.connection('devcloud')
        self.horizon = browser.Horizon(self.url)
        self.addCleanup(self.horizon.quit)
        self.browser = self.horizon.driver
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
        image_id = devcloud.create_image(
            conn, devcloud.unique_name('dash'), properties,
            data=b'dashboard test\n' * 64,
        )
        self.addCleanup(conn.image.delete, '/images/%s' % image_id)
        return image_id

    def boot(self, image=facts.IMAGE, conn=None, flavor=None):
        """Boot a server from an image (name or ID), on the seed flavor or
        ``flavor`` (name or ID); return its ID."""
        conn = conn or self.demo
        server = devcloud.boot(
            conn, devcloud.unique_name('dash'), image,
            flavor_name=flavor or facts.FLAVOR['name'],
        )
        self.addCleanup(devcloud.delete, conn, server.id)
        return server.id

    def embedded(self, image_id, standard):
        """What this mode's Nova keeps of an image this test made."""
        return facts.embedded(devcloud.MODE, image_id, standard)

    def seeded_embedded(self):
        """What this mode's Nova keeps of the seed image servers boot
        from."""
        return devcloud.seeded_embedded(self.demo)

    # Browser ---------------------------------------------------------------

    def wait(self, timeout=browser.PAGE_TIMEOUT):
        return self.horizon.wait(timeout)

    def login(self, cloud='devcloud'):
        self.horizon.login(*devcloud.credentials(cloud))

    def open_tab(self, server_id, dashboard='project'):
        return self.horizon.open_tab(server_id, dashboard)

    def rows(self):
        return self.horizon.rows()

    def screenshot(self, name):
        return self.horizon.screenshot(os.path.join(self.shots, name + '.png'))

    def console_errors(self):
        return self.horizon.console_errors()
