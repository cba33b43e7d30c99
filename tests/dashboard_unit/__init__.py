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
