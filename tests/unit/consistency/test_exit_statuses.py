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

"""The documentation's table of exit statuses is the commands' one."""

import os
import re

import testtools

from devcloud import paths
from osc_image_props.osc import plumbing

CLI_RST = os.path.join(paths.REPO_ROOT, 'doc', 'source', 'cli.rst')


class TestExitStatuses(testtools.TestCase):

    def test_cli_docs_show_the_one_table(self):
        with open(CLI_RST) as src:
            rst = src.read()
        table = rst.split('.. _exit-statuses:')[1].split('\n\n\n')[0]
        rows = re.findall(r'^   \* - (\d+)\n     - (.*?)(?=^   \* |\Z)',
                          table, re.M | re.S)
        self.assertEqual(
            [(str(code), meaning) for code, meaning in plumbing.TABLE],
            [(code, ' '.join(meaning.split())) for code, meaning in rows])
