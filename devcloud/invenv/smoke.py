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

"""Smoke test of a running devcloud: boot, read image properties, delete.

    python smoke.py CLOUD MODE      (run by ``tools/devcloud smoke``)

The compute API's maximum is the mode's.  On a 2.98 cloud: GET
/servers/{id} at 2.96 and 2.97 has no ``image.properties``; at 2.98 it
holds what the mode's Nova copies of ``cirros-like`` (the standard
properties; on 2025.1 every image key).  On ``unpatched``: the maximum is
2.96 and 2.98 is refused with 406.  Exit status 0 only if every check
holds.
"""
import os
import sys
import time

import openstack

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from devcloud import facts, modes, wait  # noqa: E402

IMAGE = facts.IMAGE
FLAVOR = facts.FLAVOR['name']


class Checks:
    def __init__(self):
        self.failures = 0

    def check(self, what, ok, detail=''):
        print('{} {}{}'.format('ok  ' if ok else 'FAIL', what,
                           (': ' + detail) if detail else ''))
        if not ok:
            self.failures += 1


def max_version(conn):
    root = conn.compute.get('/', raise_exc=True).json()
    version = root.get('version') or root['versions'][0]
    return version['version']


def as_tuple(version):
    return tuple(int(part) for part in version.split('.'))


def boot(conn, image_id, flavor_id):
    body = {'server': {'name': 'devcloud-smoke', 'imageRef': image_id,
                       'flavorRef': flavor_id, 'networks': 'none'}}
    server = conn.compute.post('/servers', json=body,
                               microversion='2.37').json()['server']
    shown = {}

    def settled():
        shown.update(show(conn, server['id'], '2.37'))
        return shown['status'] in ('ACTIVE', 'ERROR')

    wait.poll(settled, 120)
    return shown


def show(conn, server_id, microversion, raise_exc=True):
    resp = conn.compute.get('/servers/' + server_id,
                            microversion=microversion, raise_exc=raise_exc)
    if not raise_exc:
        return resp
    return resp.json()['server']


def delete(conn, server_id):
    conn.compute.delete('/servers/' + server_id, raise_exc=False)
    return wait.poll(lambda: conn.compute.get(
        '/servers/' + server_id, raise_exc=False).status_code == 404, 60)


def main():
    cloud, mode = sys.argv[1:3]
    mode = modes.get(mode)
    checks = Checks()
    conn = openstack.connect(cloud=cloud)
    maximum = max_version(conn)
    supports_298 = as_tuple(maximum) >= (2, 98)
    print(f'cloud {cloud} ({mode.name}): compute max microversion '
          f'{maximum}')
    checks.check(f'maximum is {mode.max_microversion}',
                 maximum == mode.max_microversion, maximum)
    image = conn.image.find_image(IMAGE, ignore_missing=False)
    flavor = conn.compute.find_flavor(FLAVOR, ignore_missing=False)
    started = time.monotonic()
    server = boot(conn, image.id, flavor.id)
    checks.check('server {} ACTIVE'.format(server['id']),
                 server['status'] == 'ACTIVE',
                 '{} after {:.1f}s'.format(server['status'],
                                     time.monotonic() - started))
    try:
        if server['status'] == 'ACTIVE':
            check_views(conn, checks, server['id'], image.id, supports_298,
                        facts.seeded_embedded(mode, image.id))
    finally:
        gone = delete(conn, server['id'])
        checks.check('server deleted', gone)
    print(f'{checks.failures} failure(s)')
    return 1 if checks.failures else 0


def check_views(conn, checks, server_id, image_id, supports_298, expected):
    for version in ('2.96', '2.97'):
        if version == '2.97' and not supports_298:
            resp = show(conn, server_id, version, raise_exc=False)
            checks.check('2.97 refused on a 2.96 cloud',
                         resp.status_code == 406, str(resp.status_code))
            continue
        image = show(conn, server_id, version)['image']
        checks.check(f"at {version} image has no 'properties'",
                     'properties' not in image and image['id'] == image_id,
                     f'keys {sorted(image)}')
    if not supports_298:
        resp = show(conn, server_id, '2.98', raise_exc=False)
        checks.check('2.98 refused with 406', resp.status_code == 406,
                     str(resp.status_code))
        return
    resp = show(conn, server_id, '2.98', raise_exc=False)
    checks.check('2.98 answered 200 as 2.98',
                 resp.status_code == 200 and resp.headers.get(
                     'OpenStack-API-Version') == 'compute 2.98',
                 '{} {}'.format(resp.status_code,
                            resp.headers.get('OpenStack-API-Version')))
    if resp.status_code != 200:
        return
    properties = resp.json()['server']['image'].get('properties')
    checks.check('at 2.98 image.properties are what this Nova copies',
                 properties == expected, repr(properties))


if __name__ == '__main__':
    sys.exit(main())
