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

"""Create the cloud's users, catalog and resources; idempotent.

    python seed.py identity SETTINGS.json    after Keystone is up
    python seed.py resources SETTINGS.json   after every service is up

SETTINGS.json: {"keystone_url", "passwords", "endpoints": {type: url}}.
"""
import datetime
import json
import os
import sys
import time

import openstack

# The seed facts are shared with the tests: import them from tools/.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from devcloud import facts, wait  # noqa: E402

DOMAIN = facts.DOMAIN
REGION = facts.REGION
SERVICES = {  # service type -> name
    'placement': 'placement', 'image': 'glance', 'compute': 'nova',
    'network': 'neutron', 'key-manager': 'barbican'}
# user -> (project, roles)
USERS = {
    'nova': ('service', ['admin', 'service']),
    'placement': ('service', ['admin', 'service']),
    'glance': ('service', ['admin', 'service']),
    'neutron': ('service', ['admin', 'service']),
    'demo': ('demo', ['member']),
    'alt': ('alt', ['member']),
    'demo-reader': ('demo', ['reader']),
}
FLAVOR = facts.FLAVOR
IMAGE_DATA = b'devcloud tiny image\n' * 200  # 4 KiB, raw
TPM_TRAITS = ['COMPUTE_SECURITY_TPM_1_2', 'COMPUTE_SECURITY_TPM_2_0',
              'COMPUTE_SECURITY_TPM_TIS', 'COMPUTE_SECURITY_TPM_CRB',
              # Nova 33 (2026.1) also requires the host to keep vTPM
              # secrets in one of these ways (libvirt reports them).
              'COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER',
              'COMPUTE_SECURITY_TPM_SECRET_SECURITY_HOST',
              'COMPUTE_SECURITY_TPM_SECRET_SECURITY_DEPLOYMENT']


def admin_connection(settings):
    return openstack.connect(
        auth_url=settings['keystone_url'] + '/v3', username='admin',
        password=settings['passwords']['admin'], project_name='admin',
        user_domain_id=DOMAIN, project_domain_id=DOMAIN,
        region_name=REGION, identity_api_version='3')


def seed_identity(conn, settings):
    ident = conn.identity
    projects = {}
    for name in ('service', 'demo', 'alt'):
        projects[name] = (ident.find_project(name, domain_id=DOMAIN)
                          or ident.create_project(name=name,
                                                  domain_id=DOMAIN))
    roles = {}
    for name in ('admin', 'member', 'reader', 'service'):
        roles[name] = ident.find_role(name) or ident.create_role(name=name)
    users = dict(USERS)
    for name in settings.get('service_users', []):
        users[name] = ('service', ['admin', 'service'])
    for name, (project, role_names) in users.items():
        password = settings['passwords'][name]
        user = ident.find_user(name, domain_id=DOMAIN)
        if user is None:
            user = ident.create_user(name=name, password=password,
                                     domain_id=DOMAIN)
        else:
            ident.update_user(user, password=password)
        for role in role_names:
            ident.assign_project_role_to_user(projects[project], user,
                                              roles[role])
    for stype, url in settings['endpoints'].items():
        ensure_endpoints(ident, stype, SERVICES[stype], url)


def ensure_endpoints(ident, stype, name, url):
    services = [s for s in ident.services() if s.type == stype]
    service = services[0] if services else ident.create_service(
        type=stype, name=name, is_enabled=True)
    if service.name != name:  # e.g. what an older devcloud registered
        service = ident.update_service(service, name=name)
    existing = {e.interface: e for e in ident.endpoints(
        service_id=service.id)}
    for interface in ('public', 'internal'):
        endpoint = existing.get(interface)
        if endpoint is None:
            ident.create_endpoint(service_id=service.id, interface=interface,
                                  url=url, region_id=REGION)
        elif endpoint.url != url:
            ident.update_endpoint(endpoint, url=url)


def seed_resources(conn, settings):
    for flavor in settings.get('flavors', [dict(FLAVOR, extra_specs={})]):
        ensure_flavor(conn, flavor)
    images = {name: ensure_image(conn, name, facts.glance_properties(name))
              for name in facts.IMAGES}
    network = ensure_network(conn)
    hosts = settings.get('compute_hosts', ['devcloud'])
    providers = wait_compute(conn, settings['nova_started'], hosts,
                             settings.get('conductor_hosts', hosts),
                             settings.get('node_ids'))
    # The fake driver reports no TPM traits; libvirt reports its own.
    for provider in providers.values() if settings.get(
            'add_tpm_traits', True) else ():
        add_traits(conn, provider, TPM_TRAITS)
    return {'images': images, 'network': network,
            'resource_providers': providers}


def ensure_flavor(conn, spec):
    """A public flavor with these extra specs (which a new seed sets)."""
    spec = dict(spec)
    extra_specs = spec.pop('extra_specs')
    flavor = conn.compute.find_flavor(spec['name'])
    if flavor is None:
        flavor = conn.compute.create_flavor(is_public=True, **spec)
    if extra_specs:
        conn.compute.create_flavor_extra_specs(flavor, extra_specs)


