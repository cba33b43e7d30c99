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

"""``kill -9`` and concurrent runs of nova_patch on a fake tree, for a
bounded time, checking after each round that the tree is recoverable,
that no leftover survives the next run, and that it ends byte-identical.

    python -m tests.unit.nova_patch.stress --seconds 120

``test_stress`` runs it for a few seconds with every unit test run.
"""

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time

from nova_patch import cli, plan
from tests.unit.nova_patch import helpers

MODULES = 30        # changed files: more files, a wider window to kill in
FILLER_LINES = 400
NEW_SAMPLES = 4     # new files in a directory the series creates


def _tree_and_series(root, series_dir):
    files = {'PKG-INFO': 'Name: nova\nVersion: 30.3.0\n',
             'nova/__init__.py': '', 'nova/api/__init__.py': '',
             'nova/tests/functional/samples/servers.json.tpl': '{}\n',
             'doc/source/history.rst': helpers.DOC_ORIGINAL,
             'api-ref/source/index.rst': 'api\n',
             'releasenotes/notes/.placeholder': ''}
    changes = {'doc/source/history.rst': (helpers.DOC_ORIGINAL,
                                          helpers.DOC_PATCHED),
               'releasenotes/notes/backport.yaml': (None, 'features: []\n'),
               'doc/api_samples/servers/v2.98/show.json': (None, '{}\n')}
    # Modules of a real size (Nova's are 10 to 200 KB): a run spends its
    # time writing, where a kill matters.
    filler = ''.join(f'# filler {line}\n' for line in range(FILLER_LINES))
    for number in range(MODULES):
        path = f'nova/api/module{number}.py'
        files[path] = filler + helpers.VIEWS_ORIGINAL
        changes[path] = (filler + helpers.VIEWS_ORIGINAL,
                         filler + helpers.VIEWS_PATCHED)
    for number in range(NEW_SAMPLES):
        changes[f'nova/tests/functional/samples/v2.98/s{number}.json.tpl'] \
            = (None, helpers.NEW_FILE)
    helpers.write_tree(root, files)
    directory = os.path.join(series_dir, '2024.2')
    os.makedirs(directory)
    with open(os.path.join(directory, '0001-stress.patch'), 'wb') as out:
        out.write(helpers.format_patch('stress', changes))


class Figures:

    def __init__(self):
        self.runs = 0
        self.kills = 0
        self.mid_write = 0          # kills that left a changed tree
        self.finished_before_kill = 0
        self.concurrent_pairs = 0
        self.waiting_pairs = 0      # pairs run with --wait
        self.busy = 0
        self.leftovers_cleaned = 0
        self.leftovers = 0          # left after the next run: must be 0
        self.failures = []

    def text(self):
        return (f'runs: {self.runs}, kills: {self.kills} ({self.mid_write} '
                f'left a partly written tree; {self.finished_before_kill} '
                f'more runs finished before their kill), concurrent pairs: '
                f'{self.concurrent_pairs} ({self.waiting_pairs} with '
                f'--wait; {self.busy} runs told "busy"), leftovers cleaned '
                f'by the next run: {self.leftovers_cleaned}, leftovers '
                f'after the next run: {self.leftovers}, failures: '
                f'{len(self.failures)}')


