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

"""The seed: what the cloud holds before anyone uses it.

invenv/seed.py runs in the cloud's venv (it needs openstacksdk) with a
settings file this module writes: ``identity`` (projects, users, roles,
the catalog) once Keystone answers, ``resources`` (flavors, images,
networks, traits) once Nova's computes are up.
"""
import json
import os

from devcloud import cells, facts, paths
from devcloud.services import barbican, nova


def write_settings(cloud):
    """The seed's settings file (mode 0600: it holds passwords)."""
    path = cloud.layout.run_file('seed-settings.json')
    settings = {
        'nova_started': cloud.nova_started,
        'keystone_url': cloud.keystone_url,
        'passwords': cloud.passwords,
        'compute_hosts': cells.compute_hosts(cloud.layout.cells,
                                             cloud.mode.computes),
        'conductor_hosts': cells.conductor_hosts(cloud.layout.cells),
        'flavors': facts.flavors(cloud.mode),
        # The fake driver reports no TPM support: the seed adds the traits
        # a vTPM server is scheduled by.  libvirt reports its own.
        'add_tpm_traits': not cloud.mode.is_libvirt,
        # libvirt names its node after the machine: the seed finds the
        # node's provider by the UUID nova-compute keeps in its state.
        'node_ids': nova.node_id_files(cloud) if cloud.mode.is_libvirt
        else {},
        'endpoints': {
            'placement': cloud.url('placement'),
            'image': cloud.url('glance'),
            'compute': cloud.url('nova-api') + '/v2.1',
            'network': cloud.url('neutron'),
        },
        # Service users only some modes have (Barbican's).
        'service_users': list(cloud.extra_services),
    }
    if cloud.mode.has_key_manager:
        settings['endpoints'][barbican.SERVICE_TYPE] = barbican.url(cloud)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as out:
        json.dump(settings, out)
    return path


def run(cloud, action, service='seed'):
    """Run the seed's ``action``; its output goes to ``service``'s log."""
    cloud.run(service, [cloud.layout.python,
                        os.path.join(paths.INVENV_DIR, 'seed.py'),
                        action, write_settings(cloud)], timeout=300)


def identity(cloud):
    """Projects, users, roles and catalog: once, and again when the
    ports (so the catalog's URLs) changed."""
    if not cloud.done('seed-identity') or cloud.ports_changed:
        with cloud.progress.step('projects, users, roles and catalog'):
            run(cloud, 'identity')
        cloud.mark_done('seed-identity')
