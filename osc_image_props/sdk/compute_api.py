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

"""Every read of the compute API, and the rules each read keeps.

Every function here takes an :class:`openstack.connection.Connection` and
talks to the compute API only: the embedded copy is Nova's, not Glance's.
In the order of a request:

* **Which microversion.** Embedded image properties exist from compute
  microversion 2.98 on. We ask for 2.98 whatever the user's default compute
  version is, unless the user explicitly configured one: a lower one is
  refused (silently overriding an explicit choice would surprise), a higher
  one is kept (it still carries the field). We never fall back to Glance:
  Glance has the image as it is now, not the copy Nova uses.
* **Untrusted URLs.** IDs and names go into a path as one segment; a next
  link is followed only to the compute endpoint we were given and only to
  a page not fetched yet: a cloud that links a page back to an earlier one
  would keep a client asking forever, and a link to another host would
  receive the user's token.
* **Untrusted bodies.** Every body is parsed once, here, and every way it
  can be unreadable ends as an :class:`ImagePropertiesProtocolError` that
  says what came back, in printable text. Code after this point trusts
  shapes, and its own mistakes are not mistaken for a broken cloud.
* **A bound on the whole command.** A request timeout bounds each read: a
  cloud that sends one byte a second restarts it with every byte. Inside
  :func:`deadline`, every read of the connection's sockets waits at most
  for the time left, and the first read or connection attempt after the
  bound fails with :class:`ImagePropertiesTimeout`. The bound belongs to
  the thread that set it (Horizon serves requests in threads) and needs no
  signal; it counts the time spent waiting for the cloud.

openstacksdk's own machinery is used where it gives the same answer:
keystoneauth's cached version discovery and the proxy's per-request
``microversion``. :func:`openstack.utils.maximum_supported_microversion`
is not: it answers None, and sends no microversion at all, where a
cloud's minimum is above the client's maximum, and Nova's own refusal is
the clearer answer (:func:`server_request_microversion`). Nor is
openstacksdk's machinery used for paging or for reading one server, at
either client pin end: ``Resource.list`` and ``Resource.fetch`` turn each
body into a resource before anyone can look at it, so a body of the wrong
shape fails inside openstacksdk with its own exception, not as a one-line
protocol error; ``Resource.list`` stops only a
next link whose marker equals the last one (a link back to the first page
is followed for ever) and follows a link to any host; and a resource
override of ``_get_next_link`` is consulted only by ``Resource.list``. The
pager here reads Nova's ``servers_links`` itself, keeps the guard above,
and sends exactly the requests ``openstack server list`` sends (the request
lists are held by ``tests/unit/sdk/test_wire_floor.py``).
"""

import contextlib
import copy
import io
import itertools
import json
import math
import re
import threading
import time
import urllib.parse

from keystoneauth1 import discover
from openstack import exceptions as sdk_exceptions
from openstack import format as _format
from openstack import resource as _sdk_resource
from openstack.compute.v2 import server as _server

from osc_image_props import escaping
from osc_image_props import releases
from osc_image_props.sdk import _sdk_internals
from osc_image_props.sdk import exceptions


# URL normalisation resolves these segments instead of sending them.
_DOT_SEGMENTS = ('.', '..')
_DEFAULT_PORTS = {'http': 80, 'https': 443}


def segment(value):
    """``value`` percent-quoted as one path segment, or None.

    None for ``.`` and ``..``, which cannot name a resource: quoting keeps
    them as they are and a URL library would resolve them.
    """
    if value in _DOT_SEGMENTS:
        return None
    return urllib.parse.quote(value, safe='')


def endpoint_key(url):
    """``((scheme, host, port), path)`` of a URL, for comparing endpoints.

    The scheme and the host compare without case and a default port (80,
    443) as if written, as ``requests`` sends them; the path is as given.

    :returns: None for a URL whose port is not a number: it leads to no
        endpoint of ours.
    """
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    return (scheme, (parts.hostname or '').lower(), port), parts.path


def _what_came_back(response):
    content_type = response.headers.get('Content-Type') or 'no content type'
    return '%s, %d bytes' % (
        escaping.printable(content_type, 60), len(response.content or b'')
    )


