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

"""Part floor: one server by ID against the floor of any OSC command.

``server image properties show <ID>`` should cost what ``openstack token
issue`` costs plus one GET: its requests (no compute version discovery,
one ``GET /servers/{id}``), its wall time against ``token issue``, and
against the real floor on the machine: ``token issue`` followed by that
one GET made with curl and the token it issued, interleaved.
The CPU time (user+sys) of the same runs is reported beside it: on a
shared machine the wall-time ratio mostly measures how long Keystone and
Nova take to answer, the CPU ratio what the client itself costs.
"""
from bench import figures
from bench import requests_count as rc
from bench import timing

TARGET = 1.10
# Against token issue + the GET with curl: what the client adds on top.
CURL_TARGET = 1.05
WARMUP = 1

# The floor: the same token request, then the same GET without a client
# library, at the microversion the command asks for.
_TOKEN_THEN_CURL = (
    'token=$("$1" token issue -f value -c id) && '
    'curl -sSf -o /dev/null -H "X-Auth-Token: $token" '
    '-H "OpenStack-API-Version: compute 2.98" "$2"'
)


def run(ctx):
    show = ['server', 'image', 'properties', 'show', ctx.server_id]
    reqs = rc.record(ctx.openstack, show, ctx.env, ctx.ports)
    api = [r for r in reqs if r['role'] != 'auth']
    ok = (len(api) == 1 and api[0]['service'] == 'compute'
          and api[0]['path'].endswith('/servers/%s' % ctx.server_id))
    curl = ['bash', '-c', _TOKEN_THEN_CURL, 'floor', ctx.openstack,
            api[0]['url'] if ok else '']
    cpu = {'token issue': [], 'props show ID': [], 'token + curl': []}
    res = timing.side_by_side([
        ('token issue', _runner([ctx.openstack, 'token', 'issue'], ctx.env,
                                cpu['token issue'])),
        ('props show ID', _runner([ctx.openstack] + show, ctx.env,
                                  cpu['props show ID'])),
        ('token + curl', _runner(curl, ctx.env, cpu['token + curl'])),
    ], ctx.repeat, warmup=WARMUP)
    curl_ratio = timing.stats([
        s / t for s, t in zip(res['times']['props show ID']['values'],
                              res['times']['token + curl']['values'])])
    # The first runs were the warm-up.
    cpu = {name: used[WARMUP:] for name, used in cpu.items()}
    cpu_ratio = timing.stats([s / t for s, t in zip(cpu['props show ID'],
                                                    cpu['token issue'])])
    return {'figures': [
        figures.check(
            'floor.requests', 'props show ID: requests after auth', ok,
            rc.summary(reqs), '1 compute GET, no discovery'),
        figures.ratio(
            'floor.props_show_id', 'props show ID / token issue',
            res['ratios']['props show ID'], TARGET,
            seconds={n: round(s['median'], 3)
                     for n, s in res['times'].items()}),
        figures.ratio(
            'floor.props_show_id_curl', 'props show ID / token + curl GET',
            curl_ratio, CURL_TARGET,
            seconds={n: round(s['median'], 3)
                     for n, s in res['times'].items()}),
        figures.ratio(
            'floor.props_show_id_cpu', 'props show ID / token issue (cpu)',
            cpu_ratio, None,
            seconds={n: round(timing.stats(v)['median'], 3)
                     for n, v in cpu.items()}),
    ], 'raw': {'requests': reqs, 'timing': res, 'cpu': cpu}}


def _runner(argv, env, cpu):
    """Wall seconds of one run; its CPU seconds go to ``cpu``."""
    def run():
        took, used = timing.measure(argv, env)
        cpu.append(used)
        return took
    return run
