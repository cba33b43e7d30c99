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

"""What each ``--nova`` mode installs, and what its Nova does at 2.98.

The one table of modes: tools/devcloud, tools/run-tests (through
``tools/devcloud modes``), tox, the functional tests, the bench and the
demo all read it from here.  Standard library only: the functional tests
import it from the test venv, tools/devcloud from any python3.

The service projects are not in the upper-constraints files, so their
versions are pinned here: the newest release of each project in the series
whose constraints file is used.
"""
import dataclasses

from osc_image_props import releases

UWSGI = 'uwsgi==2.0.31'

# What ``image.properties`` holds at 2.98, per Nova behaviour:
# "standard": only the names of Nova's ImageMetaProps (Nova >= 32.0.0 and
#   nova_patch on 2024.x);
# "all-image-keys": every ``image_*`` key of the instance's system
#   metadata, custom properties, min_ram, min_disk, disk_format and
#   container_format included (Nova 31.x, 2025.1 Epoxy);
# None: the cloud has no 2.98.
STANDARD = 'standard'
ALL_IMAGE_KEYS = 'all-image-keys'

# What CI runs on a mode (Mode.ci).
FULL = 'full'
SMOKE = 'smoke'

# Nova's virt driver on the mode's compute hosts (Mode.driver): the fake
# driver, or libvirt with Debian's libvirt and QEMU (TCG, or KVM where
# /dev/kvm can be used), as devstack's gate runs Nova.
FAKE = 'fake'
LIBVIRT = 'libvirt'

# What builds libvirt-python (an sdist only) in a libvirt mode's venv.
LIBVIRT_PYTHON = 'libvirt-python'


@dataclasses.dataclass(frozen=True)
class Release:
    """One OpenStack series as the cloud installs it: the Nova release of
    the project's table of releases, and the other services' versions."""
    nova_release: releases.Release
    keystone: str
    placement: str
    glance: str
    neutron: str
    # The key manager a libvirt mode runs for vTPM servers (None: none in
    # the series' table yet).
    barbican: str = None

    @property
    def series(self):
        return self.nova_release.series

    @property
    def codename(self):
        return self.nova_release.codename

    @property
    def nova(self):
        return self.nova_release.nova

    @property
    def constraints_name(self):
        return self.nova_release.constraints


def _release(series, **services):
    return Release(releases.BY_SERIES[series], **services)


# Each series whose upper-constraints are published (releases.RELEASES
# says which): a series without them has no cloud.
RELEASES = {r.series: r for r in (
    _release('2024.1', keystone='25.0.0', placement='11.0.1',
             glance='28.2.0', neutron='24.2.2'),
    _release('2024.2', keystone='26.1.1', placement='12.0.2',
             glance='29.2.1', neutron='25.2.3'),
    _release('2025.1', keystone='27.1.0', placement='13.0.1',
             glance='30.2.0', neutron='26.0.6'),
    _release('2025.2', keystone='28.1.0', placement='14.0.0',
             glance='31.1.0', neutron='27.0.4'),
    _release('2026.1', keystone='29.1.0', placement='15.0.0',
             glance='32.0.0', neutron='28.0.2', barbican='22.0.0'),
)}


