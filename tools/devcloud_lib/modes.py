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

"""What each ``--nova`` mode installs.

The service projects are not in the upper-constraints files, so their
versions are pinned here: the newest release of each project in the series
whose constraints file is used.
"""
import dataclasses

UWSGI = "uwsgi==2.0.31"


@dataclasses.dataclass(frozen=True)
class Mode:
    name: str
    series: str  # the OpenStack series whose constraints file applies
    nova: str
    keystone: str
    placement: str
    glance: str
    patched: bool  # apply nova_patch after installing
    summary: str

    @property
    def requirements(self):
        return [
            "nova==" + self.nova,
            "keystone==" + self.keystone,
            "openstack-placement==" + self.placement,
            "glance==" + self.glance,
            UWSGI,
            "PyMySQL",  # Nova's databases are on MariaDB
            # Clients for seeding, the smoke test, the demo and tests.
            "openstacksdk",
            "python-openstackclient",
        ]

    @property
    def constraints_name(self):
        return f"upper-constraints-{self.series}.txt"


_2024_2 = {"series": "2024.2", "nova": "30.3.0", "keystone": "26.1.1",
               "placement": "12.0.2", "glance": "29.2.1"}

MODES = {
    "2024.2": Mode(name="2024.2", patched=True,
                   summary="Nova 30.3.0 (2024.2) + nova_patch: max 2.98",
                   **_2024_2),
    "2024.1": Mode(name="2024.1", series="2024.1", nova="29.4.0",
                   keystone="25.0.0", placement="11.0.1", glance="28.2.0",
                   patched=True,
                   summary="Nova 29.4.0 (2024.1) + nova_patch: max 2.98"),
    "upstream": Mode(name="upstream", series="2025.2", nova="32.2.1",
                     keystone="28.1.0", placement="14.0.0",
                     glance="31.1.0", patched=False,
                     summary="Nova 32.2.1 (2025.2), 2.98 natively"),
    "unpatched": Mode(name="unpatched", patched=False,
                      summary="stock Nova 30.3.0 (2024.2): max 2.96",
                      **_2024_2),
}

DEFAULT = "2024.2"
