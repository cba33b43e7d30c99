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

"""Cloud.wait_until: how every service's wait ends."""
from unittest import mock

import fixtures
import testtools

from devcloud.progress import StepFailed
from tests.unit.devcloud import temp_cloud


class TestWaitUntil(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cloud = temp_cloud.make(self, '2024.2')
        self.alive = self.useFixture(fixtures.MockPatchObject(
            self.cloud.registry, 'alive')).mock

    def test_ready_after_a_few_polls(self):
        self.alive.return_value = True
        answers = iter([False, False, True])
        with mock.patch('time.sleep') as sleep:
            self.cloud.wait_until('glance', lambda: next(answers), 'no')
        self.assertEqual(2, sleep.call_count)
        self.alive.assert_called_with('glance')

    def test_the_service_exits(self):
        self.alive.return_value = False
        error = self.assertRaises(
            StepFailed, self.cloud.wait_until, 'glance', lambda: True, 'no')
        self.assertEqual('glance exited while starting', str(error))
        self.assertEqual('glance', error.service)
        self.assertEqual(self.cloud.layout.log_file('glance'), error.log)

    def test_it_never_answers(self):
        self.alive.return_value = True
        clock = iter(range(0, 1000, 10))
        with mock.patch('time.monotonic', lambda: next(clock)), \
                mock.patch('time.sleep'):
            error = self.assertRaises(
                StepFailed, self.cloud.wait_until, 'rabbitmq',
                lambda: False, 'RabbitMQ did not listen on 127.0.0.1:1',
                timeout=60)
        self.assertEqual('RabbitMQ did not listen on 127.0.0.1:1 within 60s',
                         str(error))
