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

"""libvirtd and virtlogd from Debian, for the modes whose Nova runs the
libvirt driver (modes.LIBVIRT).

No init system here: both run in the foreground as root, started and
stopped like every other service.  libvirtd takes its configuration from
the cloud's etc/ and listens on a socket of its own under the cloud's
run/ directory (nova-compute's ``connection_uri`` names it), without TCP.
The privileged daemons keep what they cannot be told to put elsewhere in
the system's places: the QEMU driver's /etc/libvirt/qemu.conf and
/run/libvirt/qemu, domain definitions in /etc/libvirt/qemu, virtlogd's
socket /run/libvirt/virtlogd-sock, swtpm state in /var/lib/libvirt/swtpm.

QEMU processes are not children of libvirtd once started, so ``down``
destroys the running guests first (Nova finds them shut off at the next
``up``), and ``down --purge`` also undefines Nova's domains: a new Nova
database names its servers ``instance-00000001`` again.
"""
import glob
import grp
import os
import socket
import subprocess

from devcloud import apt
from devcloud.progress import StepFailed
from devcloud.services import Service, register

SERVICE = 'libvirtd'
LOGD = 'virtlogd'
LIBVIRTD = '/usr/sbin/libvirtd'
VIRTLOGD = '/usr/sbin/virtlogd'
VIRSH = '/usr/bin/virsh'
# The hypervisor, the vTPM emulator, qemu-img for Nova's image handling,
# and what builds libvirt-python in the venv (it has no wheels).
PACKAGES = ('libvirt-daemon-system', 'qemu-system-x86', 'qemu-utils',
            'swtpm', 'swtpm-tools', 'libvirt-dev', 'pkg-config', 'gcc')
KVM = '/dev/kvm'
# What the privileged QEMU driver keeps its guests' pid files in.
QEMU_RUN = '/run/libvirt/qemu'
# The names Nova's default instance_name_template gives domains.
NOVA_DOMAIN_PREFIX = 'instance-'


def ensure_installed(progress):
    installed = apt.install_all(progress, PACKAGES, SERVICE)
    if open_kvm_to_its_group():
        progress.say(f'{KVM}: group kvm may use it (as udev would set it)')
    return installed


def open_kvm_to_its_group():
    """Give /dev/kvm Debian's udev mode (root:kvm 0660) where no udev ran;
    True if it changed.

    libvirtd probes QEMU's capabilities with CAP_DAC_OVERRIDE, so the
    probe finds KVM in a root-only /dev/kvm, while its check of the cached
    capabilities asks whether libvirt-qemu can open it: the cache is then
    stale at every lookup, and each re-probe costs seconds, about a minute
    of every guest start on two cores.
    """
    if os.geteuid() != 0 or kvm_usable():
        return False
    try:
        kvm_gid = grp.getgrnam('kvm').gr_gid
        os.chown(KVM, 0, kvm_gid)
        os.chmod(KVM, 0o660)
    except (OSError, KeyError):
        return False
    return True


def socket_dir(cloud):
    return cloud.layout.run_file('libvirt')


def uri(cloud):
    """The URI of the cloud's libvirtd (nova-compute's connection_uri)."""
    return 'qemu:///system?socket={}'.format(
        os.path.join(socket_dir(cloud), 'libvirt-sock'))


def kvm_usable():
    """True if QEMU, running as libvirt's unprivileged user of group kvm,
    can open /dev/kvm (Debian's udev rule makes it root:kvm 0660; where
    no udev runs it may stay root-only)."""
    try:
        info = os.stat(KVM)
        kvm_gid = grp.getgrnam('kvm').gr_gid
    except (OSError, KeyError):
        return False
    group_rw = info.st_gid == kvm_gid and info.st_mode & 0o060 == 0o060
    return bool(group_rw or info.st_mode & 0o006 == 0o006)


