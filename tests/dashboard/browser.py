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

"""Headless Chromium on the local cloud's Horizon: the browser tests drive
it, and tools/demo takes its screenshot of the tab with it.

The browser is Debian's Chromium driven by Debian's chromium-driver
through Selenium.

    python -m tests.dashboard.browser SERVER_ID PNG [--cloud devcloud]

logs in as the user of that clouds.yaml entry, opens the server's Image
Properties tab and saves a screenshot of it.
"""

import argparse
import os
import sys
import tempfile

from selenium import webdriver
from selenium.common import exceptions as selenium_exceptions
from selenium.webdriver.chrome import service as chrome_service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support import ui

from tests import devcloud

CHROMIUM = os.environ.get('DASHBOARD_CHROMIUM', '/usr/bin/chromium')
CHROMEDRIVER = os.environ.get(
    'DASHBOARD_CHROMEDRIVER', '/usr/bin/chromedriver'
)
PAGE_TIMEOUT = 60
TAB_ID = 'instance_details__image_properties'
# Horizon's instance detail URLs.
DETAIL_URLS = {
    'project': '/project/instances/%s/',
    'admin': '/admin/instances/%s/detail',
}


def new_driver():
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


class Horizon:
    """One browser on one Horizon."""

    def __init__(self, url):
        self.url = url
        self.driver = new_driver()

    def quit(self):
        self.driver.quit()

    def wait(self, timeout=PAGE_TIMEOUT):
        return ui.WebDriverWait(self.driver, timeout)

    def login(self, username, password):
        self.driver.get(self.url + '/auth/login/')
        self.wait().until(expected_conditions.presence_of_element_located(
            (By.ID, 'id_username')))
        self.driver.find_element(By.ID, 'id_username').send_keys(username)
        self.driver.find_element(By.ID, 'id_password').send_keys(password)
        self.driver.find_element(By.ID, 'loginBtn').click()
        self.wait().until(lambda b: '/auth/login' not in b.current_url)

    def open_tab(self, server_id, dashboard='project'):
        """Open the detail page, then the tab by clicking it."""
        self.driver.get(self.url + DETAIL_URLS[dashboard] % server_id)
        link = self.wait().until(expected_conditions.element_to_be_clickable(
            (By.CSS_SELECTOR, 'a[data-target="#%s"]' % TAB_ID)))
        link.click()
        return self.wait().until(
            expected_conditions.visibility_of_element_located(
                (By.ID, 'osc-image-props')))

    def rows(self):
        """[(name, embedded, glance, state)] as the browser shows them."""
        result = []
        for row in self.driver.find_elements(
                By.CSS_SELECTOR, '#osc-image-props-table tbody tr'):
            cells = row.find_elements(By.TAG_NAME, 'td')
            result.append(tuple(cell.text for cell in cells))
        return result

    def vtpm(self):
        """The tab's vTPM section: ``(state, facts, text)``.

        ``facts`` maps each fact to ``(value, source, shown)``: its
        ``data-value`` and ``data-source`` (None for the facts that have
        no source) and the text the browser shows for it; ``text`` is the
        text of the whole section.
        """
        section = self.driver.find_element(By.ID, 'osc-image-props-vtpm')
        facts = {
            element.get_attribute('data-fact'): (
                element.get_attribute('data-value'),
                element.get_attribute('data-source'),
                element.text,
            )
            for element in section.find_elements(
                By.CSS_SELECTOR, '[data-fact]')
        }
        return section.get_attribute('data-vtpm'), facts, section.text

    def screenshot(self, path):
        self.driver.save_screenshot(path)
        return path

    def console_errors(self):
        try:
            entries = self.driver.get_log('browser')
        except selenium_exceptions.WebDriverException:
            return []
        return [e for e in entries if e.get('level') == 'SEVERE']


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m tests.dashboard.browser',
        description="Save a screenshot of a server's Image Properties tab "
                    "in the local cloud's Horizon.")
    parser.add_argument('server_id')
    parser.add_argument('png')
    parser.add_argument('--cloud', default='devcloud',
                        help='the clouds.yaml entry of the user to log in '
                             'as (default: devcloud)')
    args = parser.parse_args(argv)
    horizon = Horizon(devcloud.cloud_env()['DEVCLOUD_HORIZON_URL'])
    try:
        horizon.login(*devcloud.credentials(args.cloud))
        horizon.open_tab(args.server_id)
        horizon.screenshot(args.png)
    except selenium_exceptions.WebDriverException as exc:
        sys.exit('no screenshot: %s' % (exc.msg or type(exc).__name__))
    finally:
        horizon.quit()
    print(args.png)


if __name__ == '__main__':
    main()
