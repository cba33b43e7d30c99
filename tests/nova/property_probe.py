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

"""Ask one Nova code base what ``image.properties`` it returns.

Run inside a Nova venv, with the Nova tree on PYTHONPATH:

    python property_probe.py names             -> the standard names
    python property_probe.py properties ROWS   -> the properties for ROWS

ROWS is a JSON file holding a system_metadata mapping (name -> value or
null). The answer is JSON on stdout. The same probe runs against the
patched 2024.x tree and against upstream Nova 2025.x, through the view
builder's own ``_get_image`` at microversion 2.98, so both sides are asked
the same question through the same entry point.
"""

import json
import sys


def _setup():
    from nova import conf, objects

    objects.register_all()
    conf.CONF([], project='nova', default_config_files=[])
    return objects


def standard_names():
    objects = _setup()
    props = objects.ImageMetaProps
    return sorted(set(props.fields) | set(props._legacy_property_map))


def properties(rows):
    objects = _setup()
    from nova import context
    from nova.api.openstack import api_version_request, wsgi
    from nova.api.openstack.compute.views import images, servers

    request = wsgi.Request.blank('/servers/detail',
                                 base_url='http://localhost/v2.1')
    request.api_version_request = api_version_request.APIVersionRequest(
        '2.98')
    request.environ['nova.context'] = context.RequestContext(
        'user', 'project')
    instance = objects.Instance(
        uuid='9b6c3dc9-4e67-4d65-9d3a-8d3bb1b9b0a1',
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6',
        system_metadata=rows)
    # The builder's __init__ sets up RPC clients that _get_image does not
    # use; build it without them.
    builder = servers.ViewBuilder.__new__(servers.ViewBuilder)
    builder._image_builder = images.ViewBuilder()
    image = builder._get_image(request, instance)
    return image['properties']


def main(argv):
    if argv[1:] == ['names']:
        result = standard_names()
    elif len(argv) == 3 and argv[1] == 'properties':
        with open(argv[2], encoding='utf-8') as handle:
            result = properties(json.load(handle))
    else:
        sys.exit(__doc__)
    json.dump(result, sys.stdout, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
