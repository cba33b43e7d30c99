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

"""tools/bench: argument parsing and the order of the parts."""
import argparse
import os
import shlex
import subprocess
import sys
import time
import types

from bench import cloud
from bench import machine
from bench import paths
from bench import report
from bench import requests_count
from bench import venvs

PARTS = {
    'requests': 'part_requests',
    'walltime': 'part_walltime',
    'load': 'part_load',
    'sql': 'part_sql',
    'sdk': 'part_sdk',
    'fleet': 'part_fleet',
    'fleet10k': 'part_fleet_scale',
    'floor': 'part_floor',
}
ORDER = ('requests', 'load', 'sdk', 'sql', 'walltime', 'fleet', 'fleet10k',
         'floor')
# Parts that bring their own (fake) cloud: no devcloud needed.
WITHOUT_DEVCLOUD = {'fleet10k'}


def parse(argv):
    parser = argparse.ArgumentParser(
        prog='tools/bench',
        description='Measure osc-image-props against the local cloud.')
    parser.add_argument('--repeat', type=int, default=5,
                        help='repetitions per ratio (default 5)')
    parser.add_argument('--parts', default=','.join(ORDER),
                        help='comma-separated subset of %s' % ', '.join(
                            ORDER))
    parser.add_argument('--tiers', default='1,50,200',
                        help='server counts for wall time (1, 50, 200)')
    parser.add_argument('--output', default=paths.DEFAULT_OUTPUT,
                        help='JSON file of figures (.bench/figures.json)')
    parser.add_argument('--nova', default=cloud.MODE,
                        help='devcloud mode to measure (default %s)'
                        % cloud.MODE)
    parser.add_argument('--keep', action='store_true',
                        help='keep the bench servers and flavor for the '
                             'next run')
    parser.add_argument('--cleanup', action='store_true',
                        help='only delete the bench servers and flavor')
    args = parser.parse_args(argv)
    args.parts = [p for p in args.parts.split(',') if p]
    if not args.parts:
        parser.error('--parts names none of %s' % ', '.join(ORDER))
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error('unknown parts: %s' % ', '.join(sorted(unknown)))
    try:
        args.tiers = sorted({int(t) for t in args.tiers.split(',') if t})
    except ValueError:
        parser.error('--tiers %r: not a comma-separated list of server '
                     'counts' % args.tiers)
    if not args.tiers or set(args.tiers) - set(cloud.TIERS):
        parser.error('tiers are among %s' % sorted(cloud.TIERS))
    if args.repeat < 1:
        parser.error('--repeat must be at least 1')
    return args


REQUIRED = ('keystone', 'glance', 'nova-api', 'nova-conductor',
            'nova-scheduler', 'nova-compute')


def _check_cloud(mode):
    """The services the benchmark talks to must be healthy.

    Not ``status``'s exit code alone: it also covers services that a
    devcloud under development may list but not yet start.
    """
    status = subprocess.run([sys.executable, paths.DEVCLOUD, 'status',
                             '--nova', mode],
                            capture_output=True, text=True)
    healthy = {line.split()[0] for line in status.stdout.splitlines()
               if line.split() and line.split()[-1] == 'healthy'}
    if set(REQUIRED) - healthy:
        sys.exit('bench: the devcloud is not healthy; start it with '
                 'tools/devcloud up --nova %s\n' % mode + status.stdout)


def main(argv):
    args = parse(argv)
    if set(args.parts) <= WITHOUT_DEVCLOUD:
        return _measure_without_devcloud(args)
    _check_cloud(args.nova)
    bench_venvs = venvs.ensure()
    env = cloud.devcloud_env(args.nova)
    the_cloud = cloud.Cloud(venvs.openstack(bench_venvs['plugin']), env)
    if args.cleanup:
        the_cloud.cleanup()
        return 0
    try:
        return _measure(args, bench_venvs, env, the_cloud)
    finally:
        if not args.keep:
            the_cloud.cleanup()


def _measure_without_devcloud(args):
    started = time.time()
    newest = venvs.ensure_newest()
    ctx = types.SimpleNamespace(repeat=args.repeat, tiers=args.tiers)
    document = {
        'command': 'tools/bench ' + ' '.join(
            shlex.quote(a) for a in sys.argv[1:]),
        # No devcloud: its "cloud" versions are those of the client venv.
        'machine': machine.describe({'plugin': newest},
                                    {'DEVCLOUD_VENV': newest}),
        'repeat': args.repeat, 'parts': {}, 'figures': [],
    }
    for part in args.parts:
        print('bench: part %s' % part, file=sys.stderr)
        module = __import__('bench.' + PARTS[part], fromlist=['run'])
        result = module.run(ctx)
        document['parts'][part] = result
        document['figures'] += result['figures']
    return _finish(args, document, started)


def _measure(args, bench_venvs, env, the_cloud):
    started = time.time()
    print('bench: preparing %d servers' % max(args.tiers), file=sys.stderr)
    the_cloud.prepare(max(args.tiers))
    server_id, server_name = the_cloud.first_server()
    ctx = types.SimpleNamespace(
        mode=args.nova, repeat=args.repeat, tiers=args.tiers,
        venvs=bench_venvs, env=env,
        ports=cloud.ports(env), openstack=the_cloud.openstack,
        server_id=server_id, server_name=server_name,
        pattern=cloud.TIERS[max(args.tiers)])
    document = {
        'command': 'tools/bench ' + ' '.join(
            shlex.quote(a) for a in sys.argv[1:]),
        'machine': machine.describe(bench_venvs, env),
        'repeat': args.repeat, 'tiers': args.tiers, 'parts': {},
        'figures': [],
    }
    for part in ORDER:
        if part not in args.parts:
            continue
        print('bench: part %s' % part, file=sys.stderr)
        module = __import__('bench.' + PARTS[part], fromlist=['run'])
        result = module.run(ctx)
        document['parts'][part] = result
        document['figures'] += result['figures']
        if part == 'requests':
            print(report.request_lists(result['requests'],
                                       requests_count.render))
            print()
    return _finish(args, document, started)


def _finish(args, document, started):
    """Write the figures and print their table; the run's exit status."""
    document['seconds'] = round(time.time() - started, 1)
    # The load at the start alone hides a run that others' work joined.
    document['machine']['loadavg_at_end'] = os.getloadavg()
    report.write(args.output, document)
    print(report.table(document['figures']))
    print('\nfigures written to %s (%.0f s)' % (
        os.path.relpath(args.output), document['seconds']))
    print('load average (1, 5, 15 min): %s at the start, %s at the end' % (
        _loads(document['machine']['loadavg_at_start']),
        _loads(document['machine']['loadavg_at_end'])))
    return 0


def _loads(triple):
    return '/'.join('%.2f' % x for x in triple)