def json_object(response, service, request):
    """The JSON object of a successful response.

    :param service: ``'compute'`` or ``'image'``, for messages.
    :param request: what was asked, e.g. ``'GET /servers/detail'``.
    :raises openstack.exceptions.HttpException: an HTTP error status.
    :raises ImagePropertiesProtocolError: a body that is empty, not JSON
        (an HTML error page), too deeply nested to read, or not an object.
    """
    sdk_exceptions.raise_from_response(response)
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        # RecursionError: JSON nested deeper than Python's stack allows.
        raise exceptions.ImagePropertiesProtocolError(
            'The %s API answered %s with a body that is not readable '
            'JSON (%s): no image properties can be read from it.'
            % (service, escaping.printable(request),
               _what_came_back(response))
        ) from exc
    if not isinstance(body, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The %s API answered %s with JSON that is not an object (%s): '
            'no image properties can be read from it.'
            % (service, escaping.printable(request),
               _what_came_back(response))
        )
    return body


def member(body, name, kind, service, request):
    """``body[name]``, which must be of type ``kind``."""
    value = body.get(name)
    if not isinstance(value, kind):
        raise exceptions.ImagePropertiesProtocolError(
            'The %s API answered %s without a valid "%s" member.'
            % (service, escaping.printable(request), name)
        )
    return value


#: The microversion asked for when only the image properties are read.
REQUIRED = releases.IMAGE_PROPERTIES_MICROVERSION
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
    # is too. Not openstacksdk's maximum_supported_microversion: it answers
    # None when the cloud's minimum is above the client's maximum, where
    # the request must go out and Nova's refusal be told to the user.
    return discover.version_to_string(min(
        discover.normalize_version_number(client_max_microversion()),
        discover.normalize_version_number(cloud_max_microversion(compute)),
    ))


# Nova's answer to a microversion above its maximum (406): "Version 2.100
# is not supported by the API. Minimum is 2.1 and maximum is 2.98."
_REFUSAL_MAXIMUM = re.compile(r'maximum is (\d{1,3}\.\d{1,4})\b')


# The headers that name the microversion of an answer: Nova sends both,
# a compute API without microversions neither. "compute 2.98", "2.98".
_ANSWERED = re.compile(r'^\s*compute\s+(\d{1,3}\.\d{1,4})\s*$', re.IGNORECASE)
_ANSWERED_LEGACY = re.compile(r'^\s*(\d{1,3}\.\d{1,4})\s*$')
_VERSION_HEADERS = (
    ('OpenStack-API-Version', _ANSWERED),
    ('X-OpenStack-Nova-API-Version', _ANSWERED_LEGACY),
)


def answered_microversion(response):
    """The microversion a compute answer names in its headers, or None
    when it names none; the one reading of these headers.

    A header a proxy repeated reads as a comma-separated list (as
    ``requests`` joins it): it is read when every item names the same
    version.

    :raises ImagePropertiesProtocolError: a header that cannot be read.
    """
    for name, pattern in _VERSION_HEADERS:
        header = response.headers.get(name)
        if not header:
            continue
        items = [pattern.match(item) for item in header[:100].split(',')]
        versions = {match.group(1) for match in items if match}
        if None in items or len(versions) != 1:
            raise exceptions.ImagePropertiesProtocolError(
                'The compute API answered with an unreadable %s header '
                '(%s).' % (name, escaping.printable(header, 60))
            )
        return versions.pop()
    return None


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
    if answered_microversion(response) is None:
        image_properties_microversion(compute)


DETAIL_PATH = '/servers/detail'


def _page_key(url, params):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        query.extend((name, str(v)) for v in values)
    return parts.path.rstrip('/'), tuple(sorted(set(query)))


class NextLinkGuard:
    """Accepts a next link only within the endpoint and only once.

    :param endpoint: the compute endpoint URL (``compute.get_endpoint()``).
    Call :meth:`fetched` with the URL of every page received and
    :meth:`check` before following a next link; ``check`` raises
    :class:`ImagePropertiesPagingError`.
    """

    def __init__(self, endpoint):
        # An endpoint whose port is not a number: no link is within it.
        self._origin, path = endpoint_key(endpoint) or (None, '')
        self._prefix = path.rstrip('/') + '/'
        self._seen = set()
        self._listed = set()

    def listed(self, server_ids):
        """Record the server IDs of a page received; return whether the
        page brought a server not listed before. Marker paging never
        repeats a server, so a page that brings none is not followed
        further (:func:`repeated_page`): links that differ only in
        decoration would otherwise evade :meth:`check`."""
        ids = set(server_ids)
        new = bool(ids - self._listed)
        self._listed |= ids
        return new

    def fetched(self, url, params=None):
        """Record a page received from ``url`` (plus query ``params``)."""
        self._seen.add(_page_key(url, params or {}))

    def check(self, url, params=None):
        """Refuse a next link outside the endpoint or to a page seen."""
        params = params or {}
        key = endpoint_key(url)
        within = key is not None and key[0] == self._origin and (
            key[1].startswith(self._prefix)
        )
        if not within:
            raise exceptions.ImagePropertiesPagingError(
                'The compute API sent a next page link outside its '
                'endpoint (%s); it was not followed.'
                % escaping.printable(url)
            )
        if _page_key(url, params) in self._seen:
            raise exceptions.ImagePropertiesPagingError(
                'The compute API sent a next page link to a page it had '
                'already sent (%s); stopped paging.'
                % escaping.printable(url)
            )


