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

from devcloud import services
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


class TestServiceWait(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cloud = temp_cloud.make(self, '2024.2')
        self.wait_http = self.useFixture(fixtures.MockPatchObject(
            self.cloud, 'wait_http')).mock

    def test_until_the_health_url_answers(self):
        service = services.Service(
            'glance', port='glance', health_accept=(200, 300),
            health_url=lambda cloud: cloud.url('glance') + '/versions')
        service.wait_ready(self.cloud)
        self.wait_http.assert_called_once_with(
            'glance', self.cloud.url('glance') + '/versions', timeout=90,
            accept=(200, 300))

    def test_a_wait_of_its_own(self):
        waited = []
        service = services.Service('mariadb', wait=waited.append,
                                   health_url=lambda cloud: 'unused')
        service.wait_ready(self.cloud)
        self.assertEqual([self.cloud], waited)
        self.wait_http.assert_not_called()

    def test_the_registered_services_wait_as_they_did(self):
        # (accept, timeout) of what each health URL answers once healthy.
        expected = {'keystone': None, 'placement': ((200,), 90),
                    'glance': ((200, 300), 90), 'neutron': ((200,), 90),
                    'nova-api': ((200,), 90), 'barbican': ((200, 300), 90),
                    'horizon': ((200,), 120)}
        found = {s.name: None if s.wait else (s.health_accept,
                                              s.health_timeout)
                 for s in services.registered() if s.health_url}
        self.assertEqual(expected, found)
