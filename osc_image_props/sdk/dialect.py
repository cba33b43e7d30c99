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

"""Which image properties a cloud's Nova shows at 2.98, for drift.

Drift compares like with like: the Glance side keeps only what this cloud's
Nova would show for the image as it is now. Nova speaks two dialects:

* Nova 2025.1 (31.x) shows every ``image_*`` row it copied: custom
  properties, ``min_ram``, ``min_disk``, ``disk_format``,
  ``container_format``, and null values;
* Nova 2025.2 (32.0.0) and later, and Nova 2024.1/2024.2 with nova_patch,
  show only the standard names their release knows.

Both facts come from the cloud itself, at no extra request: the highest
microversion of the cached version discovery names the candidate releases
(2.98: the backport; 2.100: 31.x or 32.x; 2.103: 33.x; 2.104: 34.x), and
only 31.x can show a name outside the standard ones, so such a name in the
embedded copy settles 31.x against 32.x.

The candidate releases also tell which names nova-compute records in a
server's copy itself (see :mod:`recorded_keys`).
"""

import dataclasses

from osc_image_props.sdk import compute_api
from osc_image_props.sdk import recorded_keys
from osc_image_props.sdk import standard_properties as facts

# Glance's own image fields (its schema's base properties): not properties
# of the image, so Nova does not copy them as such.
GLANCE_BASE_FIELDS = frozenset((
    'checksum', 'container_format', 'created_at', 'direct_url',
    'disk_format', 'file', 'id', 'locations', 'min_disk', 'min_ram', 'name',
    'os_hash_algo', 'os_hash_value', 'os_hidden', 'owner', 'protected',
    'schema', 'self', 'size', 'status', 'stores', 'tags', 'updated_at',
    'virtual_size', 'visibility',
))


@dataclasses.dataclass(frozen=True)
class Dialect:
    """How the cloud's Nova shows embedded properties."""

    #: True for Nova 2025.1: everything Nova copied is shown.
    shows_everything: bool
    #: With ``shows_everything`` False: the standard names every candidate
    #: release knows.
    names: frozenset
    #: The names nova-compute of a candidate release records in a server's
    #: copy when the image has none (:func:`recorded_names`).
    recorded: frozenset = frozenset()


#: The system metadata row Nova writes with the image's own ID.
BASE_IMAGE_REF = 'base_image_ref'


def _candidates(cloud_max):
    cloud = compute_api.version_key(cloud_max)
    exact = [
        r for r in facts.RELEASES if compute_api.version_key(r[1]) == cloud
    ]
    if exact:
        return exact
    older = [
        r for r in facts.RELEASES if compute_api.version_key(r[1]) < cloud
    ]
    # A Nova newer than any we read: like the newest we know.
    return [older[-1] if older else facts.RELEASES[-1]]


def recorded_names(cloud_max):
    """The names nova-compute may record itself, on a cloud at this maximum.

    The union over the candidate releases: any of them may run the
    compute hosts.

    :param cloud_max: the cloud's highest compute microversion (string).
    """
    return frozenset().union(
        *(recorded_keys.recorded_by(r[0]) for r in _candidates(cloud_max))
    )


def detect(cloud_max, embedded):
    """The dialect of a cloud, from its maximum and one embedded copy.

    :param cloud_max: the cloud's highest compute microversion (string).
    :param embedded: the server's embedded properties.
    """
    candidates = _candidates(cloud_max)
    recorded = recorded_names(cloud_max)
    if any(not filters for _, _, filters, _ in candidates) and any(
        name not in facts.KEPT_PROPERTY_NAMES for name in embedded
    ):
        return Dialect(True, frozenset(), recorded)
    filtering = [r for r in candidates if r[2]] or candidates
    unknown = frozenset().union(*(r[3] for r in filtering))
    return Dialect(False, facts.KEPT_PROPERTY_NAMES - unknown, recorded)


def _min_disk(image, flavor_disk):
    # What Nova stores as image_min_disk: the flavor's root disk wins when
    # larger, and always for VHD images.
    if not isinstance(flavor_disk, int):
        return image.get('min_disk')
    if image.get('disk_format') == 'vhd':
        return flavor_disk
    return max(image.get('min_disk') or 0, flavor_disk)


def glance_side(dialect, image, embedded, flavor_disk=None):
    """What the cloud's Nova would show for the Glance image as it is now.

    :param image: the Glance v2 image body.
    :param embedded: the server's embedded properties; a standard name
        the candidate releases do not all know is still compared when the
        server's copy has it.
    :param flavor_disk: the server's flavor root disk (GiB), which Nova
        folds into ``min_disk``.
    :returns: property name to value; Glance's nulls are left out (Nova
        copies no null property).
    """
    if dialect.shows_everything:
        shown = {
            name: value for name, value in image.items()
            if name not in GLANCE_BASE_FIELDS
            and name not in facts.SKIPPED_PROPERTY_NAMES
        }
        for name in facts.INHERITED_IMAGE_FIELDS:
            shown[name] = image.get(name)
        shown['min_disk'] = _min_disk(image, flavor_disk)
        # Nova's compute API records the image a server is built or
        # rebuilt from as image_base_image_ref, shown as this name.
        shown[BASE_IMAGE_REF] = image.get('id')
    else:
        shown = {
            name: value for name, value in image.items()
            if name not in GLANCE_BASE_FIELDS
            and (name in dialect.names or name in embedded)
        }
    return {name: value for name, value in shown.items() if value is not None}