def next_request(page_url, href):
    """The request that follows ``href``, as openstacksdk builds it.

    ``Resource.list`` asks for the link's path with the query of the page
    that carried the link, less its marker and limit, updated with the
    link's own query. For commands whose paging is openstacksdk's (OSC's
    ``server list``), this is what the guard must judge before the SDK
    sends it.

    :returns: ``(url without query, params)`` for :meth:`NextLinkGuard.check`.
    """
    href = urllib.parse.urljoin(page_url, href)
    parts = urllib.parse.urlsplit(href)
    page_query = urllib.parse.parse_qs(
        urllib.parse.urlsplit(page_url).query, keep_blank_values=True
    )
    params = {
        name: values for name, values in page_query.items()
        if name not in ('marker', 'limit')
    }
    params.update(urllib.parse.parse_qs(parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit(parts._replace(query='')), params


def next_link(body):
    """The href of the ``next`` link of a server list page, or None.

    :raises ImagePropertiesProtocolError: the link has no usable href.
    """
    links = body.get('servers_links')
    if not isinstance(links, list):
        return None
    for link in links:
        if isinstance(link, dict) and link.get('rel') == 'next':
            href = link.get('href')
            if not isinstance(href, str) or not href:
                raise exceptions.ImagePropertiesProtocolError(
                    'The compute API sent a next page link without a '
                    'valid "href".'
                )
            return href
    return None


def repeated_page():
    """The error of a next page asked for after a page of servers all
    sent before (see :meth:`NextLinkGuard.listed`)."""
    return exceptions.ImagePropertiesPagingError(
        'The compute API sent a page of servers it had already sent; '
        'stopped paging.'
    )


def server_bodies(compute, microversion, query):
    """Yield the raw server objects of every page of the detail list.

    Follows ``servers_links`` as ``conn.compute.servers()`` does (the same
    requests, including its last request with a marker when a ``limit``
    was given), but refuses a next link that leaves the compute endpoint or
    returns to a page already fetched, and stops at a page that brings no
    server it had not sent before.

    :param compute: the compute proxy, e.g. ``conn.compute``.
    :param query: query parameters with their server-side names.
    :raises ImagePropertiesPagingError: see above.
    :raises ImagePropertiesProtocolError: a page is not a server list.
    """
    guard = NextLinkGuard(compute.get_endpoint() or '')
    filters = {k: v for k, v in query.items() if k not in ('marker',)}
    limit = query.get('limit')
    url, params = DETAIL_PATH, dict(query)
    while url:
        request = 'GET %s' % url
        response = compute.get(
            url, params=dict(params), microversion=microversion,
            headers={'Accept': 'application/json'},
        )
        guard.fetched(response.url)
        body = json_object(response, 'compute', request)
        servers = member(body, 'servers', list, 'compute', request)
        marker = None
        for raw in servers:
            if not isinstance(raw, dict) or not isinstance(raw.get('id'), str):
                raise exceptions.ImagePropertiesProtocolError(
                    'The compute API answered %s with a server that is not '
                    'an object with an "id".' % escaping.printable(request)
                )
            marker = raw['id']
            yield raw
        if not servers:
            return
        new = guard.listed(raw['id'] for raw in servers)
        href = next_link(body)
        if href is None and not limit:
            return
        if not new:
            raise repeated_page()
        params = {k: v for k, v in filters.items() if k != 'limit'}
        if href is not None:
            href = urllib.parse.urljoin(response.url, href)
            parts = urllib.parse.urlsplit(href)
            params.update(urllib.parse.parse_qs(parts.query))
            url = urllib.parse.urlunsplit(parts._replace(query=''))
        else:
            # openstacksdk asks once more after a page without a next link
            # when a limit was given.
            url = response.url.split('?', 1)[0]
            params.update(marker=marker, limit=limit)
        guard.check(url, params)


class ImageRef(_sdk_resource.Resource):
    """The image a server was booted from, as embedded in the server body.

    ``properties`` is ``None`` when the response did not carry the field
    (below microversion 2.98) and a dict, possibly empty, when it did.
    """

    #: The image ID.
    id = _sdk_resource.Body('id')
    #: Links to the image in the compute API.
    links = _sdk_resource.Body('links', type=list)
    #: The properties Nova copied from the image when it booted or rebuilt
    #: the server (compute microversion 2.98 and later).
    properties = _sdk_resource.Body('properties', type=dict)


class _EmbeddedImage(_format.Formatter):
    """Turn the ``image`` member of a server body into an ImageRef.

    Nova sends an object for an image-booted server and ``""`` for a server
    booted from a volume; the latter becomes ``None``.
    """

    @classmethod
    def deserialize(cls, value):
        if isinstance(value, dict):
            return ImageRef.existing(
                **_sdk_internals.body_attrs(ImageRef, value)
            )
        return None


class Server(_server.Server):
    """A compute server whose ``image`` is an :class:`ImageRef`.

    Requests for this resource negotiate up to openstacksdk's own Server
    maximum or 2.98, whichever is higher, so the embedded image properties
    are part of ``GET /servers/{id}`` and ``GET /servers/detail`` and
    nothing the stock resource would get is lost.
    """

    #: The embedded image reference; ``None`` for a server booted from a
    #: volume.
    image = _sdk_resource.Body('image', type=_EmbeddedImage)

    @property
    def is_unreachable(self):
        """Whether this is the partial record of a server in a down cell.

        Nova then knows only a few members of the server (status
        ``UNKNOWN``, no ``image``): its image properties are unknown, which
        is not the same as a server booted from a volume (``image`` is
        ``None`` for both).
        """
        return is_partial_record(_sdk_internals.body(self))

    def raw_body(self):
        """The server body as Nova sent it: a deep copy of the members this
        resource maps (``id``, ``name``, ``status``, ``flavor``, ``image``,
        ...), not converted into resources; for rules that read the raw
        members, as :func:`osc_image_props.sdk.vtpm.from_server_body`.
        """
        return copy.deepcopy(dict(_sdk_internals.body(self)))

    def flavor_disk(self):
        """The root disk (GiB) of the embedded flavor, or None.

        Read from the body as sent (:func:`flavor_disk_from_body`):
        ``server.flavor`` would build a resource from untrusted members.
        """
        return flavor_disk_from_body(_sdk_internals.body(self))

    def embedded_image_properties(self):
        """Return the embedded image properties, validated.

        :returns: a ``dict`` of property name to string value for a server
            booted from an image (``{}`` when Nova kept none), ``None`` for a
            server booted from a volume.
        :raises ImagePropertiesMissing: the body lacks ``image.properties``
            although the server was booted from an image.
        :raises ImagePropertiesProtocolError: the body is malformed.
        """
        return properties_from_body(
            self.id, _sdk_internals.body(self), self.microversion
        )


# Negotiated like openstacksdk's own Server, up to its maximum or 2.98.
_sdk_internals.set_max_microversion(
    Server, client_max_microversion()
)


ABSENT = object()

#: The status Nova gives the partial record of a server in a down cell.
PARTIAL_STATUS = 'UNKNOWN'


def is_partial_record(server):
    """Whether a raw server body is a down cell's partial record.

    Listed, such a server has no ``image`` member; shown alone, its image
    reference comes from the API database and has no ``properties``.
    """
    if server.get('status') != PARTIAL_STATUS:
        return False
    image = server.get('image', ABSENT)
    return image is ABSENT or (
        isinstance(image, dict) and 'properties' not in image)


def flavor_disk_from_body(server):
    """The root disk (GiB) of a raw server body's embedded flavor, or None
    when the body has no flavor object or its ``disk`` is not a number.
    """
    flavor = server.get('flavor')
    disk = flavor.get('disk') if isinstance(flavor, dict) else None
    return disk if isinstance(disk, int) else None


def properties_from_body(server_id, server, microversion=None):
    """Validate the raw body of one server; return its embedded properties.

    :param server: the server object as Nova sent it.
    :returns: as :meth:`Server.embedded_image_properties`; values are
        strings or ``None`` (Nova stores nullable strings).
    :raises ImagePropertiesUnreachable: the body is the partial record of a
        server in a cell Nova cannot reach.
    """
    shown = escaping.printable(server_id)
    if is_partial_record(server):
        raise exceptions.ImagePropertiesUnreachable(server_id)
    image = server.get('image', ABSENT)
    if image is ABSENT:
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s without an "image" '
            'member.' % shown
        )
    if image == '':
        return None
    if not isinstance(image, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with a malformed "image" '
            'member (%s instead of an object).'
            % (shown, type(image).__name__)
        )
    image_id = image.get('id')
    if not isinstance(image_id, str) or not image_id:
        # Not a volume-booted server ("image": ""): a broken reference.
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with an "image" object '
            'that has no valid "id".' % shown
        )
    if 'properties' not in image:
        raise exceptions.ImagePropertiesMissing(server_id, microversion)
    properties = image['properties']
    if not isinstance(properties, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str))
        for k, v in properties.items()
    ):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with malformed '
            '"image.properties": expected an object of strings or nulls.'
            % shown
        )
    return dict(properties)