def virt_type():
    """``[libvirt] virt_type``: DEVCLOUD_VIRT_TYPE (qemu or kvm) if set,
    else kvm where /dev/kvm can be used, else qemu (TCG)."""
    chosen = os.environ.get('DEVCLOUD_VIRT_TYPE')
    if chosen in ('qemu', 'kvm'):
        return chosen
    return 'kvm' if kvm_usable() else 'qemu'


def template_values(cloud):
    """What nova-compute's libvirt configuration is rendered with."""
    return {'virt_type': virt_type(), 'libvirt_uri': uri(cloud)}


def configure(cloud):
    os.makedirs(socket_dir(cloud), exist_ok=True)
    cloud.render('libvirtd.conf', extra={'socket_dir': socket_dir(cloud)})
    cloud.render('virtlogd.conf')


def start(cloud):
    layout = cloud.layout
    cloud.start(LOGD, [VIRTLOGD, '--config', layout.etc_file('virtlogd.conf'),
                       '--pid-file', layout.run_file('virtlogd.pid')])
    cloud.start(SERVICE, [LIBVIRTD, '--config',
                          layout.etc_file('libvirtd.conf'), '--pid-file',
                          layout.run_file('libvirtd.pid')])


def virsh(cloud, *args, timeout=30):
    """(exit status, output) of virsh on the cloud's libvirtd."""
    try:
        result = subprocess.run(
            [VIRSH, '--quiet', '-c', uri(cloud)] + list(args),
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return 124, f"virsh {' '.join(args)} timed out after {timeout}s"
    return result.returncode, result.stdout + result.stderr


def _socket_answers(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(path)
        except OSError:
            return False
    return True


def healthy(cloud):
    return _socket_answers(os.path.join(socket_dir(cloud), 'libvirt-sock'))


def wait_ready(cloud, timeout=60):
    def answers():
        if not cloud.registry.alive(LOGD):
            raise StepFailed(f'{LOGD} exited while starting', service=LOGD,
                             log=cloud.layout.log_file(LOGD))
        return healthy(cloud) and virsh(cloud, 'version')[0] == 0

    cloud.wait_until(SERVICE, answers,
                     f'libvirtd did not answer on {uri(cloud)}', timeout)


def _domains(cloud, *flags):
    code, out = virsh(cloud, 'list', '--name', *flags)
    if code != 0:
        return []
    return [name for name in out.split()
            if name.startswith(NOVA_DOMAIN_PREFIX)]


def stop_guests(cloud, undefine=False):
    """Destroy Nova's running guests (and, with ``undefine``, their
    definitions); return their names.  Before libvirtd stops."""
    if not cloud.registry.alive(SERVICE):
        return []
    stopped = _domains(cloud)
    for name in stopped:
        virsh(cloud, 'destroy', name)
    if undefine:
        for name in _domains(cloud, '--all'):
            if virsh(cloud, 'undefine', '--nvram', '--tpm', name)[0] != 0:
                virsh(cloud, 'undefine', name)
    return stopped


def guest_pids():
    """The pids of the running QEMU guests and their swtpm processes."""
    found = []
    for path in glob.glob(os.path.join(QEMU_RUN, '*.pid')) + glob.glob(
            os.path.join(QEMU_RUN, 'swtpm', '*.pid')):
        try:
            with open(path) as src:
                found.append(int(src.read().strip()))
        except (OSError, ValueError):
            continue
    return [pid for pid in found if os.path.exists(f'/proc/{pid}')]


register(Service(
    SERVICE, wanted=lambda mode: mode.is_libvirt, packages=PACKAGES,
    install=ensure_installed, configure=configure, start=start,
    wait=wait_ready,
    processes=lambda cloud: [(LOGD, None, None), (SERVICE, None, None)],
    stop=lambda cloud, undefine: stop_guests(cloud, undefine=undefine),
    describe=lambda cloud: 'libvirtd and virtlogd on {} (virt_type '
    '{})'.format(uri(cloud), virt_type())))
