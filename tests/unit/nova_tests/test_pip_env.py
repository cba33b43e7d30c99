#!/usr/bin/env python3
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

"""The environment tests/nova/run.py gives pip and Nova's tests."""

import os
import sys
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..',
                                'nova'))
import run  # noqa: E402  (tests/nova/run.py, a script)


class TestPipEnvironment(unittest.TestCase):

    def test_no_pbr_version_reaches_pip(self):
        # With PBR_VERSION in pip's environment, a pbr-based sdist that
        # pip builds (testresources has no wheel) claims that version,
        # and the resolver gives up.
        with mock.patch.dict(os.environ, {'PBR_VERSION': '32.2.1'}):
            self.assertNotIn('PBR_VERSION', run.pip_env())

    def test_nova_tree_gets_the_version_it_is_given(self):
        with mock.patch.dict(os.environ, {'PBR_VERSION': '1.0.0'}):
            env = run.clean_env(PBR_VERSION='30.3.0')
        self.assertEqual('30.3.0', env['PBR_VERSION'])

    def test_no_venv_of_the_caller_leaks(self):
        with mock.patch.dict(os.environ, {'VIRTUAL_ENV': '/x',
                                          'PYTHONPATH': '/y'}):
            env = run.pip_env()
        self.assertNotIn('VIRTUAL_ENV', env)
        self.assertNotIn('PYTHONPATH', env)
