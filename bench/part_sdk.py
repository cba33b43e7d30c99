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

"""Part 5: the SDK's list_image_properties vs compute.servers()."""
import json
import subprocess

from bench import cloud
from bench import figures
from bench import paths
from bench import venvs

# No target for the SDK: the ratio is reported for comparison.
TARGET = None

# One in-process request is short, so a few more repetitions cost little
# and steady the median.
IN_PROCESS_REPEAT = 15


def run(ctx):
    tier = max(ctx.tiers)
    out = subprocess.run(
        [venvs.python(ctx.venvs['plugin']), paths.probe('sdk_probe.py'),
         '--name', cloud.TIERS[tier],
         '--repeat', str(max(ctx.repeat, IN_PROCESS_REPEAT))],
        env=ctx.env, check=True, capture_output=True, text=True).stdout
    res = json.loads(out)
    reqs = res['requests']
    same = len(reqs['list_image_properties']) == len(
        reqs['servers(details=True)'])
    figs = [
        figures.ratio(
            'sdk.%d.list_image_properties' % tier,
            'SDK %d servers: list_image_properties / servers(details)'
            % tier, res['ratio'], TARGET,
            seconds={n: round(min(v), 3) for n, v in res['times'].items()}),
        figures.check(
            'sdk.%d.requests' % tier,
            'SDK %d servers: requests per list' % tier, same,
            {n: len(v) for n, v in reqs.items()}, 'equal'),
    ]
    return {'figures': figs, 'raw': res}
