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

"""The fake cloud's Glance list with ``id=in:`` filters, for fleet views.

Glance's list shows an image only if it is not hidden (``os_hidden``) and
answers at most ``limit`` images, with a ``next`` link on a full page, as
Glance does.
"""

import re
import urllib.parse


IMAGE_LIST = re.compile(r'^http://image\.test/v2/images(\?.*)?$')


def serve_image_list(cloud):
    def handler(request, context):
        query = urllib.parse.parse_qs(request.query)
        images = [i for i in cloud.images.values() if not i.get('os_hidden')]
        if 'id' in query:
            value = query['id'][0]
            assert value.startswith('in:'), value
            wanted = value[3:].split(',')
            images = [i for i in images if i['id'] in wanted]
        if 'name' in query:
            images = [i for i in images if i['name'] == query['name'][0]]
        if 'marker' in query:
            ids = [i['id'] for i in images]
            images = images[ids.index(query['marker'][0]) + 1:]
        body = {'first': '/v2/images', 'schema': '/v2/schemas/images'}
        limit = int(query.get('limit', ['25'])[0])
        if len(images) >= limit:
            body['next'] = '/v2/images?marker=%s&limit=%d' % (
                images[limit - 1]['id'], limit)
            if 'id' in query:
                body['next'] += '&id=' + query['id'][0]
        body['images'] = images[:limit]
        return body

    cloud.mocker.get(IMAGE_LIST, json=handler)


def add_image(cloud, image_id, properties, **fields):
    cloud.images[image_id] = cloud.image_body(image_id, properties)
    cloud.images[image_id].update(fields)
    return image_id


def image_id(number):
    return '00000000-0000-4000-8000-%012d' % number

