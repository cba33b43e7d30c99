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

"""Requests per command, from the ``REQ: curl`` lines of ``--debug``.

keystoneauth logs every request it sends as ``REQ: curl -g -i -X METHOD
URL ...``. Each is labelled by the service that owns the port (from the
devcloud's ports.json) and by its role: ``auth`` (Keystone), ``discovery``
(a version document: the root or the bare version path of an endpoint) or
the API call itself.

keystoneauth sends the token request (``POST /v3/auth/tokens``) with
logging off, so it has no ``REQ`` line: every command makes that one
request more than its list shows (the same for every command).
"""
import re
import subprocess
import urllib.parse

# With TLS, keystoneauth writes --insecure or --cacert "FILE" before -X.
_REQ = re.compile(
    r'^REQ: curl -g -i (?:--insecure |--cacert "[^"]*" )?-X (\w+) (\S+)')
_VERSION_PATH = re.compile(r'^/?(v[0-9.]+)?/?$')
_NAMES = {'nova-api': 'compute', 'glance': 'image', 'keystone': 'identity',
          'placement': 'placement', 'neutron': 'network'}


def parse(text, ports):
    """Return [{'method', 'url', 'path', 'service', 'role'}] in order."""
    found = []
    for line in text.splitlines():
        match = _REQ.match(line.strip())
        if not match:
            continue
        method, url = match.groups()
        split = urllib.parse.urlsplit(url.strip("'\""))
        service = _NAMES.get(ports.get(split.port), 'other')
        path = split.path + ('?' + split.query if split.query else '')
        if service == 'identity':
            role = 'auth'
        elif method == 'GET' and _VERSION_PATH.match(split.path):
            role = 'discovery'
        else:
            role = 'api'
        found.append({'method': method, 'url': url.strip("'\""),
                      'path': path, 'service': service, 'role': role})
    return found


def record(openstack, args, env, ports):
    """Run ``openstack --debug ARGS`` once and return its request list."""
    proc = subprocess.run([openstack, '--debug'] + list(args), env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError('openstack %s failed: %s' % (
            ' '.join(args), proc.stderr.strip().splitlines()[-1:]))
    return parse(proc.stdout + '\n' + proc.stderr, ports)


def summary(requests):
    """Counts by role and service, e.g. {'auth': 2, 'compute': 1}."""
    counts = {'total': len(requests)}
    for req in requests:
        key = req['role'] if req['role'] != 'api' else req['service']
        counts[key] = counts.get(key, 0) + 1
    return counts


def signature(requests):
    """What must match between list variants.

    The API requests in order, and the auth/discovery requests as a set:
    when keystoneauth discovers the compute and image endpoints is not a
    cost, only whether it does.
    """
    api = [(r['method'], r['service'], r['path']) for r in requests
           if r['role'] == 'api']
    other = sorted((r['method'], r['service'], r['path']) for r in requests
                   if r['role'] != 'api')
    return api, other


def same_order(left, right):
    return [(r['method'], r['path']) for r in left] == [
        (r['method'], r['path']) for r in right]


def render(requests):
    return ['%-4s %-9s %-9s %s' % (r['method'], r['service'], r['role'],
                                   r['path']) for r in requests]