_LOCAL = threading.local()


def _end():
    return getattr(_LOCAL, 'end', None)


def _expired():
    return exceptions.ImagePropertiesTimeout(_LOCAL.seconds)


def _time_left():
    """Seconds left in this thread's bound; None without one. Raises once
    none is left."""
    end = _end()
    if end is None:
        return None
    left = end - time.monotonic()
    if left <= 0:
        raise _expired()
    return left


def _connect_timeout(timeout):
    left = _time_left()
    if left is None:
        return timeout
    if isinstance(timeout, (int, float)):
        return min(timeout, left)
    return left  # the socket module's default: no timeout of its own


class _BoundedReader(io.RawIOBase):
    """A socket's reads, each waiting for the time left at most.

    It reads through the socket's own raw file, which keeps the socket
    open until the file is closed: http.client closes the connection as
    soon as it has read the headers of an answer that ends the connection,
    and reads the body from the file after that.
    """

    def __init__(self, sock):
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile('rb', buffering=0)

    def readable(self):
        return True

    def readinto(self, buffer):
        left = _time_left()
        if left is None:
            return self._raw.readinto(buffer)
        per_read = self._sock.gettimeout()
        self._sock.settimeout(left if per_read is None
                              else min(per_read, left))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            _time_left()  # the bound, if it passed
            raise  # else the per-read timeout, as without a bound
        finally:
            if self._sock.fileno() != -1:
                self._sock.settimeout(per_read)

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()


