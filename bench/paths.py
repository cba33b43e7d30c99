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

"""Where things are: the repository, .bench/ and the devcloud."""
import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(PACKAGE_DIR)
BENCH_DIR = os.path.join(REPO, '.bench')
INVENV = os.path.join(PACKAGE_DIR, 'invenv')
# Run as a script by the fleet benchmark's large tier.
FAKECLOUD = os.path.join(PACKAGE_DIR, 'fakecloud.py')
DEVCLOUD = os.path.join(REPO, 'tools', 'devcloud')
CONSTRAINTS = os.path.join(REPO, 'constraints',
                           'upper-constraints-2024.2.txt')
NEWEST_CONSTRAINTS = os.path.join(REPO, 'constraints',
                                  'upper-constraints-2026.1.txt')
WHEELHOUSE = os.path.join(REPO, '.devcloud', 'wheelhouse')
DEFAULT_OUTPUT = os.path.join(BENCH_DIR, 'figures.json')


def venv(name):
    return os.path.join(BENCH_DIR, name)


def probe(name):
    return os.path.join(INVENV, name)
