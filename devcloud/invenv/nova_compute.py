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

"""nova-compute with the fake driver, declaring vTPM support and uploading
snapshots.

Run by tools/devcloud instead of the venv's ``nova-compute`` script, with
the same arguments.  The devcloud's compute node already advertises the
COMPUTE_SECURITY_TPM_* traits (added in Placement by seed.py) so that
images with ``hw_tpm_version`` can be scheduled.  The fake driver itself
says ``supports_vtpm: False``, and nova-compute refuses to start on a host
that has vTPM servers and no vTPM support: after the first such server the
cloud could not be restarted.  Declaring the capability, as libvirt does
with ``[libvirt] swtpm_enabled``, keeps the node consistent with its traits.

The fake driver's snapshot stops before the upload, so the image Nova
created for it stays ``saving`` in Glance for ever, and with it every
``createImage`` and ``shelve``.  Here a snapshot uploads a few bytes, with
the formats and metadata a real driver sends, and the image becomes active.
The upload takes a few seconds, as a real one does: while it runs, Nova
refuses a second snapshot of the server (409), which Tempest checks.
"""
import io
import sys
import time

from nova.cmd import compute  # first: it applies Nova's eventlet patching
from nova.image import glance
from nova.virt import fake

DRIVER = fake.FakeDriverWithoutFakeNodes
DRIVER.capabilities = dict(DRIVER.capabilities, supports_vtpm=True)
SNAPSHOT_DATA = b'devcloud fake-driver snapshot\n' * 32
UPLOAD_SECONDS = 3
_fake_snapshot = DRIVER.snapshot


def snapshot(self, context, instance, image_id, update_task_state):
    _fake_snapshot(self, context, instance, image_id, update_task_state)
    time.sleep(UPLOAD_SECONDS)  # green: nova-compute runs under eventlet
    metadata = {'disk_format': 'raw', 'container_format': 'bare',
                'properties': {'image_location': 'snapshot',
                               'image_state': 'available',
                               'owner_id': instance.project_id}}
    glance.API().update(context, image_id, metadata,
                        data=io.BytesIO(SNAPSHOT_DATA), purge_props=False)


DRIVER.snapshot = snapshot

if __name__ == '__main__':
    sys.exit(compute.main())
