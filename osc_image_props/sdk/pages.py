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

"""Paging through ``GET /servers/detail`` with guards.

Nova links each full page to the next one (``servers_links``). A cloud
that links a page to itself, or back to an earlier one, would otherwise
keep a client asking forever; a next link to another host, port or API
would receive the user's token. We follow a link only to the compute
endpoint we were given and only to a page we have not fetched yet.
"""

import urllib.parse

from osc_image_props import escaping
from osc_image_props.sdk import exceptions
from osc_image_props.sdk import responses
from osc_image_props.sdk import urls

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
        self._origin, path = urls.endpoint_key(endpoint) or (None, '')
        self._prefix = path.rstrip('/') + '/'
        self._seen = set()

    def fetched(self, url, params=None):
        """Record a page received from ``url`` (plus query ``params``)."""
        self._seen.add(_page_key(url, params or {}))

    def check(self, url, params=None):
        """Refuse a next link outside the endpoint or to a page seen."""
        params = params or {}
        key = urls.endpoint_key(url)
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
    yielded = set()
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
        body = responses.json_object(response, 'compute', request)
        servers = responses.member(body, 'servers', list, 'compute', request)
        marker = None
        new = False
        for raw in servers:
            if not isinstance(raw, dict) or not isinstance(raw.get('id'), str):
                raise exceptions.ImagePropertiesProtocolError(
                    'The compute API answered %s with a server that is not '
                    'an object with an "id".' % escaping.printable(request)
                )
            marker = raw['id']
            new = new or marker not in yielded
            yielded.add(marker)
            yield raw
        if not servers:
            return
        href = next_link(body)
        if href is None and not limit:
            return
        if not new:
            # Marker paging never repeats a server: links that differ only
            # in decoration would otherwise evade the check on pages.
            raise exceptions.ImagePropertiesPagingError(
                'The compute API sent a page of servers it had already '
                'sent; stopped paging.'
            )
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
