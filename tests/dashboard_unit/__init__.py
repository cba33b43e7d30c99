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

"""Unit tests of the Horizon plugin, with Horizon's own test helpers.

They need Horizon installed (``tox -e dashboard-unit``). Django is set up
here, before any test module imports Horizon's helpers, with the test
environment and (in-memory SQLite) database that Django's own test runner
would make: stestr runs these tests, not Django's runner.
"""

import os

import django
from django.test import utils

os.environ.setdefault(
    'DJANGO_SETTINGS_MODULE', 'tests.dashboard_unit.settings'
)
django.setup()
utils.setup_test_environment()
utils.setup_databases(verbosity=0, interactive=False)
