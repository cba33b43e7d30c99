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

"""Errors raised by the image properties SDK extension.

All of them are :class:`openstack.exceptions.SDKException`, so scripts that
already handle SDK errors keep working.
"""

from openstack import exceptions as sdk_exceptions

from osc_image_props import escaping
from osc_image_props import releases


# What every message says of a server whose image properties cannot be
# read: one wording for the CLI, the SDK and the dashboard.
#: ``Server X is CELL_DOWN``: its cell is down, Nova sent a partial record.
CELL_DOWN = 'in a cell the compute API cannot reach now'
#: ``Server X was VOLUME_BOOTED``: Nova keeps no image properties for it.
VOLUME_BOOTED = 'booted from a volume'


def printable(text, limit=200):
    """Untrusted text for a message: escaped, one line, at most ``limit``.

    Every character :meth:`str.isprintable` rejects becomes a ``\\x..``,
    ``\\u....`` or ``\\U........`` escape: controls (C0, C1), format
    characters (bidi overrides and isolates, zero-width characters),
    separators but the ASCII space, surrogates, private-use and unassigned
    code points. So a cloud cannot paint or rewrite the terminal that
    shows our error.
    """
    return escaping.printable(text, limit)


class ImagePropertiesError(sdk_exceptions.SDKException):
    """Base class of every error of this extension."""


class ImagePropertiesTimeout(ImagePropertiesError):
    """The bound of :func:`osc_image_props.sdk.deadline` passed before the
    cloud answered.

    :ivar seconds: the bound.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        super().__init__(
            'The cloud did not answer within %g s, the bound on the whole '
            'call (not on each read).' % seconds
        )


class ImagePropertiesUnsupported(ImagePropertiesError):
    """The cloud's compute API is older than microversion 2.98.

    :ivar cloud_max_version: the highest compute microversion the cloud
        announces, as a string such as ``'2.96'``, or ``None`` when the cloud
        announces no microversions at all.
    """

    def __init__(self, cloud_max_version):
        self.cloud_max_version = cloud_max_version
        announced = (
            'supports compute API microversions up to %s' % cloud_max_version
            if cloud_max_version
            else 'announces no compute API microversions'
        )
        super().__init__(
            'This cloud %s, but server image properties need microversion '
            '%s. Ask the operator to upgrade Nova to %s (%s) or later, or to '
            'apply the osc-image-props backport (nova_patch) to Nova %s.'
            % (announced, releases.IMAGE_PROPERTIES_MICROVERSION,
               releases.FIRST_WITH_IMAGE_PROPERTIES.series,
               releases.FIRST_WITH_IMAGE_PROPERTIES.codename,
               ' or '.join(releases.BACKPORTED))
        )


class ImagePropertiesVersionConflict(ImagePropertiesError):
    """The user explicitly configured a compute microversion below 2.98.

    :ivar requested_version: the configured microversion.
    """

    def __init__(self, requested_version):
        self.requested_version = requested_version
        super().__init__(
            'Compute API microversion %s was requested explicitly '
            '(--os-compute-api-version, OS_COMPUTE_API_VERSION or '
            'compute_api_version in clouds.yaml), but server image '
            'properties need %s or later: remove that setting or raise it '
            'to %s.'
            % (requested_version, releases.IMAGE_PROPERTIES_MICROVERSION,
               releases.IMAGE_PROPERTIES_MICROVERSION)
        )


class ImagePropertiesProtocolError(ImagePropertiesError):
    """The compute API answered with a body microversion 2.98 rules out."""


class ImagePropertiesDiscoveryError(ImagePropertiesProtocolError):
    """The compute API's version discovery failed or was unreadable.

    Its microversions are then unknown: this is not "the cloud announces no
    microversions" (:class:`ImagePropertiesUnsupported`).
    """


class ImagePropertiesPagingError(ImagePropertiesProtocolError):
    """A next page link led outside the compute endpoint, or back.

    Nothing is requested from such a link: it could loop forever, or carry
    the user's token to another host, port or API.
    """


class ImagePropertiesMissing(ImagePropertiesProtocolError):
    """A 2.98 response lacks ``image.properties`` for an image-booted server.

    This is a broken or misconfigured cloud (for example a proxy that drops
    the microversion header), never "the server has no properties".

    :ivar server_id: the server whose body lacked the field.
    """

    def __init__(self, server_id, microversion):
        self.server_id = server_id
        super().__init__(
            'The compute API answered microversion %s for server %s without '
            '"image.properties"; the cloud does not implement microversion '
            '2.98 correctly.'
            % (escaping.printable(microversion),
               escaping.printable(server_id))
        )


class ImagePropertiesUnreachable(ImagePropertiesError):
    """The server is in a cell the compute API cannot reach now.

    Nova then returns a partial record of the server (status ``UNKNOWN``,
    no ``image`` member): its embedded properties are unknown, not absent.

    :ivar server_id: the server of the partial record.
    """

    def __init__(self, server_id):
        self.server_id = server_id
        super().__init__(
            'Server %s is %s (status UNKNOWN); its image properties are '
            'unknown until the cell is back.'
            % (escaping.printable(server_id), CELL_DOWN)
        )
