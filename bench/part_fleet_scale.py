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

"""Part fleet10k: 10,000 servers on a FAKE cloud served on loopback.

Booting 10,000 servers is out of reach of a development machine, so this
tier runs the real clients (newest pins, see :func:`venvs.ensure_newest`)
against :mod:`fakecloud`: Nova's page size (1000) and body shape, 8
embedded properties per server, 5 images. It measures the clients, not a
Nova. Wall time and peak resident memory of each command and the requests
each one made. ``drift`` and ``summary`` run once (``server list`` alone
takes minutes); ``server list`` with and without ``--image-properties``
run ``--repeat`` times, interleaved (A B, then B A, ...), for the median
of their memory ratio.
"""
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

from bench import figures
from bench import paths
from bench import venvs

SERVERS = 10000
SPEED_TARGET = 0.5
MEMORY_TARGET = 1.0
HOOK_MEMORY_TARGET = 1.10
LABEL = 'FAKE cloud on loopback, %d servers' % SERVERS


def _start():
    proc = subprocess.Popen(
        [sys.executable, paths.FAKECLOUD, str(SERVERS)],
        stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, 'http://127.0.0.1:%d' % port


def _env(base):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(OS_AUTH_TYPE='v3password', OS_AUTH_URL=base + '/identity/v3',
               OS_USERNAME='demo', OS_PASSWORD='secret',
               OS_PROJECT_NAME='demo', OS_USER_DOMAIN_ID='default',
               OS_PROJECT_DOMAIN_ID='default', OS_REGION_NAME='RegionOne',
               OS_CLIENT_CONFIG_FILE=os.devnull)
    return env


def _requests(base, method='GET'):
    with urllib.request.urlopen(urllib.request.Request(
            base + '/_requests', method=method)) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def _run(argv, env, base):
    """(wall s, peak RSS MiB, requests) of one command that succeeds."""
    _requests(base, 'DELETE')
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):  # 3: drift --exit-code is not used, but safe
        raise RuntimeError('%s failed: %s' % (' '.join(argv), err[-500:]))
    return took, usage.ru_maxrss / 1024.0, _requests(base)


def run(ctx):
    venv = venvs.ensure_newest()
    openstack = os.path.join(venv, 'bin', 'openstack')
    proc, base = _start()
    try:
        env = _env(base)
        props = [openstack, 'server', 'image', 'properties']
        pair = [
            ('server list', [openstack, 'server', 'list']),
            ('server list --image-properties',
             [openstack, 'server', 'list', '--image-properties']),
        ]
        once = [
            ('drift', props + ['drift']),
            ('summary', props + ['summary']),
        ]
        rounds = []
        for number in range(ctx.repeat):
            order = pair if number % 2 == 0 else pair[::-1]
            if number == 0:
                order = order + once
            measured = {}
            for name, argv in order:
                print('bench: fleet10k: round %d: %s' % (number + 1, name),
                      file=sys.stderr)
                wall, rss, reqs = _run(argv, env, base)
                measured[name] = {'seconds': round(wall, 2),
                                  'peak_mib': round(rss, 1),
                                  'requests': reqs}
            rounds.append(measured)
    finally:
        proc.terminate()
        proc.wait()
    return {'figures': _figures(rounds), 'raw': rounds, 'label': LABEL}


def _ratio(key, label, values, target, **extra):
    if not isinstance(values, list):
        values = [values]
    spread = {'min': min(values), 'median': statistics.median(values)}
    return figures.ratio(key, '%s (%s)' % (label, LABEL), spread, target,
                         **extra)


def _figures(rounds):
    m = rounds[0]
    lst = m['server list']
    figs = []
    for name in ('drift', 'summary'):
        figs.append(_ratio(
            'fleet10k.%s.wall' % name, '%s / server list, wall' % name,
            m[name]['seconds'] / lst['seconds'], SPEED_TARGET,
            seconds={name: m[name]['seconds'],
                     'server list': lst['seconds']}))
        figs.append(_ratio(
            'fleet10k.%s.memory' % name,
            '%s / server list, peak memory' % name,
            m[name]['peak_mib'] / lst['peak_mib'], MEMORY_TARGET,
            mib={name: m[name]['peak_mib'],
                 'server list': lst['peak_mib']}))
    hooked = 'server list --image-properties'
    figs.append(_ratio(
        'fleet10k.list_image_properties.memory',
        'list --image-properties / list, peak memory',
        [r[hooked]['peak_mib'] / r['server list']['peak_mib']
         for r in rounds], HOOK_MEMORY_TARGET,
        mib={'--image-properties': [r[hooked]['peak_mib'] for r in rounds],
             'server list': [r['server list']['peak_mib'] for r in rounds]},
        seconds={'--image-properties': [r[hooked]['seconds']
                                        for r in rounds],
                 'server list': [r['server list']['seconds']
                                 for r in rounds]}))
    figs.append(figures.check(
        'fleet10k.requests', 'requests per command (%s)' % LABEL, True,
        {name: sum(v['requests'].values()) for name, v in m.items()},
        'reported'))
    return figs
