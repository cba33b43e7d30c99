"""Capture the server bodies that an OSC command fetches itself.

``--image-properties`` on ``server list`` and ``server show`` must not cost
an extra request, but by the time a cliff after-hook runs, the command has
rendered its servers into rows of names. So for the duration of the command
we (1) raise the compute adapter's microversion to the one that carries the
field and (2) keep the raw server objects of the compute responses, read
through a response hook of the keystoneauth session's ``requests`` session.
Everything else about the command's requests stays as it is.
"""

import re
import urllib.parse

from osc_image_props import sdk
from osc_image_props.sdk import microversion
from osc_image_props.sdk import resource

_SERVER_PATH = re.compile(r'/servers/(?:detail|[^/]+)$')


class ServerCapture:
    """Records the server bodies a command receives, between start/stop."""

    def __init__(self, compute):
        self._compute = compute
        self._servers = {}
        self._saved_microversion = compute.default_microversion
        self._requests_session = compute.session.session
        self._endpoint_path = None
        self._version = None

    def start(self):
        """Check the cloud, raise the microversion and start recording.

        :raises ImagePropertiesUnsupported: the cloud is older than 2.98.
        :raises ImagePropertiesVersionConflict: a lower microversion was
            configured explicitly.
        """
        self._version = microversion.image_properties_microversion(
            self._compute
        )
        endpoint = self._compute.get_endpoint() or ''
        self._endpoint_path = urllib.parse.urlsplit(endpoint).path.rstrip('/')
        self._compute.default_microversion = self._version
        self._requests_session.hooks['response'].append(self._record)
        return self

    def stop(self):
        """Stop recording and give the adapter its microversion back."""
        hooks = self._requests_session.hooks['response']
        if self._record in hooks:
            hooks.remove(self._record)
        self._compute.default_microversion = self._saved_microversion

    def _record(self, response, *args, **kwargs):
        if response.request.method != 'GET' or response.status_code != 200:
            return
        path = urllib.parse.urlsplit(response.url).path
        if not path.startswith(self._endpoint_path):
            return
        if not _SERVER_PATH.search(path[len(self._endpoint_path):]):
            return
        try:
            body = response.json()
        except ValueError:
            return  # the command itself reports an unreadable body
        if not isinstance(body, dict):
            return
        found = body.get('servers')
        if not isinstance(found, list):
            found = [body.get('server')]
        for raw in found:
            if isinstance(raw, dict) and isinstance(raw.get('id'), str):
                self._servers[raw['id']] = raw

    def image_properties(self, server_id):
        """Return the validated embedded properties of a captured server.

        :raises ImagePropertiesProtocolError: the server's body was never
            received (or was malformed), or lacks ``image.properties``.
        """
        raw = self._servers.get(server_id)
        if raw is None:
            raise sdk.ImagePropertiesProtocolError(
                'No compute response at microversion %s described server %s.'
                % (self._version, server_id)
            )
        # Validate the raw body directly: building a Server resource per
        # row cost more than the whole response parse (bench, 200 servers).
        return resource.properties_from_body(server_id, raw, self._version)
