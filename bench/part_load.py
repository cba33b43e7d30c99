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

"""Part 3: plugin load, the same commands in a venv with and without it.

Wall time is the target; CPU time (user+sys of the command) is reported
next to it because on a shared machine it is far less noisy. The plugin's
own import time (``python -X importtime``, the self time of its modules
when OSC's and openstacksdk's are already imported) says how much of a
difference can come from the plugin at all.
"""
import re
import subprocess

from bench import figures
from bench import timing
from bench import venvs

TARGET = 1.03
_PRELOAD = ('import openstackclient.shell, openstack.compute.v2.server, '
            'osc_lib.command.command, cliff.hooks')
_PLUGIN = ('import osc_image_props.osc.hooks, '
           'osc_image_props.osc.image_properties')
_LINE = re.compile(r'import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)')


def _import_ms(python, env):
    """Self time in ms of the plugin's modules and of what they add."""
    proc = subprocess.run(
        [python, '-X', 'importtime', '-c', _PRELOAD + '\n' + _PLUGIN],
        env=env, capture_output=True, text=True, check=True)
    total = own = 0
    started = False
    for line in proc.stderr.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        name = match.group(4)
        if name.startswith('osc_image_props') and not started:
            started = True
        if started:
            total += int(match.group(1))
            if name.startswith('osc_image_props'):
                own += int(match.group(1))
    return {'plugin_modules_ms': round(own / 1000, 1),
            'everything_after_osc_ms': round(total / 1000, 1)}


def _pair(plain, plugin, args, env, metric):
    index = 0 if metric == 'wall' else 1

    def one(cmd):
        return lambda: timing.measure([cmd] + args, env)[index]
    return [('without plugin', one(plain)), ('with plugin', one(plugin))]


def run(ctx):
    plain = venvs.openstack(ctx.venvs['plain'])
    plugin = venvs.openstack(ctx.venvs['plugin'])
    figs, raw = [], {}
    for label, args in (('--help', ['--help']),
                        ('server list',
                         ['server', 'list', '--name', ctx.pattern])):
        for metric in ('wall', 'cpu'):
            res = timing.side_by_side(
                _pair(plain, plugin, args, ctx.env, metric), ctx.repeat)
            raw[label + ' ' + metric] = res
            key = 'load.%s.%s' % (label.strip('-').replace(' ', '_'),
                                  metric)
            figs.append(figures.ratio(
                key, 'openstack %s: with plugin / without (%s)'
                % (label, metric), res['ratios']['with plugin'],
                TARGET if metric == 'wall' else None,
                seconds={n: round(s['median'], 3)
                         for n, s in res['times'].items()}))
    imports = _import_ms(venvs.python(ctx.venvs['plugin']), ctx.env)
    figs.append(figures.check(
        'load.import_ms', 'plugin import time (ms, self)', True, imports,
        'informational'))
    return {'figures': figs, 'raw': raw}
