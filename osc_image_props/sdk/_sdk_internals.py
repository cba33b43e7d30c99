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

"""The openstacksdk internals this extension relies on, in one place.

We make the compute requests ourselves, so that each response is parsed and
validated once, by us, and paging is guarded (see :mod:`pages`). The query
parameters, the resource objects and the microversion must still be what
``conn.compute.servers()`` would use; openstacksdk keeps them behind
private names (``QueryParameters._validate``/``_transpose``,
``Resource._body_mapping``, ``Server._max_microversion``), the same in 4.0
(2024.2 pins) and the newest releases.
"""

from openstack.compute.v2 import server as _server


def stock_server_max_microversion():
    """The highest compute microversion openstacksdk's Server speaks.

    ``conn.compute.get_server()`` and ``servers()`` send the lower of this
    and the cloud's maximum (2.96 in openstacksdk 4.0, 2.100 in 4.5+).
    """
    return _server.Server._max_microversion

def server_query(resource_cls, base_path, params):
    """Split ``conn.compute.servers()`` keyword filters as openstacksdk does.

    :returns: ``(query, client_filters)``: the query string parameters with
        their server-side names, and the attributes openstacksdk compares on
        the client because the API cannot filter on them.
    """
    mapping = resource_cls._query_mapping
    api_filters = mapping._validate(
        params, base_path=base_path, allow_unknown_params=True
    )
    body_names = set(resource_cls._body_mapping().values())
    client_filters = {
        name: value
        for name, value in params.items()
        if name in body_names and name not in mapping._mapping
    }
    return mapping._transpose(api_filters, resource_cls), client_filters


def body_attrs(resource_cls, raw):
    """The members of a response object that the resource maps.

    openstacksdk builds resources with ``cls.existing(**raw)``, so a member
    named ``connection``, ``_synchronized`` or ``self`` would collide with
    its own keyword arguments. Only mapped members are kept anyway.
    """
    mapped = resource_cls._body_mapping()
    return {key: value for key, value in raw.items() if key in mapped}