class _BoundedSocket:
    """A connected socket whose file (what http.client reads the
    response from) is a :class:`_BoundedReader`."""

    def __init__(self, sock):
        self._sock = sock

    def makefile(self, mode='r', buffering=None, **kwargs):
        if mode != 'rb':
            return self._sock.makefile(mode, buffering, **kwargs)
        return io.BufferedReader(_BoundedReader(self._sock))

    def __getattr__(self, name):
        return getattr(self._sock, name)


@contextlib.contextmanager
def deadline(conn, seconds):
    """Bound the calls made on ``conn`` in this block to ``seconds`` in all.

    Example::

        from osc_image_props import sdk

        with sdk.deadline(conn, 120):
            for server in sdk.fleet_drift(conn, all_projects=True):
                ...

    A read still waiting when the bound passes, and any later read or
    connection attempt in the block, raises
    :class:`~osc_image_props.sdk.ImagePropertiesTimeout`; the connection is
    closed. ``api_timeout`` still bounds each read. An outer, shorter
    bound stays in force.

    :param conn: an :class:`openstack.connection.Connection`.
    :param seconds: the bound; None or 0 for none.
    """
    if not seconds:
        yield
        return
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds)
            and seconds > 0):
        raise ValueError('seconds must be a positive number, not %r'
                         % (seconds,))
    _sdk_internals.bound_new_connections(
        conn.session, _BoundedSocket, _connect_timeout)
    outer = (_end(), getattr(_LOCAL, 'seconds', None))
    end = time.monotonic() + seconds
    if outer[0] is None or end < outer[0]:
        _LOCAL.end, _LOCAL.seconds = end, seconds
    try:
        yield
    finally:
        _LOCAL.end, _LOCAL.seconds = outer


def _as_resource(conn, raw, version):
    return Server.existing(
        microversion=version,
        connection=conn,
        **_sdk_internals.body_attrs(Server, raw),
    )


# Answers to GET /servers/{id} after which openstacksdk's find() goes on
# to look the value up as a name.
_NOT_AN_ID = (404, 400, 403)


# What _server_by_id returns when Nova refused the microversion (406).
_REFUSED = object()


