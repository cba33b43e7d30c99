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

"""Run a group of Nova's tests with stestr and count the results.

The counts come from the subunit stream (``stestr last --subunit`` through
``subunit2csv``), not from the console text, so every test id and status
is known: a group passes only if nothing failed, and the tests named
``required`` ran and passed (none of them skipped or missing).
"""

import csv
import io
import os
import subprocess

OK_STATUSES = ('success', 'xfail')


class Result:
    def __init__(self, statuses, returncode):
        self.statuses = statuses      # test id -> status
        self.returncode = returncode

    def count(self, *names):
        return sum(1 for status in self.statuses.values()
                   if status in names)

    @property
    def passed(self):
        return self.count(*OK_STATUSES)

    @property
    def failed(self):
        return self.count('fail', 'uxsuccess')

    @property
    def skipped(self):
        return self.count('skip')

    def matching(self, fragment):
        return {test: status for test, status in self.statuses.items()
                if fragment in test}


def _statuses(venv, tree, env):
    stream = subprocess.run(
        [os.path.join(venv, 'bin', 'stestr'), 'last', '--subunit'],
        cwd=tree, env=env, check=True, stdout=subprocess.PIPE).stdout
    # subunit2csv exits 1 when the stream holds a failure; the table is
    # what counts.
    table = subprocess.run(
        [os.path.join(venv, 'bin', 'subunit2csv'), '--no-passthrough'],
        input=stream, stdout=subprocess.PIPE).stdout
    statuses = {}
    for row in csv.DictReader(io.StringIO(table.decode('utf-8'))):
        statuses[row['test']] = row['status']
    return statuses


def run(venv, tree, test_path, regexes, env, log, concurrency=2):
    command = [os.path.join(venv, 'bin', 'stestr'), '--test-path',
               test_path, 'run', '--concurrency', str(concurrency),
               '|'.join(f'({regex})' for regex in regexes)]
    with open(log, 'wb') as out:
        done = subprocess.run(command, cwd=tree, env=env, stdout=out,
                              stderr=subprocess.STDOUT)
    return Result(_statuses(venv, tree, env), done.returncode)


def problems(result, required):
    """What is wrong with a result, as a list of sentences."""
    found = []
    if result.returncode != 0:
        found.append(f'stestr exited with {result.returncode}')
    if not result.statuses:
        found.append('no test ran')
    for test, status in sorted(result.statuses.items()):
        if status not in OK_STATUSES + ('skip',):
            found.append(f'{status}: {test}')
    for fragment in required:
        tests = result.matching(fragment)
        if not tests:
            found.append(f'required tests missing: {fragment}')
        for test, status in sorted(tests.items()):
            if status != 'success':
                found.append(f'required test {status}: {test}')
    return found
