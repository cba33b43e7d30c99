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

"""The openstacksdk internals the plugin relies on, in one place.

We make the compute requests ourselves, so that each response is parsed and
validated once, by us, and paging is guarded (see :mod:`compute_api`).
The query parameters, the resource objects and the microversion must
still be what ``conn.compute.servers()`` would use; openstacksdk keeps
them behind private names, the same in 4.0 (2024.2 pins) and the newest
releases.

Every such contact is one function here, and nothing else in the package
names those private attributes; tests/unit/test_internals.py checks each
against the installed openstacksdk. The CLI's contacts with cliff,
keystoneauth and requests are in :mod:`osc_image_props.osc._cli_internals`
(doc/source/compatibility.rst lists them all).
"""

from openstack.compute.v2 import server as _server


_MAX_MICROVERSION = '_max_microversion'


def stock_server_max_microversion():
    """The highest compute microversion openstacksdk's Server speaks.

    ``conn.compute.get_server()`` and ``servers()`` send the lower of this
    and the cloud's maximum (2.96 in openstacksdk 4.0, 2.100 in 4.5+).
    """
    # Why: our requests must never ask for less than the stock ones.
    return _server.Server._max_microversion


def max_microversion(resource_cls):
    """The ``_max_microversion`` a resource class negotiates up to, its own
    or inherited; None when it has none.
    """
    # Why: --image-properties raises the stock Server's maximum only when
    # it is below 2.98 (osc.server_microversion).
    return getattr(resource_cls, _MAX_MICROVERSION, None)


def own_max_microversion(resource_cls, default=None):
    """The ``_max_microversion`` set on the class itself (not inherited),
    or ``default``."""
    # Why: what the class itself had is what must be put back after a
    # command, so that an inherited value stays inherited.
    return vars(resource_cls).get(_MAX_MICROVERSION, default)


def set_max_microversion(resource_cls, version):
    """Make openstacksdk negotiate ``resource_cls``'s requests up to
    ``version``: it sends the lower of this and the cloud's maximum."""
    # Why: our Server resource speaks 2.98 whatever openstacksdk's does,
    # and OSC's own server requests must carry 2.98 for one command.
    setattr(resource_cls, _MAX_MICROVERSION, version)


def unset_max_microversion(resource_cls):
    """Remove the class's own ``_max_microversion`` (it inherits again)."""
    # Why: undo set_max_microversion() on a class that had no value of
    # its own.
    delattr(resource_cls, _MAX_MICROVERSION)


def server_query(resource_cls, base_path, params):
    """Split ``conn.compute.servers()`` keyword filters as openstacksdk does.

    :returns: ``(query, client_filters)``: the query string parameters with
        their server-side names, and the attributes openstacksdk compares on
        the client because the API cannot filter on them.
    """
    # Why: the SDK functions take the filters of conn.compute.servers()
    # and must send the query it would send (QueryParameters._validate,
    # _transpose and _mapping, Resource._query_mapping, _body_mapping).
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
    # Why: resources are built from bodies we parsed and validated
    # ourselves (Resource._body_mapping: server-side name to attribute).
    mapped = resource_cls._body_mapping()
    return {key: value for key, value in raw.items() if key in mapped}


def body(resource_obj):
    """The body members of a resource as openstacksdk received them.

    A mapping, the values not converted into resources; openstacksdk's
    own storage, so callers only read it.
    """
    # Why: a server's "image" and "flavor" members must be validated as
    # Nova sent them; their attributes would build resources from
    # untrusted members (Resource._body).
    return resource_obj._body


# requests and urllib3 (under keystoneauth's Session)

_BOUNDED = '_osc_image_props_bounded'


def _bounded_pool_classes(wrap, connect_timeout):
    from urllib3 import connection
    from urllib3 import connectionpool

    def connect(base):
        def connect(self):
            self.timeout = connect_timeout(self.timeout)
            base.connect(self)
            self.sock = wrap(self.sock)
        return connect

    http = type('BoundedHTTPConnection', (connection.HTTPConnection,),
                {'connect': connect(connection.HTTPConnection)})
    https = type('BoundedHTTPSConnection', (connection.HTTPSConnection,),
                 {'connect': connect(connection.HTTPSConnection)})
    return {
        'http': type('BoundedHTTPConnectionPool',
                     (connectionpool.HTTPConnectionPool,),
                     {'ConnectionCls': http}),
        'https': type('BoundedHTTPSConnectionPool',
                      (connectionpool.HTTPSConnectionPool,),
                      {'ConnectionCls': https}),
    }


def bound_new_connections(ksa_session, wrap, connect_timeout):
    """Make every new connection of a keystoneauth Session connect with
    ``connect_timeout(timeout)`` and then read through ``wrap(socket)``.

    Idempotent; the session's idle connections are closed, so that every
    later request uses a new one.
    """
    # Why: a bound on a whole call must cut a read that never ends, and
    # each read of a socket must wait no longer than the time left; only
    # the socket sees each read (the response's status line and headers
    # included), and no public interface reaches it. keystoneauth's
    # Session sends through the requests.Session ``session``, whose
    # HTTPAdapters keep a urllib3 PoolManager (``poolmanager``) that makes
    # its pools from ``pool_classes_by_scheme``; a pool makes connections
    # of its ``ConnectionCls``, whose connect() sets ``sock`` (urllib3
    # 1.26 and 2.x, with requests 2.32).
    classes = None
    for adapter in ksa_session.session.adapters.values():
        manager = getattr(adapter, 'poolmanager', None)
        if manager is None or getattr(adapter, _BOUNDED, False):
            continue
        classes = classes or _bounded_pool_classes(wrap, connect_timeout)
        manager.pool_classes_by_scheme = dict(classes)
        manager.clear()
        setattr(adapter, _BOUNDED, True)
