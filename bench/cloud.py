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

"""The devcloud as the benchmark sees it: env, ports, flavor and servers.

Everything the benchmark creates is named ``bench-...``: the flavor
``bench-nano`` and three server groups, so that a list of 1, 50 or 200
servers is a name filter and other people's servers on the same cloud
never count. Servers are reused across runs (``--keep``) and deleted at
the end of a run otherwise (or with ``--cleanup``).
"""
import json
import os
import subprocess
import sys

from bench import paths
from devcloud import facts, modes, wait

FLAVOR = 'bench-nano'
# The plain seed image: the bench's servers need no TPM traits.
IMAGE = facts.PLAIN_IMAGE
# name prefix, size; a list of N servers is the first groups that add up.
GROUPS = (('bench-one', 1), ('bench-fifty', 49), ('bench-more', 150))
# Character classes, not alternation: Nova on MySQL matched nothing for
# "^bench-(one|fifty)".
TIERS = {1: '^bench-one-', 50: '^bench-[of]', 200: '^bench-[ofm]'}
ANY = '^bench-'
# The fake driver is instant, but scheduling on SQLite under load is
# slow: 200 servers took about 25 minutes on a busy 2-core machine.
BOOT_TIMEOUT = 2400


MODE = modes.DEFAULT


def devcloud_env(mode=MODE):
    """The environment of the devcloud ``mode`` (``tools/devcloud env``).

    The mode is always named: several clouds may run at once, and without
    it devcloud picks the one started last.
    """
    out = subprocess.run([sys.executable, paths.DEVCLOUD, 'env', '--json',
                          '--nova', mode, '--cells', '1'],
                         check=True, capture_output=True, text=True).stdout
    env = dict(os.environ)
    env.update(json.loads(out)['env'])
    env['OS_CLOUD'] = 'devcloud'
    for key in ('OS_COMPUTE_API_VERSION', 'OS_AUTH_URL', 'OS_TOKEN'):
        env.pop(key, None)
    return env


def ports(env):
    """{port: service} from the cloud's run/ports.json."""
    etc = os.path.dirname(env['OS_CLIENT_CONFIG_FILE'])
    with open(os.path.join(os.path.dirname(etc), 'run', 'ports.json')) as f:
        found = json.load(f)
    return {port: name for name, port in found.items()}


class Cloud:
    def __init__(self, openstack, env):
        self.openstack = openstack
        self.env = env

    def run(self, *args, cloud='devcloud', check=True):
        proc = subprocess.run(
            [self.openstack, '--os-cloud', cloud] + list(args),
            env=self.env, capture_output=True, text=True)
        if check and proc.returncode:
            raise RuntimeError('openstack %s failed (%d): %s' % (
                ' '.join(args), proc.returncode, proc.stderr.strip()))
        return proc.stdout

    def json(self, *args, cloud='devcloud'):
        return json.loads(self.run(*(args + ('-f', 'json')), cloud=cloud))

    def servers(self, pattern=ANY):
        return self.json('server', 'list', '--name', pattern,
                         '-c', 'ID', '-c', 'Name', '-c', 'Status')

    def prepare(self, total):
        """Quotas, flavor and at least ``total`` servers, all ACTIVE."""
        self._quotas()
        self._flavor()
        wanted = 0
        for prefix, size in GROUPS:
            if wanted >= total:
                break
            wanted += size
            self._group(prefix, size)
        self._wait_active(wanted)

    def _quotas(self):
        project = self.json('project', 'show', 'demo',
                            cloud='devcloud-admin')['id']
        self.run('quota', 'set', '--instances', '1000', '--cores', '2000',
                 '--ram', '2000000', project, cloud='devcloud-admin')

    def _flavor(self):
        found = self.json('flavor', 'list', '--all', cloud='devcloud-admin')
        if any(f['Name'] == FLAVOR for f in found):
            return
        self.run('flavor', 'create', '--ram', '16', '--vcpus', '1',
                 '--disk', '1', '--public', FLAVOR, cloud='devcloud-admin')

    def _group(self, prefix, size):
        have = [s for s in self.servers('^%s-' % prefix)
                if s['Status'] != 'ERROR']
        broken = [s for s in self.servers('^%s-' % prefix)
                  if s['Status'] == 'ERROR']
        if broken or (have and len(have) != size):
            self._delete([s['ID'] for s in have + broken])
            have = []
        if have:
            return
        print(f'bench: booting {size} x {prefix}', file=sys.stderr)
        args = ['server', 'create', '--flavor', FLAVOR, '--image', IMAGE,
                '--nic', 'none']
        if size > 1:
            args += ['--min', str(size), '--max', str(size)]
            self.run(*(args + [prefix]))
        else:
            self.run(*(args + [prefix + '-1']))

    def _wait_active(self, count):
        def all_active():
            states = [s['Status'] for s in self.servers()]
            if 'ERROR' in states:
                raise RuntimeError('a bench server went to ERROR')
            active = states.count('ACTIVE')
            if active < count:
                print('bench: %d/%d servers ACTIVE' % (active, count),
                      file=sys.stderr)
            return active >= count

        if not wait.poll(all_active, BOOT_TIMEOUT, interval=15):
            raise RuntimeError('bench servers not ACTIVE in %ds'
                               % BOOT_TIMEOUT)

    def _delete(self, ids):
        for start in range(0, len(ids), 50):
            self.run('server', 'delete', '--wait', *ids[start:start + 50])

    def cleanup(self):
        """Delete every bench server and the bench flavor."""
        found = self.servers()
        if found:
            print(f'bench: deleting {len(found)} bench servers',
                  file=sys.stderr)
            self._delete([s['ID'] for s in found])
        self.run('flavor', 'delete', FLAVOR, cloud='devcloud-admin',
                 check=False)

    def first_server(self):
        found = self.servers('^bench-one-1$')
        return found[0]['ID'], found[0]['Name']