@dataclasses.dataclass(frozen=True)
class Mode:
    name: str
    release: Release
    patched: bool  # apply nova_patch after installing
    dialect: str  # STANDARD, ALL_IMAGE_KEYS or None (no 2.98)
    # What CI runs on the mode: FULL (the functional suite), SMOKE (tox
    # -e smoke-<mode>: the read path, tests/functional/test_read.py, on
    # the fake driver; a smoke of its own suite on libvirt) or None (only
    # tools/run-tests --all).
    ci: str
    # Compute hosts in cell1: two where the tests live-migrate servers.
    computes: int = 1
    # FAKE or LIBVIRT (one compute host: one libvirtd holds its guests).
    driver: str = FAKE
    # What nova-compute records as hw_machine_type for a server whose
    # image has none (libvirt: Nova's default for x86_64, which libvirt
    # expands to the newest versioned type in the domain XML); None where
    # the driver records nothing.
    recorded_machine_type: str = None

    @property
    def series(self):
        return self.release.series

    @property
    def max_microversion(self):
        """What GET / of the compute API says."""
        nova = self.release.nova_release
        return nova.max_with_backport if self.patched else (
            nova.max_microversion)

    @property
    def nova(self):
        return self.release.nova

    @property
    def has_298(self):
        return self.dialect is not None

    @property
    def has_tpm_secret_security(self):
        """Nova 33.0.0 and later read the flavor's hw:tpm_secret_security
        (and refuse it as an unknown extra spec before)."""
        return self.release.nova_release.secret_security_modes

    @property
    def is_libvirt(self):
        return self.driver == LIBVIRT

    @property
    def summary(self):
        how = {True: ' + nova_patch', False: ''}[self.patched]
        driver = ', libvirt/QEMU' if self.is_libvirt else ''
        return (f'Nova {self.nova} ({self.series} {self.release.codename})'
                f'{how}{driver}: max {self.max_microversion}')

    @property
    def requirements(self):
        release = self.release
        return [
            'nova==' + release.nova,
            'keystone==' + release.keystone,
            'openstack-placement==' + release.placement,
            'glance==' + release.glance,
            'neutron==' + release.neutron,
            UWSGI,
            'PyMySQL',  # Nova's databases are on MariaDB
            # Clients for seeding, the smoke test, the demo and tests.
            'openstacksdk',
            'python-openstackclient',
        ] + self._hypervisor_requirements

    @property
    def has_key_manager(self):
        """A libvirt mode runs Barbican: swtpm's secrets are kept there."""
        return self.is_libvirt and self.release.barbican is not None

    @property
    def _hypervisor_requirements(self):
        if not self.is_libvirt:
            return []
        found = [LIBVIRT_PYTHON]
        if self.has_key_manager:
            found.append('barbican==' + self.release.barbican)
        return found

    @property
    def constraints_name(self):
        return self.release.constraints_name

    def as_dict(self):
        return {'name': self.name, 'series': self.series,
                'codename': self.release.codename, 'nova': self.nova,
                'keystone': self.release.keystone,
                'placement': self.release.placement,
                'glance': self.release.glance,
                'neutron': self.release.neutron,
                'barbican': (self.release.barbican if self.has_key_manager
                             else None),
                'constraints': self.constraints_name,
                'patched': self.patched,
                'max_microversion': self.max_microversion,
                'dialect': self.dialect, 'ci': self.ci,
                'computes': self.computes, 'driver': self.driver,
                'recorded_machine_type': self.recorded_machine_type,
                'summary': self.summary}


MODES = {m.name: m for m in (
    Mode('2024.2', RELEASES['2024.2'], patched=True, dialect=STANDARD,
         ci=FULL),
    Mode('2024.1', RELEASES['2024.1'], patched=True, dialect=STANDARD,
         ci=None),
    Mode('unpatched', RELEASES['2024.2'], patched=False, dialect=None,
         ci=FULL),
    # CI's hour on two cores holds the read path on the newest Nova and
    # the libvirt smoke, not 2025.1's too: its whole suite (the dialect
    # that shows every image key) runs in tools/run-tests --all.
    Mode('2025.1', RELEASES['2025.1'], patched=False,
         dialect=ALL_IMAGE_KEYS, ci=None),
    Mode('2025.2', RELEASES['2025.2'], patched=False, dialect=STANDARD,
         ci=None),
    # Two compute hosts: vTPM servers live-migrate (or are refused) for
    # real, per secret security mode.
    Mode('2026.1', RELEASES['2026.1'], patched=False, dialect=STANDARD,
         ci=SMOKE, computes=2),
    # The newest Nova on a real hypervisor: nova-compute's libvirt driver
    # records what it chose in the server's copy (recorded-by-nova), and
    # writes the domain XML libvirt runs.  CI runs its smoke (the recorded
    # machine type, and each vTPM mode's view against one resize and one
    # host reboot); its whole suite (tests/functional/test_libvirt*.py)
    # runs in tools/run-tests --all.
    Mode('2026.1-libvirt', RELEASES['2026.1'], patched=False,
         dialect=STANDARD, ci=SMOKE, driver=LIBVIRT,
         recorded_machine_type='pc'),
)}

# Other names a mode answers to; ``upstream`` is the newest Nova.
ALIASES = {'upstream': '2026.1'}

DEFAULT = '2024.2'

# The oldest upper-constraints the package's requirements allow (tox
# py3-2024.2): clients of an older cloud, such as its Horizon with the
# plugin, come from this series.
OLDEST_CLIENT_SERIES = '2024.2'


def client_release(mode):
    """The release whose clients (Horizon) go with ``mode``'s cloud."""
    return RELEASES[max(mode.series, OLDEST_CLIENT_SERIES)]


def get(name):
    """The Mode called ``name`` or one of its aliases (KeyError if none)."""
    return MODES[ALIASES.get(name, name)]


def choices():
    return sorted(MODES) + sorted(ALIASES)
