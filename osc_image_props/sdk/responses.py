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

"""Reading compute and image API responses, which are untrusted.

Every body is parsed here, once, and every way it can be unreadable ends as
an :class:`ImagePropertiesProtocolError` that says what came back, in
printable text. Our own code after this point can then trust shapes, and
its own mistakes are not mistaken for a broken cloud.
"""

import json

from openstack import exceptions as sdk_exceptions

from osc_image_props import escaping
from osc_image_props.sdk import exceptions


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
