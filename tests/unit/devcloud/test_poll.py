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

"""wait.poll: the one wait loop of devcloud, its scripts and the bench."""
from unittest import mock

import testtools

from devcloud import wait


class TestPoll(testtools.TestCase):

    def test_returns_the_first_true_answer(self):
        answers = iter([None, 0, 'ready', 'later'])
        with mock.patch('time.sleep') as sleep:
            self.assertEqual('ready', wait.poll(lambda: next(answers), 60,
                                                interval=2))
        self.assertEqual([mock.call(2), mock.call(2)], sleep.call_args_list)

    def test_last_false_answer_once_time_is_up(self):
        clock = iter(range(0, 1000, 10))
        calls = []

        def never():
            calls.append(1)
            return ''

        with mock.patch('time.monotonic', lambda: next(clock)), \
                mock.patch('time.sleep'):
            self.assertEqual('', wait.poll(never, 30))
        # The clock reads 0 (deadline 30), then 10, 20 and 30 after each
        # answer: three answers, the third at the deadline, then no more.
        self.assertEqual(3, len(calls))

    def test_an_exception_ends_the_wait(self):
        def broken():
            raise RuntimeError('gone')

        with mock.patch('time.sleep') as sleep:
            self.assertRaises(RuntimeError, wait.poll, broken, 60)
        sleep.assert_not_called()
