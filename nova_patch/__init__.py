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

"""Backport of compute API microversion 2.98 to Nova 2024.1 and 2024.2.

``python -m nova_patch {check,apply,revert}`` applies the patch series in
``series/<release>/`` to a Nova source tree or to an installed ``nova``
package. This package uses the standard library only, so that it runs with
the Python of any Nova deployment.
"""

# Nova major version -> the release line whose series fits it.
SERIES_BY_MAJOR = {
    29: '2024.1',
    30: '2024.2',
}
