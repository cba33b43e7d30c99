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

"""Where a URL leads: the one comparison of the paging guard, the
capture of ``server list`` and ``server show``, and Glance's next links."""

import testtools

from osc_image_props.sdk import compute_api

ENDPOINT = 'http://compute.test/v2.1'


class TestEndpointKey(testtools.TestCase):

    def test_scheme_host_and_port_of_a_url(self):
        self.assertEqual(
            (('https', 'compute.test', 8774), '/v2.1/servers/detail'),
            compute_api.endpoint_key('https://compute.test:8774/v2.1/servers/detail'
                              '?marker=x'),
        )

    def test_same_endpoint_only_in_other_spellings(self):
        # requests sends the host in lower case and keeps a written port.
        for url, same in (
            ('HTTP://Compute.TEST/v2.1', True),
            ('http://compute.test:80/v2.1', True),
            ('http://user@compute.test/v2.1', True),
            ('https://compute.test/v2.1', False),
            ('http://compute.test:8774/v2.1', False),
            ('http://compute.test:443/v2.1', False),
            ('http://evil.test/v2.1', False),
            ('http://compute.test.evil.test/v2.1', False),
            ('http://compute.test/V2.1', False),
            ('/v2.1', False),
        ):
            with self.subTest(url=url):
                self.assertEqual(
                    same,
                    compute_api.endpoint_key(ENDPOINT)
                    == compute_api.endpoint_key(url))

    def test_default_port_is_the_schemes(self):
        self.assertEqual(
            (('https', 'compute.test', 443), '/'),
            compute_api.endpoint_key('https://compute.test:443/'))
        self.assertEqual(
            (('https', 'compute.test', 443), '/'),
            compute_api.endpoint_key('https://compute.test/'))

    def test_a_port_that_is_not_a_number_leads_nowhere(self):
        for url in ('http://compute.test:abc/v2.1',
                    'http://compute.test:99999/v2.1'):
            with self.subTest(url=url):
                self.assertIsNone(compute_api.endpoint_key(url))
