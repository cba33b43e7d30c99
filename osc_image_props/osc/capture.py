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
"""

import copy
import re
import urllib.parse

from osc_image_props import sdk
from osc_image_props.osc import server_microversion
from osc_image_props.sdk import microversion
from osc_image_props.sdk import resource

_SERVER_PATH = re.compile(r'/servers/(?:detail|[^/]+)$')
_DEFAULT_PORTS = {'http': 80, 'https': 443}
_VERSION_HEADER = re.compile(r'compute\s+(\S+)', re.IGNORECASE)


def endpoint_key(url):
    """(scheme, host, port) and path of a URL, for comparing endpoints.

    :returns: ``None`` for a URL that cannot be split (a bad port).
    """
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    origin = (parts.scheme.lower(), (parts.hostname or '').lower(), port)
    return origin, parts.path


def _response_microversion(response):
    match = _VERSION_HEADER.match(
        response.headers.get('OpenStack-API-Version', '')
    )
    if match:
        return match.group(1)
    return response.headers.get('X-OpenStack-Nova-API-Version')


def _own_copy(server):
    # openstacksdk pops the members it consumes and adds the image's links
    # to the nested properties object: keep copies of what we read.
    server = dict(server)
    if isinstance(server.get('image'), dict):
        server['image'] = copy.deepcopy(server['image'])
    return server


class ServerCapture:
    """Records the server bodies a command receives, between start/stop."""

    def __init__(self, compute):
        self._compute = compute
        self._servers = {}  # id -> (raw server object, microversion)
        self._requests_session = compute.session.session
        self._origin = None
        self._path = None
        self._raised = server_microversion.RaisedServerMicroversion()
        self._started = False

    def start(self):
        """Check the cloud, raise the server microversion, start recording.

        :raises ImagePropertiesUnsupported: the cloud is older than 2.98.
        :raises ImagePropertiesVersionConflict: a lower microversion was
            configured explicitly.
        """
        microversion.image_properties_microversion(self._compute)
        key = endpoint_key(self._compute.get_endpoint() or '')
        if key is None:
            raise sdk.ImagePropertiesProtocolError(
                'The compute endpoint of the service catalog is not a '
                'valid URL.'
            )
        self._origin, path = key
        self._path = path.rstrip('/')
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
        key = endpoint_key(response.url)
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
        except ValueError:
            return  # the command itself reports an unreadable body
        # openstacksdk reads the body next: give it this parse, not a second.
        response.json = lambda **kwargs: body
        if not isinstance(body, dict):
            return
        found = body.get('servers')
        if not isinstance(found, list):
            found = [body.get('server')]
        version = _response_microversion(response)
        for raw in found:
            if isinstance(raw, dict) and isinstance(raw.get('id'), str):
                self._servers[raw['id']] = (_own_copy(raw), version)

    def image_properties(self, server_id):
        """Return the validated embedded properties of a captured server.

        :returns: a dict of strings or ``None`` values; ``None`` for a
            server booted from a volume.
        :raises ImagePropertiesUnreachable: the server is the partial record
            of a cell the compute API cannot reach.
        :raises ImagePropertiesProtocolError: the server's body was never
            received (or was malformed), or lacks ``image.properties``.
        """
        captured = self._servers.get(server_id)
        if captured is None:
            raise sdk.ImagePropertiesProtocolError(
                'No compute response at microversion %s or later described '
                'server %s.' % (microversion.REQUIRED, server_id)
            )
        raw, version = captured
        # Validate the raw body directly: building a Server resource per
        # row cost more than the whole response parse (bench, 200 servers).
        return resource.properties_from_body(server_id, raw, version)
