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

"""The same image and server on any mode: what its Nova returns at 2.98.

    python differential.py CLOUD MODE DB_URL [--keep]
    (run by ``tools/devcloud differential``)

Uploads ``differential-image`` (standard and custom properties, and a
standard one of 300 characters), boots a server from it, reads
``GET /servers/{id}`` at 2.96 and at the mode's 2.98, then sets one of the
server's ``image_*`` rows of system metadata to NULL in the cell database,
as nothing but a database edit can, and reads it again.  Prints one JSON
object; deletes the server and image unless ``--keep`` (then their IDs are
in the output for running the plugin against them).
"""
import json
import os
import sys
import urllib.parse

import openstack
import pymysql

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from devcloud import facts, modes, wait  # noqa: E402

IMAGE = 'differential-image'
LONG = 'x' * 300  # Nova keeps at most 255 characters of a value
PROPERTIES = {
    'hw_machine_type': 'q35', 'os_distro': 'ubuntu',
    'os_command_line': LONG,
    'owner_specified.note': 'custom', 'my_custom_key': 'custom too',
}
NULLED = 'image_os_distro'


def boot(conn, image_id):
    flavor = conn.compute.find_flavor(facts.FLAVOR['name'],
                                      ignore_missing=False)
    body = {'server': {'name': 'differential', 'imageRef': image_id,
                       'flavorRef': flavor.id, 'networks': 'none'}}
    server = conn.compute.post('/servers', json=body,
                               microversion='2.37').json()['server']
    statuses = []

    def settled():
        statuses.append(show(conn, server['id'], '2.37')['status'])
        return statuses[-1] in ('ACTIVE', 'ERROR')

    wait.poll(settled, 180, interval=1)
    return server['id'], statuses[-1]


def show(conn, server_id, version):
    resp = conn.compute.get('/servers/' + server_id, microversion=version,
                            raise_exc=False)
    if resp.status_code != 200:
        return {'status_code': resp.status_code}
    return resp.json()['server']


def image_member(conn, server_id, version):
    """The ``image`` member in short: its keys, the properties' names,
    the long value's length and the value that is nulled later."""
    image = show(conn, server_id, version).get('image')
    if not isinstance(image, dict):
        return image
    summary = {'keys': sorted(image)}
    properties = image.get('properties')
    if isinstance(properties, dict):
        summary['property_names'] = sorted(properties)
        long_value = properties.get('os_command_line')
        summary['os_command_line_length'] = (
            len(long_value) if isinstance(long_value, str) else long_value)
        summary['os_distro'] = properties.get('os_distro', '(absent)')
    return summary


def set_null(db_url, server_id):
    url = urllib.parse.urlsplit(db_url)
    query = dict(urllib.parse.parse_qsl(url.query))
    db = pymysql.connect(user=url.username, database=url.path.lstrip('/'),
                         unix_socket=query['unix_socket'])
    with db, db.cursor() as cursor:
        cursor.execute(
            'UPDATE instance_system_metadata SET value = NULL WHERE '
            'instance_uuid = %s AND `key` = %s', (server_id, NULLED))
        db.commit()
        return cursor.rowcount


def main():
    cloud, mode_name, db_url = sys.argv[1:4]
    keep = '--keep' in sys.argv[4:]
    mode = modes.get(mode_name)
    conn = openstack.connect(cloud=cloud)
    root = conn.compute.get('/').json()
    maximum = (root.get('version') or root['versions'][0])['version']
    body = dict(PROPERTIES, name=IMAGE, **facts.IMAGE_FORMAT)
    image = conn.image.post('/images', json=body).json()
    conn.image.put('/images/{}/file'.format(image['id']),
                   data=b'differential\n',
                   headers={'Content-Type': 'application/octet-stream'})
    server_id, status = boot(conn, image['id'])
    version = '2.98' if mode.has_298 else maximum
    report = {'mode': mode.name, 'nova': mode.nova, 'max': maximum,
              'server': server_id, 'image': image['id'], 'status': status,
              'glance_properties': sorted(PROPERTIES),
              'at_2.96': image_member(conn, server_id, '2.96'),
              'at_' + version: image_member(conn, server_id, version)}
    report['nulled_rows'] = set_null(db_url, server_id)
    report['after_null_at_' + version] = image_member(conn, server_id,
                                                      version)
    if not keep:
        conn.compute.delete('/servers/' + server_id, raise_exc=False)
        wait.poll(lambda: conn.compute.get(
            '/servers/' + server_id, raise_exc=False).status_code == 404,
            60, interval=1)
        conn.image.delete('/images/' + image['id'])
    print(json.dumps(report, indent=1, sort_keys=True))


if __name__ == '__main__':
    main()
