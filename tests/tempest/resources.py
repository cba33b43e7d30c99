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

"""What tempest.conf points at, made once per cloud; prints it as JSON.

Run in the cloud's venv, with the admin's clouds.yaml entry as argument:
``tools/devcloud python tests/tempest/resources.py devcloud-admin``.
Tempest needs two images and two flavors of its own: the rebuild and
resize tests move a server from one to the other.  The images carry no
properties, so that any server Tempest boots can be deleted and its
compute host restarted at any time (see the vTPM note in
devcloud/facts.py).
"""
import json
import os
import sys

import openstack

# The seed's own helpers: devcloud/invenv/seed.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), 'devcloud',
    'invenv'))
import seed  # noqa: E402

IMAGES = ('tempest-image', 'tempest-image-alt')
# Resize tests need a second flavor with more of something.
FLAVORS = {'tempest.tiny': {'ram': 128, 'vcpus': 1, 'disk': 1},
           'tempest.small': {'ram': 192, 'vcpus': 1, 'disk': 2}}


def ensure_flavor(conn, name, spec):
    flavor = conn.compute.find_flavor(name)
    if flavor is None:
        flavor = conn.compute.create_flavor(name=name, is_public=True,
                                            **spec)
    return flavor.id


def main():
    conn = openstack.connect(cloud=sys.argv[1])
    image, image_alt = (seed.ensure_image(conn, name, {}) for name in IMAGES)
    flavor, flavor_alt = (ensure_flavor(conn, name, spec)
                          for name, spec in FLAVORS.items())
    print(json.dumps({'image_ref': image, 'image_ref_alt': image_alt,
                      'flavor_ref': flavor, 'flavor_ref_alt': flavor_alt}))


if __name__ == '__main__':
    main()
