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

"""Glance's batched image list answers only for the images asked for."""

import re

from osc_image_props import sdk
from osc_image_props.sdk import fleet
from osc_image_props.sdk import images
from tests.unit import cloud_answers
from tests.unit import fakes
from tests.unit.sdk import test_fleet

# Not plain (a comma cannot go into an in: list): asked for alone.
ODD = 'a,b'


class TestOnlyTheImagesAskedFor(test_fleet.FleetTestCase):

    def list_answers(self, *image_ids):
        """Glance's list answers with these images, whatever is asked."""
        self.mocker.get(fakes.IMAGE_LIST, json={'images': [
            fakes.FakeCloud.image_body(i, {'hw_machine_type': 'q35'})
            for i in image_ids
        ]})

    def test_fetch_returns_the_asked_ids_only(self):
        self.list_answers(fakes.IMAGE_ID, cloud_answers.image_id(9), ODD)
        conn = self.connect()
        found = images.fetch(conn, [fakes.IMAGE_ID])
        self.assertEqual([fakes.IMAGE_ID], list(found))
        self.assertEqual(fakes.IMAGE_ID, found[fakes.IMAGE_ID]['id'])

    def test_list_cannot_answer_for_an_image_asked_for_alone(self):
        self.cloud.add_server()
        odd = self.cloud.add_server(
            'odd', image_id=ODD, properties={'hw_machine_type': 'q35'})
        # The list (asked for IMAGE_ID) also sends an image of the odd ID,
        # which Glance itself does not show: GET /v2/images/a,b is a 404.
        self.list_answers(fakes.IMAGE_ID, ODD)
        results = {r.server_id: r for r in sdk.fleet_drift(self.connect())}
        self.assertEqual(fleet.IMAGE_MISSING, results[odd].outcome)
        self.assertEqual(
            ['/v2/images?id=in:%s&limit=2' % fakes.IMAGE_ID,
             '/v2/images/%s' % ODD],
            test_fleet.glance_requests(self.mocker))

    def test_next_link_to_another_host_is_not_followed(self):
        self.cloud.add_server()
        other = self.cloud.add_server(
            'legacy', properties={'hw_machine_type': 'pc'},
            image_id=test_fleet.OTHER)
        # A page with one of the two images asked for, linking elsewhere.
        self.mocker.get(fakes.IMAGE_LIST, json={
            'images': [self.cloud.images[fakes.IMAGE_ID]],
            'next': 'http://evil.test/v2/images?marker=%s' % fakes.IMAGE_ID,
        })
        evil = self.mocker.get(re.compile(r'^http://evil\.test/'),
                               json={'images': []})
        results = {r.server_id: r for r in sdk.fleet_drift(self.connect())}
        self.assertEqual([], evil.request_history)
        # The other image is then asked for alone.
        self.assertEqual(fleet.COMPARED, results[other].outcome)
        self.assertIn('/v2/images/%s' % test_fleet.OTHER,
                      test_fleet.glance_requests(self.mocker))
