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

"""Part 4, run with the devcloud venv's python: GET /servers/detail in-process.

Builds the real nova-api WSGI application the way the devcloud's uwsgi
does (``nova.wsgi.osapi_compute`` with ``OS_NOVA_CONFIG_DIR`` and
``OS_NOVA_CONFIG_FILES=api-paste.ini;nova.conf``), so the whole paste
pipeline runs, keystonemiddleware included, against the cloud's own
databases. A ``before_cursor_execute`` listener on every SQLAlchemy
engine counts the statements each request sends. Requests carry a real
Keystone token of the demo user. Prints one JSON document.
"""
import argparse
import json
import os
import statistics
import sys
import time
import urllib.parse


def _statements():
    import sqlalchemy
    from sqlalchemy import event

    seen = []

    def count(conn, cursor, statement, parameters, context, many):
        seen.append(statement)
    event.listen(sqlalchemy.engine.Engine, 'before_cursor_execute', count)
    return seen


def _application(etc):
    os.environ['OS_NOVA_CONFIG_DIR'] = etc
    os.environ['OS_NOVA_CONFIG_FILES'] = 'api-paste.ini;nova.conf'
    # Nova parses sys.argv as oslo.config options, as under uwsgi.
    sys.argv[1:] = []
    from nova.wsgi import osapi_compute
    return osapi_compute.application


def _token(cloud):
    import openstack
    return openstack.connect(cloud=cloud).auth_token


def _get(app, path, token, version):
    import webob
    req = webob.Request.blank(path, headers={
        'X-Auth-Token': token, 'Accept': 'application/json',
        'OpenStack-API-Version': 'compute %s' % version,
        'X-OpenStack-Nova-API-Version': version})
    req.environ['REMOTE_ADDR'] = '127.0.0.1'
    resp = req.get_response(app)
    if resp.status_int != 200:
        raise SystemExit('GET %s at %s: %s %s' % (
            path, version, resp.status, resp.body[:300]))
    return resp


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--etc', required=True)
    parser.add_argument('--cloud', default='devcloud')
    parser.add_argument('--name', required=True)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--versions', default='2.96,2.98')
    args = parser.parse_args()
    versions = args.versions.split(',')
    seen = _statements()
    app = _application(args.etc)
    token = _token(args.cloud)
    path = '/v2.1/servers/detail?' + urllib.parse.urlencode(
        {'name': args.name})
    servers = {}
    for version in versions:  # warm-up: token validation, caches
        body = json.loads(_get(app, path, token, version).body)
        servers[version] = len(body['servers'])
    times = {v: [] for v in versions}
    counts = {v: [] for v in versions}
    for rep in range(args.repeat):
        order = versions if rep % 2 == 0 else versions[::-1]
        for version in order:
            del seen[:]
            start = time.perf_counter()
            _get(app, path, token, version)
            times[version].append(time.perf_counter() - start)
            counts[version].append(len(seen))
    base, new = versions[0], versions[-1]
    ratios = [n / b for n, b in zip(times[new], times[base])]
    print(json.dumps({
        'servers': servers, 'times': times, 'statements': counts,
        'ratio': {'min': min(ratios), 'median': statistics.median(ratios),
                  'values': ratios},
        'method': 'in-process nova-api WSGI app, SQLAlchemy '
                  'before_cursor_execute on Engine',
    }))


if __name__ == '__main__':
    main()
