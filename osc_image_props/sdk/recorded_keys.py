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

"""Image properties that nova-compute writes into a server's copy itself.

Nova's compute API copies the image's properties into the instance's
system metadata (``image_<name>`` rows), and microversion 2.98 shows that
copy. The libvirt driver then adds rows of its own, for the names the image
left unset, so that a later change of the host's defaults (QEMU, libvirt,
``nova.conf``) does not change the guest's ABI. Such a name is in the copy
but was never in the image: it tells what the compute host chose, and is
not drift.

Read from the sources of Nova 29.4.0, 30.3.0, 31.3.1, 32.2.1, 33.0.2 and
34.0.0 (``nova/virt/``); every release writes the same names:

* ``nova/virt/libvirt/driver.py``: ``REGISTER_IMAGE_PROPERTY_DEFAULTS``
  (``hw_machine_type``, ``hw_cdrom_bus``, ``hw_disk_bus``,
  ``hw_input_bus``, ``hw_pointer_model``, ``hw_video_model``,
  ``hw_vif_model``). ``LibvirtDriver._register_undefined_instance_details``
  stores, for each of them that has no ``image_<name>`` row yet, the
  default the driver uses (``_find_default_for_image_property``; it may be
  None, which Nova 2025.1 shows as a null). It runs at the end of
  ``spawn`` and, for every instance of the host, at start-up:
  ``init_host`` calls ``_register_all_undefined_instance_details`` in
  29.4.0 to 33.0.2, ``process_instances_at_startup`` does in 34.0.0.
* ``nova/virt/libvirt/driver.py``: ``_configure_guest_by_virt_type``
  records the machine type it chose as ``image_hw_machine_type`` when the
  image has none.
* ``nova/virt/libvirt/machine_type_utils.py``: ``update_machine_type``
  (``nova-manage libvirt update_machine_type``) writes
  ``image_hw_machine_type``; with the image having a value too, that is an
  operator's change, and drift.

No other in-tree driver (``ironic``, ``vmwareapi``, ``zvm``, ``fake``)
writes an ``image_*`` row, and no release records ``hw_firmware_type``
or ``os_secure_boot``: the rows that Nova's functional tests
(``nova/tests/functional/libvirt/test_uefi.py``) find for UEFI guests
come from the test image, which sets both properties; in 33.0.2 and
34.0.0 the test also asserts that ``image_os_secure_boot`` is absent when
the image does not set it.
"""

from osc_image_props import releases

#: ``REGISTER_IMAGE_PROPERTY_DEFAULTS`` of the libvirt driver, unchanged
#: from 29.4.0 to 34.0.0.
LIBVIRT_REGISTERED_DEFAULTS = releases.LIBVIRT_REGISTERED_DEFAULTS

#: Nova release read -> the names its nova-compute records in a server's
#: copy when the image has none (:data:`osc_image_props.releases.RELEASES`).
RECORDED_BY_RELEASE = {r.nova: r.recorded for r in releases.RELEASES}

#: The newest release read: what a release not listed is taken to record.
NEWEST = releases.NEWEST.nova


def recorded_by(version):
    """The names nova-compute of Nova ``version`` records itself.

    :param version: a Nova version of
        :data:`osc_image_props.releases.RELEASES`; any other is taken to
        record what the newest release read does.
    """
    return RECORDED_BY_RELEASE.get(version, RECORDED_BY_RELEASE[NEWEST])
