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

"""Which compute microversion to ask for, and when to refuse.

Embedded image properties exist from compute microversion 2.98 on. We ask
for 2.98 whatever the user's default compute version is, unless the user
explicitly configured one: a lower one is refused (silently overriding an
explicit choice would surprise), a higher one is kept (it still carries the
field). We never fall back to Glance: Glance has the image as it is now, not
the copy Nova uses.
"""

import contextlib
import re

from keystoneauth1 import discover

from osc_image_props import escaping
from osc_image_props.sdk import _sdk_internals
from osc_image_props.sdk import exceptions

REQUIRED = exceptions.REQUIRED_MICROVERSION
_REQUIRED_TUPLE = discover.normalize_version_number(REQUIRED)


def client_max_microversion():
    """The highest compute microversion our Server resource speaks.

    openstacksdk's own Server maximum, raised to 2.98 if lower: a resource
    of ours never negotiates less than the stock one.
    """
    stock = discover.normalize_version_number(
        _sdk_internals.stock_server_max_microversion()
    )
    return discover.version_to_string(max(stock, _REQUIRED_TUPLE))


# What keystoneauth's discovery parser raises on a malformed version
# document (a version such as "two.ninety-eight", members of the wrong
# type, JSON nested too deeply to parse). Caught around that one call only.
_MALFORMED_DISCOVERY = (
    TypeError, ValueError, AttributeError, KeyError, IndexError,
    RecursionError,
)


@contextlib.contextmanager
def readable_discovery(service):
    """Turn keystoneauth's failures on a malformed version document into
    :class:`ImagePropertiesDiscoveryError`; wrap only discovery calls.

    :param service: ``'compute'`` or ``'image'``, for the message.
    """
    try:
        yield
    except _MALFORMED_DISCOVERY as exc:
        raise exceptions.ImagePropertiesDiscoveryError(
            "The %s API's version discovery answered with a document "
            'that cannot be read (%s: %s).'
            % (service, type(exc).__name__, escaping.printable(exc))
        ) from exc


def _endpoint_data(compute):
    with readable_discovery('compute'):
        endpoint_data = compute.get_endpoint_data()
    # No status: discovery got no version document (an HTTP error, an HTML
    # page) and keystoneauth fell back to the catalog URL.
    if endpoint_data is None or endpoint_data.status is None:
        raise exceptions.ImagePropertiesDiscoveryError(
            "The compute API's version discovery did not answer with a "
            'version document, so its microversions are unknown; server '
            'image properties need microversion %s.' % REQUIRED
        )
    return endpoint_data


def cloud_max_microversion(compute):
    """Return the cloud's highest compute microversion as a string or None.

    Uses keystoneauth's cached version discovery: the plain server commands
    discover the same document, so this costs no extra request.

    :raises ImagePropertiesDiscoveryError: the discovery document could not
        be fetched or read.
    """
    endpoint_data = _endpoint_data(compute)
    if not endpoint_data.max_microversion:
        return None
    return discover.version_to_string(endpoint_data.max_microversion)


def image_properties_microversion(compute):
    """Return the microversion to send for requests that need the field.

    :param compute: the compute proxy (a keystoneauth Adapter), e.g.
        ``conn.compute``.
    :raises ImagePropertiesVersionConflict: the user configured a lower
        compute microversion explicitly.
    :raises ImagePropertiesUnsupported: the cloud's maximum is below 2.98.
    """
    explicit = compute.default_microversion
    if explicit is not None:
        if discover.normalize_version_number(explicit) < _REQUIRED_TUPLE:
            raise exceptions.ImagePropertiesVersionConflict(explicit)

    cloud_max = cloud_max_microversion(compute)
    if (
        cloud_max is None
        or discover.normalize_version_number(cloud_max) < _REQUIRED_TUPLE
    ):
        raise exceptions.ImagePropertiesUnsupported(cloud_max)
    return explicit or REQUIRED


def server_request_microversion(compute):
    """The microversion of the SDK functions' server requests.

    At least 2.98, and never lower than what ``conn.compute.get_server()``
    sends on its own: on a cloud at 2.100 with openstacksdk 4.5 or later
    that is 2.100, and the servers keep every field of it. A microversion
    the user configured is sent as it is (see
    :func:`image_properties_microversion`).

    :raises: as :func:`image_properties_microversion`.
    """
    version = image_properties_microversion(compute)
    if compute.default_microversion is not None:
        return version
    # The cloud is at 2.98 or later here, so the lower of the two maxima
    # is too.
    return discover.version_to_string(min(
        discover.normalize_version_number(client_max_microversion()),
        discover.normalize_version_number(cloud_max_microversion(compute)),
    ))


# Nova's answer to a microversion above its maximum (406): "Version 2.100
# is not supported by the API. Minimum is 2.1 and maximum is 2.98."
_REFUSAL_MAXIMUM = re.compile(r'maximum is (\d{1,3}\.\d{1,4})\b')
_VERSION_HEADERS = ('OpenStack-API-Version', 'X-OpenStack-Nova-API-Version')


def version_key(version):
    """A microversion as a tuple that compares as Nova's do (2.100 > 2.98).
    """
    return discover.normalize_version_number(version)


def first_server_microversion(compute, wanted=None):
    """The microversion of a first server request, known without discovery.

    Version discovery costs a request; a single server can do without it:
    the first request goes out at this microversion and Nova refuses it
    (406) only when the cloud is older, then :func:`after_refusal` says
    what to do.

    :param wanted: the microversion to try first, 2.98 or later, when the
        caller reads only the image properties (:data:`REQUIRED`); default:
        the highest our Server resource speaks, which the cloud lowers on
        refusal to what ``conn.compute.get_server()`` sends.
    :raises ImagePropertiesVersionConflict: the user configured a lower
        compute microversion explicitly (no request is made).
    """
    explicit = compute.default_microversion
    if explicit is not None:
        if version_key(explicit) < _REQUIRED_TUPLE:
            raise exceptions.ImagePropertiesVersionConflict(explicit)
        return explicit
    return wanted or client_max_microversion()


def refused(response):
    """Whether Nova refused the request's microversion."""
    return response.status_code == 406


def after_refusal(compute, sent, response):
    """The microversion to retry with after Nova refused ``sent``, or None.

    Nova's refusal names its maximum: when that is 2.98 or later and lower
    than what was sent, the retry uses it without discovery (the retry's
    own answer then proves it). Otherwise the cloud's maximum is learnt by
    version discovery, which raises the exact errors.

    :returns: a lower microversion to retry with; None when there is
        nothing lower to try (the refusal then stands as an HTTP error).
    :raises ImagePropertiesUnsupported: the cloud is older than 2.98.
    :raises ImagePropertiesDiscoveryError: its discovery is unreadable.
    """
    if compute.default_microversion is None:
        match = _REFUSAL_MAXIMUM.search(response.text[:4096])
        if match and (
            _REQUIRED_TUPLE <= version_key(match.group(1)) < version_key(sent)
        ):
            return match.group(1)
    version = server_request_microversion(compute)
    return version if version_key(version) < version_key(sent) else None


def check_answered_with_microversions(compute, response):
    """A success without a microversion header: is the cloud too old?

    A compute API without microversions ignores the request's header and
    answers without ``image.properties``; discovery (made only then) tells
    that apart from a 2.98 cloud that dropped the field.

    :raises ImagePropertiesUnsupported: the cloud announces no
        microversions, or none as high as 2.98.
    """
    if not any(response.headers.get(name) for name in _VERSION_HEADERS):
        image_properties_microversion(compute)