class Stress:

    def __init__(self, work_dir, rng):
        self.root = os.path.join(work_dir, 'nova-src')
        self.series_dir = os.path.join(work_dir, 'series')
        _tree_and_series(self.root, self.series_dir)
        plan.SERIES_DIR = self.series_dir
        self.rng = rng
        self.figures = Figures()
        self.pristine = helpers.snapshot(self.root)
        self._cli('apply')
        self.patched = helpers.snapshot(self.root)
        self._cli('revert')
        self.run_seconds = self._time_a_run()

    def _time_a_run(self):
        """How long a whole child run takes here: the window to kill in."""
        longest = 0.0
        for command in ('apply', 'revert'):
            started = time.monotonic()
            helpers.run_driver(self.series_dir,
                               [command, '--nova-dir', self.root])
            longest = max(longest, time.monotonic() - started)
        return longest

    def _cli(self, *argv):
        output, messages = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(output), \
                contextlib.redirect_stderr(messages):
            code = cli.main(list(argv) + ['--nova-dir', self.root])
        return code, output.getvalue(), messages.getvalue()

    def _fail(self, message):
        self.figures.failures.append(message)

    def _settle(self, what):
        """After a round: no leftover survives a check, and the tree can
        be brought to either end, byte for byte."""
        code, out, _messages = self._cli('check', '--format', 'json')
        left = helpers.leftovers(self.root)
        if left:
            self.figures.leftovers += len(left)
            self._fail(f'{what}: leftovers after check: {left}')
        state = json.loads(out)['state']
        if state not in (plan.APPLIED, plan.NOT_APPLIED, plan.PARTIAL):
            self._fail(f'{what}: check answered {code}: {out}')
        wanted = self.rng.choice(('apply', 'revert'))
        code, out, messages = self._cli(wanted)
        expected = self.patched if wanted == 'apply' else self.pristine
        if code != cli.EXIT_OK or helpers.snapshot(self.root) != expected:
            self._fail(f'{what}: {wanted} did not recover: {code} {out}'
                       f'{messages}')

    def kill_round(self):
        command = self.rng.choice(('apply', 'revert'))
        # Make sure the run has work to do.
        self._cli('revert' if command == 'apply' else 'apply')
        # Half of the runs kill themselves just before a chosen rename,
        # replace, unlink or rmdir; the others are killed at a random time.
        kill_at = (self.rng.randint(1, MODULES + 2 * NEW_SAMPLES)
                   if self.rng.random() < 0.5 else None)
        process = helpers.run_driver(self.series_dir,
                                     [command, '--nova-dir', self.root],
                                     kill_at=kill_at, wait=False)
        self.figures.runs += 1
        if kill_at is None:
            # Writing comes last in a run, after start-up and planning.
            time.sleep(self.rng.uniform(0.4, 1.05) * self.run_seconds)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
        process.communicate()
        if process.returncode == -signal.SIGKILL:
            self.figures.kills += 1
        else:
            self.figures.finished_before_kill += 1
        self.figures.leftovers_cleaned += len(helpers.leftovers(self.root))
        if helpers.snapshot(self.root) not in (self.pristine, self.patched):
            self.figures.mid_write += 1
        self._settle(f'{command} killed')

    def pair_round(self):
        command = self.rng.choice(('apply', 'revert'))
        self._cli('revert' if command == 'apply' else 'apply')
        # Half of the pairs wait for each other: both must succeed.
        waiting = self.rng.random() < 0.5
        argv = [command, '--nova-dir', self.root]
        if waiting:
            argv += ['--wait', '60']
        processes = [helpers.run_driver(self.series_dir, argv, wait=False)
                     for _ in range(2)]
        self.figures.runs += 2
        self.figures.concurrent_pairs += 1
        self.figures.waiting_pairs += waiting
        codes = []
        for process in processes:
            output, _ = process.communicate(timeout=120)
            codes.append(process.returncode)
            if process.returncode == cli.EXIT_BUSY and not waiting:
                self.figures.busy += 1
            elif process.returncode != cli.EXIT_OK:
                self._fail(f'two {command}s: {process.returncode} '
                           f'{output.decode("utf-8", "replace")}')
        expected = self.patched if command == 'apply' else self.pristine
        if cli.EXIT_OK not in codes or helpers.snapshot(self.root) != \
                expected:
            self._fail(f'two {command}s ({codes}) left a wrong tree')
        self._settle(f'two {command}s')

    def run(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            self.kill_round()
            self.pair_round()
            now = time.monotonic()
            # A short run goes on until one process was really killed.
            if now >= deadline and (self.figures.kills or
                                    now >= deadline + 60):
                break
        self._cli('revert')
        if helpers.snapshot(self.root) != self.pristine:
            self._fail('the tree is not byte-identical after the last '
                       'revert')
        return self.figures


def run(seconds, seed=None):
    """Run the loops for about ``seconds``; return the Figures."""
    work_dir = tempfile.mkdtemp(prefix='nova_patch-stress-')
    previous = plan.SERIES_DIR
    try:
        rng = random.Random(seed)  # noqa: S311 (timings, not secrets)
        return Stress(work_dir, rng).run(seconds)
    finally:
        plan.SERIES_DIR = previous
        shutil.rmtree(work_dir, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seconds', type=float, default=120.0)
    parser.add_argument('--seed', type=int)
    args = parser.parse_args(argv)
    figures = run(args.seconds, args.seed)
    print(figures.text())
    for failure in figures.failures[:20]:
        print('FAILED: ' + failure)
    return 1 if figures.failures or not figures.kills else 0


if __name__ == '__main__':
    sys.exit(main())
