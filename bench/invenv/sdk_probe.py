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

"""Part 5, run with the plugin venv's python: SDK list vs plain list.

Prints JSON: per repetition the seconds of ``list(list_image_properties())``
and of ``list(conn.compute.servers(details=True))`` over the same servers,
interleaved, and the requests each made (after auth and discovery, which
one warm-up call does for both).
"""
import argparse
import json
import statistics
import time

import openstack

from osc_image_props import sdk


def _counter(conn):
    seen = []

    def hook(response, *args, **kwargs):
        seen.append('%s %s' % (response.request.method,
                               response.request.path_url))
    conn.session.session.hooks['response'].append(hook)
    return seen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cloud', default='devcloud')
    parser.add_argument('--name', required=True)
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args()
    conn = openstack.connect(cloud=args.cloud)
    seen = _counter(conn)
    runs = {
        'servers(details=True)': lambda: list(
            conn.compute.servers(details=True, name=args.name)),
        'list_image_properties': lambda: list(
            sdk.list_image_properties(conn, name=args.name)),
    }
    counts, requests, times = {}, {}, {k: [] for k in runs}
    for run in runs.values():  # warm-up: auth, discovery, imports
        run()
    for name, run in runs.items():
        del seen[:]
        counts[name] = len(run())
        requests[name] = list(seen)
    for rep in range(args.repeat):
        order = list(runs.items())
        if rep % 2:
            order.reverse()
        for name, run in order:
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    base = times['servers(details=True)']
    ratios = [c / b for c, b in zip(times['list_image_properties'], base)]
    print(json.dumps({
        'servers': counts, 'requests': requests, 'times': times,
        'ratio': {'min': min(ratios), 'median': statistics.median(ratios),
                  'values': ratios},
    }))


if __name__ == '__main__':
    main()
