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

"""The tab against stock Nova 2024.2 (maximum microversion 2.96).

Run by ``tox -e dashboard-unpatched``, which brings up
``tools/devcloud up --nova unpatched``.
"""

from selenium.webdriver.common.by import By

from tests.dashboard import base


class TestUnpatchedCloud(base.DashboardTestCase):

    def test_tab_names_the_clouds_maximum(self):
        server_id = self.boot()
        self.login('devcloud')
        tab = self.open_tab(server_id)
        self.screenshot('08-cloud-below-2.98')
        self.assertEqual('unsupported', tab.get_attribute('data-state'))
        line = tab.find_element(By.CSS_SELECTOR, '[data-line="unsupported"]')
        self.assertIn(
            'This cloud supports compute API microversions up to 2.96, but '
            'server image properties need microversion 2.98.', line.text)
        self.assertEqual([], self.rows())
