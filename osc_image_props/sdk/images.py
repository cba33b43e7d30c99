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

"""Glance images by ID, batched: a few requests for many servers.

A fleet runs on few images, so a fleet view asks Glance once per batch of
distinct image IDs (``GET /v2/images?id=in:<id>,<id>,...``), never once
per server. Glance's default list leaves out some images that a
``GET /v2/images/{id}`` still shows (hidden ones, community ones, shared
ones not yet accepted), and an ID that is not plain cannot be written into
an ``in:`` list: those, and only those, are then asked for one by one, so
an image counts as missing exactly when ``server image properties diff``
would say so.
"""

import re
import urllib.parse

from osc_image_props.sdk import exceptions
from osc_image_props.sdk import compute_api

#: IDs per list request: 50 UUIDs keep the URL under 2,000 characters.
BATCH = 50

_PLAIN_ID = re.compile(r'[A-Za-z0-9-]{1,64}')
# A cloud that keeps linking to more pages: stop after this many per batch.
_MAX_PAGES = 10


def _listed(conn, ids):
    """The images of ``ids`` that Glance's list shows, following pages."""
    wanted = set(ids)
    found = {}
    # One more than asked for: Glance then sends no next link for a
    # complete answer, which saves an empty last page.
    url = '/images'
    params = {'id': 'in:' + ','.join(ids), 'limit': len(ids) + 1}
    seen = set()
    for _ in range(_MAX_PAGES):
        request = 'GET /v2/images?id=in:...'
        response = conn.image.get(
            url, params=params, headers={'Accept': 'application/json'}
        )
        seen.add(response.url)
        body = compute_api.json_object(response, 'image', request)
        images = compute_api.member(body, 'images', list, 'image', request)
        for image in images:
            if not isinstance(image, dict):
                raise exceptions.ImagePropertiesProtocolError(
                    'The image API answered %s with an image that is not '
                    'an object.' % request
                )
            image_id = image.get('id')
            # Only what was asked for: a cloud cannot add images.
            if image_id in wanted:
                found[image_id] = image
        following = body.get('next')
        if not images or not isinstance(following, str) or len(
            found
        ) == len(wanted):
            break
        following = urllib.parse.urljoin(response.url, following)
        key = compute_api.endpoint_key(following)
        here = compute_api.endpoint_key(response.url)
        same = key is not None and key == here
        if not same or following in seen:
            break  # the rest is asked for one by one
        url, params = following, None
    return found


def fetch(conn, image_ids):
    """Glance v2 image bodies for the given IDs.

    :param image_ids: distinct image IDs (untrusted: from server bodies).
    :returns: ``{image_id: body or None}``; None when the image is deleted
        or not visible to the caller.
    :raises openstack.exceptions.HttpException: Glance answered an error
        other than 404 for a single image.
    :raises ImagePropertiesProtocolError: Glance's answer is unreadable.
    """
    result = {}
    plain = [i for i in image_ids if _PLAIN_ID.fullmatch(i)]
    for start in range(0, len(plain), BATCH):
        result.update(_listed(conn, plain[start:start + BATCH]))
    for image_id in image_ids:
        if image_id not in result:
            # What ``diff`` asks: a 404 is a missing image.
            result[image_id] = get_image(conn, image_id)
    return result


def get_image(conn, image_id):
    """The Glance v2 image body, or None if not visible."""
    quoted = compute_api.segment(image_id)
    if quoted is None:
        return None
    path = '/images/%s' % quoted
    with compute_api.readable_discovery('image'):
        image_api = conn.image
        image_api.get_endpoint()  # discovery, cached for the request
    response = image_api.get(path, headers={'Accept': 'application/json'})
    if response.status_code == 404:
        return None
    return compute_api.json_object(response, 'image', 'GET %s' % path)
