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

"""Part 2: wall time of the CLI pairs with 1, 50 and 200 servers."""
from bench import cloud
from bench import figures
from bench import timing
from bench.part_requests import MATCH

SHOW_TARGET = 0.8
LIST_TARGET = 1.05


def _runner(ctx, args):
    argv = [ctx.openstack] + args
    return lambda: timing.wall(argv, ctx.env)


def _show_pairs(ctx, tier):
    figs, raw = [], {}
    for how, ref in (('ID', ctx.server_id), ('NAME', ctx.server_name)):
        res = timing.side_by_side([
            ('server show', _runner(ctx, ['server', 'show', ref])),
            ('props show', _runner(
                ctx, ['server', 'image', 'properties', 'show', ref])),
        ], ctx.repeat)
        raw['show ' + how] = res
        figs.append(figures.ratio(
            'walltime.%d.props_show_%s' % (tier, how.lower()),
            '%d servers: props show %s / server show %s' % (tier, how, how),
            res['ratios']['props show'], SHOW_TARGET,
            seconds=_seconds(res)))
    return figs, raw


def _list_trio(ctx, tier):
    lst = ['server', 'list', '--name', cloud.TIERS[tier]]
    res = timing.side_by_side([
        ('list', _runner(ctx, lst)),
        ('--image-properties', _runner(ctx, lst + ['--image-properties'])),
        ('--image-property', _runner(
            ctx, lst + ['--image-property', MATCH])),
    ], ctx.repeat)
    figs = [figures.ratio(
        'walltime.%d.list_%s' % (tier, opt.strip('-').replace('-', '_')),
        '%d servers: list %s / list' % (tier, opt),
        res['ratios'][opt], LIST_TARGET, seconds=_seconds(res))
        for opt in ('--image-properties', '--image-property')]
    return figs, {'list': res}


def _seconds(res):
    return {name: round(s['median'], 3) for name, s in res['times'].items()}


def run(ctx):
    figs, raw = [], {}
    for tier in ctx.tiers:
        shown, shown_raw = _show_pairs(ctx, tier)
        listed, listed_raw = _list_trio(ctx, tier)
        figs += shown + listed
        raw[str(tier)] = dict(shown_raw, **listed_raw)
    return {'figures': figs, 'raw': raw}