def _server_by_id(compute, server_id, version):
    """``GET /servers/{id}``: ``(raw body or None or _REFUSED, response)``.

    None when the ID names no server (the caller looks it up as a name).
    """
    path = '/servers/%s' % segment(server_id)
    request = 'GET %s' % path
    response = compute.get(
        path, microversion=version, headers={'Accept': 'application/json'}
    )
    if refused(response):
        return _REFUSED, response
    if response.status_code in _NOT_AN_ID:
        return None, response
    if response.status_code == 500:
        _raise_if_unreachable(compute, path, server_id)
    body = json_object(response, 'compute', request)
    raw = member(body, 'server', dict, 'compute', request)
    found = raw.get('id')
    if not isinstance(found, str) or found.lower() != server_id.lower():
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API answered %s with a different server (%s).'
            % (escaping.printable(request), escaping.printable(found))
        )
    return raw, response


# Nova answers 500 for GET /servers/{id} at 2.98 and later when the
# server's cell is down (it reads the embedded properties from the cell's
# database); below 2.98 it answers the partial record of the server.
_BELOW_PROPERTIES = '2.97'


def _raise_if_unreachable(compute, path, server_id):
    """After a 500: raise ImagePropertiesUnreachable for a down cell's server.

    Costs one more GET, below 2.98; any other answer leaves the 500 to the
    caller.
    """
    response = compute.get(
        path, microversion=_BELOW_PROPERTIES,
        headers={'Accept': 'application/json'},
    )
    if response.status_code != 200:
        return
    try:
        body = json_object(response, 'compute', 'GET %s' % path)
    except exceptions.ImagePropertiesProtocolError:
        return
    server = body.get('server')
    if isinstance(server, dict) and is_partial_record(server):
        raise exceptions.ImagePropertiesUnreachable(server_id)


def _server_by_id_negotiated(compute, server_id, version):
    """As :func:`_server_by_id`, lowering the microversion once if refused.

    :returns: ``(raw body or None, the microversion Nova accepted)``.
    """
    raw, response = _server_by_id(compute, server_id, version)
    if raw is _REFUSED:
        lower = after_refusal(compute, version, response)
        if lower is not None:
            version = lower
            raw, response = _server_by_id(compute, server_id, version)
        if raw is _REFUSED:
            # Refused with nothing lower to try, or refused again at the
            # maximum the refusal named: discovery says what the cloud
            # supports (and raises if it is older than 2.98); otherwise
            # Nova's error stands.
            image_properties_microversion(compute)
            sdk_exceptions.raise_from_response(response)
    if raw is not None:
        check_answered_with_microversions(compute, response)
    return raw, version


def _server_by_name(compute, name, version):
    """The one raw server whose name or ID is ``name``, as find does."""
    query, _ = _sdk_internals.server_query(
        Server, DETAIL_PATH, {'name': name}
    )
    found = [
        raw for raw in server_bodies(compute, version, query)
        if raw.get('name') == name or raw['id'] == name
    ]
    if not found:
        raise sdk_exceptions.NotFoundException(
            'No Server found for %s' % escaping.printable(name)
        )
    if len(found) > 1:
        raise sdk_exceptions.DuplicateResource(
            'More than one Server exists with the name %s.'
            % escaping.printable(name)
        )
    return found[0]


def read_server(conn, server, wanted_microversion=None):
    """The body of one server and its microversion, as
    :func:`find_server` reads it: ``(raw body, microversion)``.

    For readers of the body itself, which need no resource built.
    """
    compute = conn.compute
    version = first_server_microversion(
        compute, wanted_microversion
    )
    if isinstance(server, _sdk_resource.Resource):
        server = server.id
    if not server:
        raise sdk_exceptions.NotFoundException(
            'No server has an empty name or ID.'
        )
    raw = None
    if segment(server) is not None:
        raw, version = _server_by_id_negotiated(compute, server, version)
    elif wanted_microversion is None:
        # "." and "..": no ID lookup, so no refusal to learn from.
        version = server_request_microversion(compute)
    else:
        version = image_properties_microversion(compute)
    if raw is None:
        raw = _server_by_name(compute, server, version)
    return raw, version