def ensure_network(conn):
    """The demo project's network and subnet, as devstack makes them."""
    spec = facts.NETWORK
    project = conn.identity.find_project(spec['project'], domain_id=DOMAIN)
    net = conn.network.find_network(spec['name'], project_id=project.id)
    if net is None:
        net = conn.network.create_network(name=spec['name'],
                                          project_id=project.id)
    if not list(conn.network.subnets(network_id=net.id)):
        conn.network.create_subnet(
            name=spec['subnet'], network_id=net.id, project_id=project.id,
            ip_version=4, cidr=spec['cidr'])
    return net.id


def ensure_image(conn, name, properties):
    """A public 4 KiB raw image called ``name``; its ID."""
    found = conn.image.get('/images?name=' + name).json()['images']
    active = [i for i in found if i['status'] == 'active']
    if active:
        return active[0]['id']
    for broken in found:  # an upload cut short by an earlier failure
        conn.image.delete('/images/' + broken['id'])
    body = dict(properties, name=name, visibility='public',
                **facts.IMAGE_FORMAT)
    image = conn.image.post('/images', json=body).json()
    conn.image.put('/images/{}/file'.format(image['id']), data=IMAGE_DATA,
                   headers={'Content-Type': 'application/octet-stream'})
    return image['id']


def wait_compute(conn, started, hosts, conductor_hosts, node_ids=None,
                 timeout=180):
    """Wait until the Nova services started at ``started`` (epoch) have
    reported in, and each compute host's resource provider exists;
    return {host: provider uuid}.

    A service row still "up" from before a restart is not enough: until
    the new process consumes its RabbitMQ queue, casts to it are lost.
    The conductor of a further cell runs on that cell's compute host.
    ``node_ids``: {host: path of its compute_id file} where the node is
    not named after the host.
    """
    node_ids = node_ids or {}
    wanted = {('nova-conductor', 'devcloud'), ('nova-scheduler', 'devcloud')}
    for host in hosts:
        wanted.add(('nova-compute', host))
    for host in conductor_hosts:
        wanted.add(('nova-conductor', host))
    fresh = set()
    providers = {}

    def reported():
        services = conn.compute.get('/os-services').json()['services']
        fresh.clear()
        fresh.update((s['binary'], s['host']) for s in services
                     if s['state'] == 'up' and s['updated_at']
                     and reported_since(s['updated_at'], started))
        providers.clear()
        for host in hosts if wanted <= fresh else ():
            rps = conn.placement.get(
                '/resource_providers?name=' + host).json()
            if rps['resource_providers']:
                providers[host] = rps['resource_providers'][0]['uuid']
            elif host in node_ids:
                node = node_provider(conn, node_ids[host])
                if node:
                    providers[host] = node
        return len(providers) == len(hosts)

    if wait.poll(reported, timeout, interval=1):
        return providers
    missing = sorted('%s on %s' % pair for pair in wanted - fresh)
    raise SystemExit(f"{', '.join(missing) or 'resource providers'} did "
                     f"not report to Nova and Placement within {timeout}s")


def node_provider(conn, path):
    """The resource provider of a compute node not named after its host
    (libvirt names it after the machine's hostname): the node's UUID, which
    nova-compute writes to ``compute_id`` in its state_path; None until the
    provider exists in Placement."""
    try:
        with open(path) as src:
            node = src.read().strip()
    except OSError:
        return None
    found = conn.placement.get('/resource_providers/' + node,
                               raise_exc=False)
    return node if found.status_code == 200 else None


def reported_since(updated_at, started):
    stamp = datetime.datetime.fromisoformat(updated_at[:19])
    stamp = stamp.replace(tzinfo=datetime.timezone.utc)
    return stamp.timestamp() >= started - 1


def add_traits(conn, provider, traits):
    """The fake driver reports no TPM support, but the scheduler requires
    these traits for any image with hw_tpm_version."""
    url = f'/resource_providers/{provider}/traits'
    known = set(conn.placement.get(
        '/traits', microversion='1.6').json()['traits'])
    traits = [t for t in traits if t in known]  # os-traits grows per release
    for _attempt in range(30):
        current = conn.placement.get(url, microversion='1.6').json()
        if set(traits) <= set(current['traits']):
            return
        body = {'traits': sorted(set(current['traits']) | set(traits)),
                'resource_provider_generation':
                    current['resource_provider_generation']}
        resp = conn.placement.put(url, json=body, microversion='1.6',
                                  raise_exc=False)
        if resp.status_code == 200:
            return
        if resp.status_code != 409:  # 409: nova-compute updated it too
            break
        time.sleep(0.5)
    raise SystemExit(f'could not add TPM traits to {provider}: '
                     f'{resp.status_code} {resp.text}')


def main():
    action, settings_path = sys.argv[1:3]
    with open(settings_path) as src:
        settings = json.load(src)
    conn = admin_connection(settings)
    if action == 'identity':
        seed_identity(conn, settings)
        result = {}
    else:
        result = seed_resources(conn, settings)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
