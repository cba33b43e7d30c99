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

"""Part 1: requests per command at the HTTP boundary (``--debug``)."""
from bench import figures
from bench import requests_count as rc

MATCH = 'hw_machine_type=pc'


def commands(server_id, server_name, pattern):
    lst = ['server', 'list', '--name', pattern]
    return [
        ('server show ID', ['server', 'show', server_id]),
        ('props show ID',
         ['server', 'image', 'properties', 'show', server_id]),
        ('server show NAME', ['server', 'show', server_name]),
        ('props show NAME',
         ['server', 'image', 'properties', 'show', server_name]),
        ('server list', lst),
        ('server list --image-properties', lst + ['--image-properties']),
        ('server list --image-property', lst + ['--image-property', MATCH]),
        ('props diff ID',
         ['server', 'image', 'properties', 'diff', server_id]),
    ]


def _api(reqs, service, method='GET'):
    return [r for r in reqs if r['role'] == 'api'
            and r['service'] == service and r['method'] == method]


def _api_all(reqs):
    return [r for r in reqs if r['role'] == 'api']


def run(ctx):
    recorded = {}
    for name, args in commands(ctx.server_id, ctx.server_name, ctx.pattern):
        recorded[name] = rc.record(ctx.openstack, args, ctx.env, ctx.ports)
    figs = []
    show = recorded['props show ID']
    ok = (len(_api_all(show)) == 1 and len(_api(show, 'compute')) == 1)
    figs.append(figures.check(
        'requests.props_show_id', 'props show ID: API requests',
        ok, rc.summary(show), '1 compute GET, 0 image'))
    by_name = recorded['props show NAME']
    plain = recorded['server show NAME']
    ok = (not _api(by_name, 'image') and len(_api(by_name, 'compute'))
          <= len(_api(plain, 'compute')))
    figs.append(figures.check(
        'requests.props_show_name', 'props show NAME: API requests',
        ok, rc.summary(by_name),
        "0 image; compute <= server show NAME's %d"
        % len(_api(plain, 'compute'))))
    base = rc.signature(recorded['server list'])
    for variant in ('server list --image-properties',
                    'server list --image-property'):
        same = rc.signature(recorded[variant]) == base
        value = rc.summary(recorded[variant])
        value['same_order'] = rc.same_order(recorded[variant],
                                            recorded['server list'])
        figs.append(figures.check(
            'requests.list_' + variant.split('--')[1].replace('-', '_'),
            variant + ': same requests', same, value,
            'identical to server list'))
    diff = recorded['props diff ID']
    ok = (len(_api_all(diff)) == 2 and len(_api(diff, 'compute')) == 1
          and len(_api(diff, 'image')) == 1)
    figs.append(figures.check(
        'requests.props_diff_id', 'props diff ID: API requests', ok,
        rc.summary(diff), '1 compute GET + 1 image GET'))
    return {'figures': figs, 'requests': recorded}