def find_server(conn, server, wanted_microversion=None):
    """Fetch one server at microversion 2.98 or later.

    The request goes out at the microversion ``conn.compute.get_server()``
    would use, raised to 2.98 if lower: never lowered (see
    :func:`~osc_image_props.sdk.compute_api.server_request_microversion`).
    An ID costs no version discovery: the first request goes out at the
    highest microversion this client speaks, and only if Nova refuses it
    (an older cloud) is the cloud's maximum learnt, from Nova's refusal or
    a discovery made then (see
    :func:`~osc_image_props.sdk.compute_api.after_refusal`).

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, a server name, or an
        :class:`openstack.compute.v2.server.Server`. Names resolve as
        ``conn.compute.find_server(name, ignore_missing=False)`` does.
    :param wanted_microversion: ask at this microversion (2.98 or later)
        instead, e.g. one the caller settled by discovery already; a
        microversion the user configured still wins.
    :returns: an :class:`osc_image_props.sdk.compute_api.Server`.
    :raises openstack.exceptions.NotFoundException: no such server visible
        to the caller (also for an empty name).
    :raises openstack.exceptions.DuplicateResource: the name is ambiguous.
    :raises ImagePropertiesUnsupported: the cloud is older than 2.98.
    :raises ImagePropertiesVersionConflict: a lower microversion was
        configured explicitly.
    :raises ImagePropertiesProtocolError: the compute API answered with
        something that is not a server (not JSON, HTML, another server).

    An ID costs one ``GET /servers/{id}`` (two on a cloud older than this
    client, which refuses the first); a name costs what
    ``find_server`` costs (the ID lookup, then one filtered detail list).
    IDs and names are quoted into the URL; ``.`` and ``..`` are looked up
    as names only.
    """
    raw, version = read_server(conn, server, wanted_microversion)
    return _as_resource(conn, raw, version)


def get_image_properties(conn, server):
    """Return the image properties Nova embedded in a server.

    Example::

        import openstack
        from osc_image_props import sdk

        conn = openstack.connect(cloud='mycloud')
        props = sdk.get_image_properties(conn, 'web-1')
        print(props.get('hw_machine_type'))

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, name or Server resource (see
        :func:`find_server`).
    :returns: a ``dict`` of property name to string value for a server
        booted from an image (``{}`` when it has none), ``None`` for a
        server booted from a volume.
    :raises ImagePropertiesMissing: the cloud claimed 2.98 but did not send
        the field.
    :raises ImagePropertiesUnreachable: the server is in a cell the compute
        API cannot reach now (Nova sent only a partial record).

    Only the properties leave this function, so the request asks for
    exactly 2.98: one ``GET /servers/{id}`` for an ID on every cloud of
    2.98 or later, whichever openstacksdk is installed.
    """
    raw, version = read_server(conn, server, REQUIRED)
    return properties_from_body(raw.get('id'), raw, version)


def matches(properties, match):
    """Whether embedded properties satisfy every condition of ``match``.

    :param properties: embedded properties (``None`` for a server booted
        from a volume, which matches nothing but an empty ``match``).
    :param match: property name to the value it must have, or to ``None``
        when it only has to be present.

    A null value (Nova 2025.1 sends them) never equals a value, not even
    ``'None'`` or ``''``, but satisfies a presence condition.
    """
    if not match:
        return True
    if properties is None:
        return False
    return all(
        name in properties
        and (value is None or properties[name] == value)
        for name, value in match.items()
    )


def list_image_properties(conn, match=None, **query):
    """Yield ``(server, properties)`` for every server of a detail list.

    Example::

        for server, props in sdk.list_image_properties(conn, status='ACTIVE'):
            if server.is_unreachable:
                print(server.id, 'cell unreachable')
            else:
                print(server.name, props)

        # Every server still on the pc machine type, with a vTPM of any kind
        legacy = sdk.list_image_properties(
            conn, match={'hw_machine_type': 'pc', 'hw_tpm_version': None},
            all_projects=True)

    :param conn: an :class:`openstack.connection.Connection`.
    :param match: keep only servers whose embedded properties satisfy it
        (see :func:`matches`). Nova cannot filter on embedded properties, so
        this runs on the client over the whole detail list. Servers of an
        unreachable cell never satisfy a non-empty ``match``.
    :param query: the filters of ``conn.compute.servers()``
        (``all_projects``, ``name``, ``status``, ``image``, ``limit``, ...).
    :returns: an iterator over ``GET /servers/detail`` at 2.98, following
        pagination; ``properties`` is as in :func:`get_image_properties`,
        and ``None`` also for the partial record of a server in a cell the
        compute API cannot reach (``server.is_unreachable`` is then True).
    :raises ImagePropertiesPagingError: a next page link leads outside the
        compute endpoint or back to a page already fetched (nothing is
        requested from it).
    """
    compute = conn.compute
    # Checked here, not on the first next(): a cloud that is too old should
    # fail where the caller asked, not where it starts iterating.
    version = server_request_microversion(compute)
    api_query, client_filters = _sdk_internals.server_query(
        Server, DETAIL_PATH, query
    )
    raws = server_bodies(compute, version, api_query)
    return _with_properties(conn, raws, version, client_filters, match)


