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

"""What the figures came from: the machine, the versions, the load."""
import os
import platform
import subprocess

from bench import venvs

PACKAGES = ('python-openstackclient', 'openstacksdk', 'keystoneauth1',
            'osc-lib', 'cliff', 'osc-image-props')


def _mem_gib():
    with open('/proc/meminfo') as src:
        for line in src:
            if line.startswith('MemTotal:'):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _versions(venv, names):
    code = ("import sys\nfrom importlib import metadata\n"
            "for n in sys.argv[1:]:\n"
            "    try:\n        print(n, metadata.version(n))\n"
            "    except metadata.PackageNotFoundError:\n"
            "        print(n, '-')\n")
    out = subprocess.run([venvs.python(venv), '-c', code] + list(names),
                         capture_output=True, text=True).stdout
    return dict(line.split(' ', 1) for line in out.splitlines())


def describe(bench_venvs, env):
    nova = _versions(env.get('DEVCLOUD_VENV', ''),
                     ('nova', 'SQLAlchemy', 'keystone', 'glance'))
    return {
        'nproc': os.cpu_count(),
        'mem_gib': _mem_gib(),
        'python': platform.python_version(),
        'platform': platform.platform(),
        'loadavg_at_start': os.getloadavg(),
        'client': _versions(bench_venvs['plugin'], PACKAGES),
        'cloud': dict(nova, mode=env.get('DEVCLOUD_MODE')),
    }
