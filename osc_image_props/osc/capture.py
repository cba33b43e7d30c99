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

"""Capture the server bodies that an OSC command fetches itself.

``--image-properties`` on ``server list`` and ``server show`` must not cost
an extra request, but by the time a cliff after-hook runs, the command has
rendered its servers into rows of names. So for the duration of the command
we (1) let server requests negotiate microversion 2.98 or later (see
:mod:`server_microversion`) and (2) keep the raw server objects of the
compute responses, read through a response hook of the keystoneauth
session's ``requests`` session. Everything else about the command's
requests stays as it is.

The hook parses a body once and hands the parsed body to openstacksdk
(``response.json``), so a large ``server list`` is not parsed twice.

Memory: a 10,000-server list must not cost much more than without the
option. So the hook keeps, per server, only the validated properties (or
the error to raise for its row), one dict shared by every server whose
properties are equal, and it takes ``image.properties`` out of the body
before openstacksdk builds its objects: OSC's own columns never show them
and would otherwise hold a second copy of every value. The hook forgets
everything it captured once the rows are built (:meth:`release`).
"""

import re

from osc_image_props import sdk
from osc_image_props.osc import _cli_internals
from osc_image_props.osc import server_microversion
from osc_image_props.sdk import compute_api

_SERVER_PATH = re.compile(r'/servers/(?:detail|[^/]+)$')
_LIST_PATH = '/servers/detail'


class ServerCapture:
    """Records the server bodies a command receives, between start/stop."""

    def __init__(self, compute):
        self._compute = compute
        # id -> properties dict, None (volume-booted) or the error to raise
        self._servers = {}
        # frozenset of items -> the one dict shared by equal property sets
        self._distinct = {}
        self._requests_session = _cli_internals.requests_session(compute)
        self._origin = None
        self._path = None
        self._raised = server_microversion.RaisedServerMicroversion()
        self._started = False
        # The command's own paging is openstacksdk's, which follows any
        # next link: these judge each link before the SDK sends it.
        self._guard = None

    def start(self):
        """Check the cloud, raise the server microversion, start recording.

        :raises ImagePropertiesUnsupported: the cloud is older than 2.98.
        :raises ImagePropertiesVersionConflict: a lower microversion was
            configured explicitly.
        """
        compute_api.image_properties_microversion(self._compute)
        key = compute_api.endpoint_key(self._compute.get_endpoint() or '')
        if key is None:
            raise sdk.ImagePropertiesProtocolError(
                'The compute endpoint of the service catalog is not a '
                'valid URL.'
            )
        self._origin, path = key
        self._path = path.rstrip('/')
        self._guard = compute_api.NextLinkGuard(self._compute.get_endpoint())
        # Nothing below can fail: start() either takes effect or not at all.
        self._raised.start()
        self._requests_session.hooks['response'].append(self._record)
        self._started = True
        return self

    def stop(self):
        """Stop recording and restore the microversion; idempotent."""
        if not self._started:
            return
        self._started = False
        hooks = self._requests_session.hooks['response']
        while self._record in hooks:
            hooks.remove(self._record)
        self._raised.stop()

    def _is_server_response(self, response):
        if response.request.method != 'GET' or response.status_code != 200:
            return False
        key = compute_api.endpoint_key(response.url)
        if key is None or key[0] != self._origin:
            return False
        path = key[1]
        if not path.startswith(self._path + '/'):
            return False
        return bool(_SERVER_PATH.fullmatch(path[len(self._path):]))

    def _record(self, response, *args, **kwargs):
        if not self._is_server_response(response):
            return
        try:
            body = response.json()
        except (ValueError, RecursionError):
            # Not JSON, or nested deeper than Python's stack: the command
            # itself reports the body it cannot read.
            return
        # openstacksdk reads the body next: give it this parse, not a second.
        _cli_internals.reuse_parsed_body(response, body)
        if not isinstance(body, dict):
            return
        found = body.get('servers')
        if not isinstance(found, list):
            found = [body.get('server')]
        version = compute_api.answered_microversion(response)
        for raw in found:
            if isinstance(raw, dict) and isinstance(raw.get('id'), str):
                self._servers[raw['id']] = self._take(raw, version)
        if isinstance(body.get('servers'), list) and (
            compute_api.endpoint_key(response.url)[1].endswith(_LIST_PATH)
        ):
            self._judge_next_link(response, body)

    def _judge_next_link(self, response, body):
        """Stop the command's paging where :func:`compute_api.server_bodies`
        would stop: a link outside the endpoint, to a page already
        fetched, or after a page of servers all sent before.

        Raised from the response hook, the error reaches the command
        before openstacksdk requests the link.

        :raises ImagePropertiesPagingError: see above.
        """
        self._guard.fetched(response.url)
        ids = {
            raw['id'] for raw in body['servers']
            if isinstance(raw, dict) and isinstance(raw.get('id'), str)
        }
        new = self._guard.listed(ids)
        href = compute_api.next_link(body)
        if href is None:
            return
        if ids and not new:
            raise compute_api.repeated_page()
        self._guard.check(*compute_api.next_request(response.url, href))

    def _take(self, raw, version):
        """Read one server's properties before openstacksdk consumes it."""
        # Validate the raw body directly: building a Server resource per
        # row cost more than the whole response parse (bench, 200 servers).
        try:
            properties = compute_api.properties_from_body(
                raw['id'], raw, version)
        except sdk.ImagePropertiesError as error:
            # Raised for this server's row, if the command shows one. The
            # traceback's frames would keep the whole body alive.
            return error.with_traceback(None)
        if properties is None:
            return None
        # openstacksdk copies whatever it is given into the command's
        # objects (and adds the image's links to a nested properties
        # object): the column alone keeps the properties.
        del raw['image']['properties']
        return self._distinct.setdefault(
            frozenset(properties.items()), properties)

    def __len__(self):
        """How many servers the capture holds."""
        return len(self._servers)

    def release(self):
        """Forget every captured server; the rows keep what they show."""
        self._servers = {}
        self._distinct = {}

    def image_properties(self, server_id):
        """Return the validated embedded properties of a captured server.

        :returns: a dict of strings or ``None`` values; ``None`` for a
            server booted from a volume. Servers with equal properties
            share one dict: do not modify it.
        :raises ImagePropertiesUnreachable: the server is the partial record
            of a cell the compute API cannot reach.
        :raises ImagePropertiesProtocolError: the server's body was never
            received (or was malformed), or lacks ``image.properties``.
        """
        if server_id not in self._servers:
            raise sdk.ImagePropertiesProtocolError(
                'No compute response at microversion %s or later described '
                'server %s.' % (compute_api.REQUIRED, server_id)
            )
        captured = self._servers[server_id]
        if isinstance(captured, sdk.ImagePropertiesError):
            raise captured
        return captured
