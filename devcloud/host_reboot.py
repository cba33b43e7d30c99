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

"""A power cut of a libvirt mode's compute host, and the host's boot.

nova-compute stops, every guest is destroyed as a power cut would (no
shutdown), libvirtd and virtlogd start again empty-handed (a libvirt
secret that is not persistent is gone, as after a boot), and nova-compute
starts with ``[DEFAULT]resume_guests_state_on_host_boot`` as chosen (kept
for later ``up``s).  Returns once nova-compute has reported to Nova after
its start: its ``init_host``, which resumes the guests or not, is done.
"""
import time

from devcloud import seed
from devcloud.progress import StepFailed
from devcloud.services import libvirt, nova

COMPUTE = 'nova-compute'
COMPUTE_CONF = 'nova-compute.conf'


class HostRebootError(Exception):
    pass


def run(cloud, resume=None):
    """Cut the power of the compute host and boot it; ``resume``: True or
    False sets resume_guests_state_on_host_boot, None keeps it.  Returns
    (the destroyed guests' domain names, the setting it booted with)."""
    if not cloud.mode.is_libvirt:
        raise HostRebootError(f'{cloud.mode.name} has no hypervisor: a host '
                              'reboot needs a libvirt mode')
    if not cloud.registry.alive(COMPUTE):
        raise HostRebootError(f'{cloud.layout.name} is not running: '
                              f'{cloud.up_command}')
    cloud.load_settings(check_free=False)
    if resume is not None:
        nova.set_resume_guests(cloud, resume)
    # Every Nova config, as up renders it, with the setting in.
    nova.configure(cloud)
    cloud.registry.stop_all(names=[COMPUTE])
    destroyed = libvirt.stop_guests(cloud)
    cloud.registry.stop_all(names=[libvirt.SERVICE, libvirt.LOGD])
    try:
        libvirt.start(cloud)
        libvirt.wait_ready(cloud)
        cloud.nova_started = time.time()
        nova.start_daemon(cloud, COMPUTE, COMPUTE_CONF)
        # The seed's wait: every Nova service reported since the start.
        seed.run(cloud, 'resources', service=COMPUTE)
    except StepFailed as failure:
        raise HostRebootError(f'{failure} (log: {failure.log})') from None
    return destroyed, nova.resume_guests(cloud)
