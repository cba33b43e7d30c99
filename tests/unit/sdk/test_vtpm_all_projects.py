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

"""The vTPM list across projects: the SDK's and the command's."""

import json
import re
import urllib.parse

from osc_image_props import sdk
from tests.unit import base
from tests.unit import fakes
from tests.unit.sdk.test_fleet import detail_requests

VTPM = {'hw_tpm_version': '2.0'}


class AllProjects(base.TestCase):
    max_version = '2.103'

    def setUp(self):
        super().setUp()
        self.mine = self.cloud.add_server(name='mine', properties=VTPM)
        self.theirs = self.cloud.add_server(name='theirs', properties=VTPM)
        self.cloud.servers[self.theirs]['tenant_id'] = 'another-project'
        # As Nova lists: the token's project only, unless all_tenants.
        self.mocker.get(
            re.compile(r'^http://compute\.test/v2\.1/servers/detail(\?.*)?$'),
            json=self._list_servers,
        )

    def _list_servers(self, request, context):
        body = self.cloud._list_servers(request, context)
        if 'all_tenants' not in urllib.parse.parse_qs(request.query):
            body['servers'] = [s for s in body['servers']
                               if s['tenant_id'] == fakes.PROJECT_ID]
        return body

    def test_sdk_all_projects(self):
        views = sdk.list_vtpm(self.connect(), all_projects=True)
        self.assertEqual({self.mine, self.theirs},
                         {v.server_id for v in views})
        ((_, query),) = detail_requests(self.mocker)
        self.assertEqual({'all_tenants': ['True']}, query)

    def test_sdk_own_project_by_default(self):
        views = sdk.list_vtpm(self.connect())
        self.assertEqual([self.mine], [v.server_id for v in views])
        ((_, query),) = detail_requests(self.mocker)
        self.assertEqual({}, query)

    def _cli_ids(self, *options):
        status, out, err = self.run_cli('server', 'vtpm', 'list', *options,
                                        '-f', 'json')
        self.assertEqual(0, status, err)
        return {row['ID'] for row in json.loads(out)}

    def test_cli_all_projects(self):
        self.assertEqual({self.mine, self.theirs},
                         self._cli_ids('--all-projects'))
        ((_, query),) = detail_requests(self.mocker)
        self.assertEqual({'all_tenants': ['True']}, query)

    def test_cli_own_project_by_default(self):
        self.assertEqual({self.mine}, self._cli_ids())
        ((_, query),) = detail_requests(self.mocker)
        self.assertEqual({}, query)
