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

"""Results of one Tempest run, kept per cloud in .tempest/<cloud>/."""
import json
import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ROOT = os.path.join(REPO_ROOT, '.tempest')
# The tests that read image.properties at 2.98: they run where the cloud
# has 2.98 and skip elsewhere.
TESTS_298 = 'ServersListShow298Test'


def work_dir(cloud):
    return os.path.join(ROOT, cloud)


def path(cloud):
    return os.path.join(work_dir(cloud), 'results.json')


def load(cloud):
    """The results of ``cloud``'s last run, or None."""
    try:
        with open(path(cloud)) as src:
            return json.load(src)
    except FileNotFoundError:
        return None


def save(cloud, results):
    with open(path(cloud), 'w') as out:
        json.dump(results, out, indent=1, sort_keys=True)


def counts(results):
    return {status: len(results[status])
            for status in ('passed', 'skipped', 'failed')}
