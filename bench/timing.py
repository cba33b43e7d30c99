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

"""Side-by-side timing: interleaved runs, per-repetition ratios, min/median.

Each repetition runs the baseline and every candidate once, in an order
that alternates between repetitions, so drift in the machine's load hits
both sides alike. A ratio is candidate/baseline within one repetition;
the figures are the min and the median over the repetitions.
"""
import os
import statistics
import subprocess
import tempfile
import time


def wall(argv, env):
    """Seconds one command takes; it must succeed."""
    return measure(argv, env)[0]


def measure(argv, env):
    """(wall seconds, CPU seconds user+sys) of one command that succeeds.

    CPU time is what the command itself burns, whatever else the machine
    runs: on a shared machine it shows a small cost that wall time hides
    in noise.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise RuntimeError('%s failed: %s' % (
                ' '.join(argv), err.read().decode()[-500:]))
    return took, usage.ru_utime + usage.ru_stime


def stats(values):
    return {'min': min(values), 'median': statistics.median(values),
            'values': list(values)}


def side_by_side(runners, repeat, warmup=1):
    """Time named callables interleaved; the first one is the baseline.

    :param runners: [(name, callable returning seconds)].
    :returns: {'times': {name: stats}, 'ratios': {name: stats}}.
    """
    for _ in range(warmup):
        for _name, run in runners:
            run()
    times = {name: [] for name, _ in runners}
    for rep in range(repeat):
        order = runners if rep % 2 == 0 else runners[::-1]
        for name, run in order:
            times[name].append(run())
    base = runners[0][0]
    ratios = {}
    for name, _ in runners[1:]:
        ratios[name] = stats([c / b for c, b in
                              zip(times[name], times[base])])
    return {'times': {n: stats(v) for n, v in times.items()},
            'ratios': ratios}
