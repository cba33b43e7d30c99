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

"""Part 4: patched Nova, GET /servers/detail at 2.96 vs 2.98, in-process."""
import json
import os
import subprocess
import sys

from bench import cloud
from bench import figures
from bench import paths

TARGET = 1.05

# One in-process request is short, so a few more repetitions cost little
# and steady the median.
IN_PROCESS_REPEAT = 15


def run(ctx):
    tier = max(ctx.tiers)
    etc = os.path.dirname(ctx.env['OS_CLIENT_CONFIG_FILE'])
    proc = subprocess.run(
        [sys.executable, paths.DEVCLOUD, 'python', '--nova', ctx.mode,
         paths.probe('nova_sql_probe.py'), '--etc', etc,
         '--name', cloud.TIERS[tier],
         '--repeat', str(max(ctx.repeat, IN_PROCESS_REPEAT))],
        env=ctx.env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError('nova_sql_probe failed: %s'
                           % proc.stderr.strip()[-2000:])
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    stmts = res['statements']
    same = len({n for v in stmts.values() for n in v}) == 1
    figs = [
        figures.ratio(
            'nova.%d.detail_latency' % tier,
            'Nova GET /servers/detail (%d): 2.98 / 2.96'
            % res['servers']['2.98'], res['ratio'], TARGET,
            seconds={v: round(min(t), 4)
                     for v, t in res['times'].items()}),
        figures.check(
            'nova.%d.detail_sql' % tier,
            'Nova GET /servers/detail (%d): SQL statements'
            % res['servers']['2.98'], same,
            {v: sorted(set(n)) for v, n in stmts.items()}, 'identical'),
    ]
    return {'figures': figs, 'raw': res}

