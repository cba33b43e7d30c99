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

"""The vTPM view of a server already read: the body the Horizon tab has."""

import dataclasses

from osc_image_props import sdk
from osc_image_props.sdk import vtpm
from tests.unit import base
from tests.unit import fakes
from tests.unit.sdk import test_vtpm


class VtpmOfServer(base.TestCase):
    max_version = '2.103'

    def test_after_the_drift_no_request_and_the_view_of_get_vtpm(self):
        sid = test_vtpm._vtpm_server(
            self.cloud, specs={'hw:tpm_secret_security': 'host'})
        conn = self.connect()
        drift = sdk.image_properties_drift(conn, sid)
        before = len(self.mocker.request_history)

        view = vtpm.vtpm_of_server(conn, drift.server)

        self.assertEqual(before, len(self.mocker.request_history))
        # Read at exactly 2.98, a body of the drift's own request.
        self.assertEqual('2.98', drift.server.microversion)
        self.assertEqual(('host', 'flavor'),
                         (view.secret_security, view.secret_security_source))
        self.assertIs(True, view.live_migratable)
        self.assertEqual(
            dataclasses.asdict(sdk.get_vtpm(self.connect(), sid)),
            dataclasses.asdict(view))

    def test_without_a_discovery_made_it_costs_one(self):
        self.cloud.max_version = '2.100'
        sid = test_vtpm._vtpm_server(self.cloud)
        conn = self.connect()
        server = sdk.find_server(conn, sid, '2.98')
        self.assertEqual([], self._discoveries())

        view = vtpm.vtpm_of_server(conn, server)

        self.assertEqual(1, len(self._discoveries()))
        self.assertEqual([('GET', '/v2.1/servers/%s' % sid)],
                         fakes.compute_requests(self.mocker))
        self.assertEqual(('user', 'release'),
                         (view.secret_security, view.secret_security_source))

    def test_raw_body_is_a_copy_of_what_nova_sent(self):
        sid = test_vtpm._vtpm_server(
            self.cloud, specs={'hw:tpm_model': 'tpm-crb'})
        server = sdk.find_server(self.connect(), sid, '2.98')
        body = server.raw_body()
        self.assertEqual({'hw:tpm_model': 'tpm-crb'},
                         body['flavor']['extra_specs'])
        self.assertEqual({'hw_tpm_version': '2.0'},
                         body['image']['properties'])
        body['flavor']['extra_specs'].clear()
        body.pop('image')
        again = server.raw_body()
        self.assertIn('image', again)
        self.assertEqual({'hw:tpm_model': 'tpm-crb'},
                         again['flavor']['extra_specs'])

    def _discoveries(self):
        return [
            r for r in self.mocker.request_history
            if r.hostname == 'compute.test'
            and r.path.rstrip('/') in ('', '/v2.1')
        ]