def _with_properties(conn, raws, version, client_filters, match):
    for raw in raws:
        try:
            properties = properties_from_body(raw['id'], raw, version)
        except exceptions.ImagePropertiesUnreachable:
            properties = None
        server = _as_resource(conn, raw, version)
        if any(
            getattr(server, name, None) != value
            for name, value in client_filters.items()
        ):
            continue
        # A partial record has properties None: only an empty match keeps
        # it, as for a server booted from a volume.
        if matches(properties, match):
            yield server, properties


#: What a single server is asked for at when no microversion is configured.
LATEST = 'latest'


def _server_and_cloud_max(compute, server):
    """``(raw body, microversion of the body, the cloud's maximum)``."""
    explicit = compute.default_microversion
    # Refuses an explicit microversion below 2.98 before any request.
    version = first_server_microversion(compute, LATEST)
    raw, answered = None, None
    if segment(server) is not None:
        raw, response = _server_by_id(compute, server, version)
        if raw is _REFUSED:
            # Only an explicit microversion above the cloud's maximum is
            # refused: discovery says why, or Nova's error stands.
            image_properties_microversion(compute)
            sdk_exceptions.raise_from_response(response)
        # A 404 carries the header too.
        answered = answered_microversion(response)
        if raw is not None and answered is None:
            check_answered_with_microversions(compute, response)
    if answered is not None and (
        version_key(answered)
        < version_key(REQUIRED)
    ):
        raise exceptions.ImagePropertiesUnsupported(answered)
    if raw is None:
        raw = _server_by_name(compute, server, version)
    if explicit is None and answered is not None:
        return raw, answered, answered
    # A configured microversion, or no answer that names one ("." and
    # "..", a proxy that drops the header): the cloud's maximum is learnt
    # by version discovery.
    cloud_max = cloud_max_microversion(compute)
    return raw, answered or explicit or cloud_max, cloud_max


def server_and_cloud_max(conn, server):
    """The server read of :func:`osc_image_props.sdk.vtpm.get_vtpm`:
    ``(raw body, its microversion, the cloud's maximum)``.

    :raises ImagePropertiesUnreachable: the server is in a cell the
        compute API cannot reach.
    """
    if isinstance(server, _sdk_resource.Resource):
        server = server.id
    if not server:
        raise sdk_exceptions.NotFoundException(
            'No server has an empty name or ID.'
        )
    raw, version, cloud_max = _server_and_cloud_max(conn.compute, server)
    if is_partial_record(raw):
        raise exceptions.ImagePropertiesUnreachable(raw['id'])
    return raw, version, cloud_max


def server_stream(conn, max_servers, query, views='Fleet views'):
    """``(microversion, the cloud's maximum, raw server bodies)`` of the
    one paged server list a fleet view reads.

    The microversion and the maximum are learnt now, not on the first
    next(): a cloud that is too old fails where the caller asked. Only
    filters the compute API applies are taken (``views`` names the
    caller in the error), and ``max_servers`` stops the list before the
    next page is asked for.
    """
    compute = conn.compute
    version = server_request_microversion(compute)
    cloud_max = cloud_max_microversion(compute)
    api_query, client_filters = _sdk_internals.server_query(
        Server, DETAIL_PATH, query
    )
    if client_filters:
        raise exceptions.ImagePropertiesError(
            '%s take only filters the compute API applies; not: %s'
            % (views, escaping.printable(', '.join(sorted(client_filters))))
        )
    raws = server_bodies(compute, version, api_query)
    if max_servers is not None:
        raws = itertools.islice(raws, max_servers)
    return version, cloud_max, raws


FLAVORS_PATH = '/flavors/detail'


def flavor_bodies(compute, version):
    """The raw flavors of ``GET /flavors/detail``: one request."""
    request = 'GET %s' % FLAVORS_PATH
    response = compute.get(FLAVORS_PATH, microversion=version,
                           headers={'Accept': 'application/json'})
    if response.status_code != 200:
        sdk_exceptions.raise_from_response(response)
    body = json_object(response, 'compute', request)
    return member(body, 'flavors', list, 'compute', request)
