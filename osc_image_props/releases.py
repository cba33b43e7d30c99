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

"""The Nova releases this project knows, one row each.

Every fact about a Nova release that the SDK, the local cloud
(``devcloud/modes.py``), ``nova_patch``, the tests and the documentation
use is here or is checked against this table by
``tests/unit/consistency/test_releases.py``; the image property names of
each release are generated from its sources
(``sdk/standard_properties.py``, by ``tools/gen-standard-properties``) and
checked against it too.

Adding a release is one new row here, then the facts read from its
sources: regenerate ``sdk/standard_properties.py`` from its sdist, read
what its nova-compute records (``sdk/recorded_keys.py`` says where) and
its vTPM rules (``sdk/vtpm.py``), and add its row to
``doc/source/compatibility.rst``. The local cloud gets a mode for it once
OpenStack publishes the series' upper-constraints (``constraints``): until
then ``constraints`` is None and no cloud is built on guessed pins. That is
the case of 2026.2, whose constraints were not published where this
project's builds can reach them.

Standard library only: ``tools/devcloud`` imports this module with any
python3, without openstacksdk.
"""

import dataclasses

#: ``REGISTER_IMAGE_PROPERTY_DEFAULTS`` of the libvirt driver, unchanged
#: from 29.4.0 to 34.0.0 (see ``sdk/recorded_keys.py``): the names
#: nova-compute records in a server's copy when the image has none.
LIBVIRT_REGISTERED_DEFAULTS = frozenset((
    'hw_cdrom_bus',
    'hw_disk_bus',
    'hw_input_bus',
    'hw_machine_type',
    'hw_pointer_model',
    'hw_video_model',
    'hw_vif_model',
))

#: The compute microversion that shows a server's ``image.properties``:
#: Nova's own from 31.0.0, and the one ``nova_patch`` brings a backported
#: release to. The SDK asks for it and names it in its messages.
IMAGE_PROPERTIES_MICROVERSION = '2.98'


@dataclasses.dataclass(frozen=True)
class Release:
    """One Nova release line and the release of it read for the facts."""

    #: OpenStack's series, e.g. ``2026.1``.
    series: str
    codename: str
    #: The Nova release the facts were read from (the newest of the line
    #: when read), and the one the local cloud installs.
    nova: str
    #: The maximum compute microversion of stock Nova.
    max_microversion: str
    #: OpenStack's upper-constraints file of the series in
    #: ``constraints/``; None while it is not published.
    constraints: object
    #: The names nova-compute records in a server's copy itself.
    recorded: frozenset
    #: Whether Nova reads the flavor's ``hw:tpm_secret_security`` (the
    #: vTPM secret security modes user, host and deployment).
    secret_security_modes: bool
    #: The ``nova_patch/series/`` directory that backports 2.98 to it, or
    #: None.
    backport: object = None

    @property
    def major(self):
        return int(self.nova.split('.')[0])

    @property
    def max_with_backport(self):
        """The maximum microversion with ``nova_patch`` applied, where it
        applies; else the stock maximum."""
        return (IMAGE_PROPERTIES_MICROVERSION if self.backport
                else self.max_microversion)


#: Oldest first.
RELEASES = (
    Release('2024.1', 'Caracal', nova='29.4.0', max_microversion='2.96',
            constraints='upper-constraints-2024.1.txt',
            recorded=LIBVIRT_REGISTERED_DEFAULTS,
            secret_security_modes=False, backport='2024.1'),
    Release('2024.2', 'Dalmatian', nova='30.3.0', max_microversion='2.96',
            constraints='upper-constraints-2024.2.txt',
            recorded=LIBVIRT_REGISTERED_DEFAULTS,
            secret_security_modes=False, backport='2024.2'),
    Release('2025.1', 'Epoxy', nova='31.3.1', max_microversion='2.100',
            constraints='upper-constraints-2025.1.txt',
            recorded=LIBVIRT_REGISTERED_DEFAULTS,
            secret_security_modes=False),
    Release('2025.2', 'Flamingo', nova='32.2.1', max_microversion='2.100',
            constraints='upper-constraints-2025.2.txt',
            recorded=LIBVIRT_REGISTERED_DEFAULTS,
            secret_security_modes=False),
    Release('2026.1', 'Gazpacho', nova='33.0.2', max_microversion='2.103',
            constraints='upper-constraints-2026.1.txt',
            recorded=LIBVIRT_REGISTERED_DEFAULTS,
            secret_security_modes=True),
    Release('2026.2', 'Hibiscus', nova='34.0.0', max_microversion='2.104',
            constraints=None,
            recorded=LIBVIRT_REGISTERED_DEFAULTS,
            secret_security_modes=True),
)

BY_SERIES = {r.series: r for r in RELEASES}
BY_NOVA = {r.nova: r for r in RELEASES}

#: The newest release read: what a newer, unknown one is taken to do.
NEWEST = RELEASES[-1]

def _version_key(version):
    return tuple(int(part) for part in version.split('.'))


#: The first release whose own compute API shows ``image.properties``.
FIRST_WITH_IMAGE_PROPERTIES = next(
    r for r in RELEASES
    if _version_key(r.max_microversion)
    >= _version_key(IMAGE_PROPERTIES_MICROVERSION))

#: The series ``nova_patch`` backports ``image.properties`` to.
BACKPORTED = tuple(r.series for r in RELEASES if r.backport)

#: The first release with vTPM secret security modes (33.0.0).
FIRST_WITH_SECRET_SECURITY = next(
    r for r in RELEASES if r.secret_security_modes)


def by_major(major):
    """The release of Nova major version ``major``, or None."""
    return next((r for r in RELEASES if r.major == major), None)
