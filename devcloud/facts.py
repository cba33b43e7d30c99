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

"""What every devcloud holds after ``up``, and what Nova shows of it.

The seed step creates these; the smoke test, the functional tests, the
bench and the demo read them from here.  Standard library only.
"""
from devcloud import modes

DOMAIN = 'default'
REGION = 'RegionOne'

# clouds.yaml entries: name -> (user, project, roles of the user).
CLOUDS = {
    'devcloud': ('demo', 'demo', ['member']),
    'devcloud-alt': ('alt', 'alt', ['member']),
    'devcloud-reader': ('demo-reader', 'demo', ['reader']),
    'devcloud-admin': ('admin', 'admin', ['admin']),
}

FLAVOR = {'name': 'devcloud.tiny', 'ram': 128, 'vcpus': 1, 'disk': 1}

# vTPM flavors, on a Nova that reads the secret security mode from the
# flavor (33.0.0 and later): one per mode, and one that leaves it unset
# (Nova applies "user").  name -> hw:tpm_secret_security or None.
VTPM_FLAVORS = {
    'devcloud.vtpm': None,
    'devcloud.vtpm.user': 'user',
    'devcloud.vtpm.host': 'host',
    'devcloud.vtpm.deployment': 'deployment',
}
VTPM_EXTRA_SPECS = {'hw:tpm_version': '2.0', 'hw:tpm_model': 'tpm-crb'}


def flavors(mode):
    """Every flavor the seed step makes on ``mode``'s cloud, with its
    extra specs."""
    found = [dict(FLAVOR, extra_specs={})]
    if mode.has_tpm_secret_security:
        for name, security in VTPM_FLAVORS.items():
            specs = dict(VTPM_EXTRA_SPECS)
            if security:
                specs['hw:tpm_secret_security'] = security
            found.append(dict(FLAVOR, name=name, extra_specs=specs))
    return found

# The demo project's own network (as devstack's "private"); the alt
# project has none, so its servers boot with --nic none or on a network of
# their own.
NETWORK = {'name': 'private', 'subnet': 'private-subnet',
           'cidr': '10.0.0.0/24', 'project': 'demo'}

# How the seed step uploads every image; Nova copies these into the
# instance's system metadata too (image_disk_format, ...).
IMAGE_FORMAT = {'disk_format': 'raw', 'container_format': 'bare'}
# name -> {"standard": names Nova's ImageMetaProps knows, "custom": others}
IMAGES = {
    'cirros-like': {
        'standard': {'hw_tpm_version': '2.0', 'hw_tpm_model': 'tpm-crb',
                     'hw_machine_type': 'q35', 'os_distro': 'ubuntu'},
        'custom': {'owner_specified.note':
                   'set by the image owner, not by Nova'},
    },
    'cirros-like-2': {
        'standard': {'hw_machine_type': 'pc', 'os_distro': 'debian'},
        'custom': {'owner_specified.note': 'the rebuild target'},
    },
}
# The image servers boot from unless a test needs another.
IMAGE = 'cirros-like'
# The second seed image, without a vTPM: the rebuild target, and the image
# of servers that need nothing of the host's TPM support.
PLAIN_IMAGE = 'cirros-like-2'


def glance_properties(image):
    """Everything the seed step sets on ``image`` besides its name."""
    spec = IMAGES[image]
    return dict(spec['standard'], **spec['custom'])


def embedded(mode, image_id, standard, custom=None,
             image_format=None, min_ram=0, min_disk=0,
             flavor_disk=FLAVOR['disk']):
    """``image.properties`` at 2.98 of a server booted (or rebuilt) from
    the image ``image_id`` with these properties on a flavor with
    ``flavor_disk`` GiB, on ``mode``'s Nova (None: the cloud has no 2.98).

    Nova 31.x (Epoxy) returns every ``image_*`` key of the instance's
    system metadata: custom names too, the image's formats and min_ram,
    min_disk raised to the flavor's disk (Nova stores the larger) and
    base_image_ref, the image's ID.  Nova 32.0.0 and later, and nova_patch,
    return only the standard names.
    """
    if not mode.has_298:
        return None
    result = dict(standard)
    if mode.dialect == modes.ALL_IMAGE_KEYS:
        result.update(custom or {})
        result.update(image_format or IMAGE_FORMAT)
        result.update(min_ram=str(min_ram),
                      min_disk=str(max(min_disk, flavor_disk)),
                      base_image_ref=image_id)
    return result


def seeded_embedded(mode, image_id, image=IMAGE):
    """``embedded()`` for a server booted from a seeded image."""
    spec = IMAGES[image]
    return embedded(mode, image_id, spec['standard'], spec['custom'])
