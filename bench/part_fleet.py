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

"""Part fleet: drift and summary over 1, 50 and 200 devcloud servers.

Requests (from ``--debug``) and wall time of ``server image properties
drift`` against ``server list`` of the same servers and against a loop
of ``diff`` over them (one process per server, as a script would do it);
``summary`` against ``server list --image-properties``.
"""
import json
import subprocess
import time

from bench import cloud
from bench import figures
from bench import requests_count as rc
from bench import timing

DRIFT_TARGET = 1.3
SUMMARY_TARGET = 1.05


def _ids(ctx, pattern):
    out = subprocess.run(
        [ctx.openstack, 'server', 'list', '--name', pattern, '-c', 'ID',
         '-f', 'json'], env=ctx.env, check=True, capture_output=True,
        text=True).stdout
    return [s['ID'] for s in json.loads(out)]


def _loop_of_diff(ctx, ids):
    start = time.perf_counter()
    for server_id in ids:
        timing.wall([ctx.openstack, 'server', 'image', 'properties', 'diff',
                     server_id], ctx.env)
    return time.perf_counter() - start


def _requests(ctx, tier, ids):
    pattern = cloud.TIERS[tier]
    drift = rc.record(ctx.openstack, ['server', 'image', 'properties',
                                      'drift', '--name', pattern],
                      ctx.env, ctx.ports)
    listed = rc.record(ctx.openstack, ['server', 'list', '--name', pattern],
                       ctx.env, ctx.ports)
    one_diff = rc.record(ctx.openstack, ['server', 'image', 'properties',
                                         'diff', ids[0]], ctx.env, ctx.ports)
    counts = {
        'drift': rc.summary(drift), 'server list': rc.summary(listed),
        # Every diff of the loop makes the same requests (its own auth).
        'loop of diff': {k: v * len(ids)
                         for k, v in rc.summary(one_diff).items()},
    }
    api = [r for r in drift if r['role'] == 'api']
    compute = [r for r in api if r['service'] == 'compute']
    ok = (all(r['path'].startswith('/v2.1/servers/detail')
              for r in compute)
          and all('id=in' in r['path'] for r in api
                  if r['service'] == 'image'))
    return figures.check(
        'fleet.%d.requests' % tier,
        'fleet %d servers: drift requests' % tier, ok, counts,
        'detail pages + batched Glance'), {'drift': drift,
                                           'server list': listed}


def run(ctx):
    figs, raw = [], {}
    for tier in ctx.tiers:
        pattern = cloud.TIERS[tier]
        ids = _ids(ctx, pattern)
        check, recorded = _requests(ctx, tier, ids)
        figs.append(check)
        lst = [ctx.openstack, 'server', 'list', '--name', pattern]
        props = [ctx.openstack, 'server', 'image', 'properties']
        res = timing.side_by_side([
            ('server list', _runner(ctx, lst)),
            ('drift', _runner(ctx, props + ['drift', '--name', pattern])),
        ], ctx.repeat)
        figs.append(figures.ratio(
            'fleet.%d.drift' % tier,
            'fleet %d servers: drift / server list' % tier,
            res['ratios']['drift'], DRIFT_TARGET, seconds=_seconds(res)))
        summ = timing.side_by_side([
            ('list --image-properties',
             _runner(ctx, lst + ['--image-properties'])),
            ('summary',
             _runner(ctx, props + ['summary', '--name', pattern])),
        ], ctx.repeat)
        figs.append(figures.ratio(
            'fleet.%d.summary' % tier,
            'fleet %d servers: summary / list --image-properties' % tier,
            summ['ratios']['summary'], SUMMARY_TARGET,
            seconds=_seconds(summ)))
        # Once: N processes per repetition would dominate the run.
        loop = _loop_of_diff(ctx, ids)
        drift_median = res['times']['drift']['median']
        figs.append(figures.check(
            'fleet.%d.loop_of_diff' % tier,
            'fleet %d servers: loop of diff (1 run) / drift' % tier, True,
            {'loop_s': round(loop, 2), 'drift_s': round(drift_median, 2),
             'ratio': round(loop / drift_median, 2)}, 'reported'))
        raw[str(tier)] = {'drift': res, 'summary': summ, 'loop_s': loop,
                          'requests': recorded}
    return {'figures': figs, 'raw': raw}


def _runner(ctx, argv):
    return lambda: timing.wall(argv, ctx.env)


def _seconds(res):
    return {name: round(s['median'], 3) for name, s in res['times'].items()}
