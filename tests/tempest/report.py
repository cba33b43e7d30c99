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

"""The Tempest results of every mode side by side, checked against the
stock baseline.

    python -m tests.tempest.report [--require MODE,...] [--rst]

Reads ``.tempest/<mode>/results.json`` (written by tests/tempest/run.py).
Every cloud with 2.98 must pass each test the stock 2024.2 cloud
(``unpatched``, the baseline) passes, and the 2.98 tests; the baseline
must skip them.  Exit 1 if a check fails or a required mode has no results.
"""
import argparse
import sys

from devcloud import modes
from tests.tempest import results as results_mod

REPO_ROOT = results_mod.REPO_ROOT

BASELINE = 'unpatched'
NO_NEUTRON = 'Neutron is not available'


def passed_298(found):
    return [t for t in found['passed'] if results_mod.TESTS_298 in t]


def check(found, baseline):
    """Problems of one mode's results, as lines."""
    problems = [f'failed: {t}' for t in found['failed']]
    # The network stub this cloud once had made Tempest skip most classes.
    problems.extend(f'skipped without Neutron: {t}'
                    for t, why in sorted(found['skipped'].items())
                    if NO_NEUTRON in why)
    mode = modes.get(found['mode'])
    if mode.has_298 and not passed_298(found):
        problems.append(f'no {results_mod.TESTS_298} test passed')
    if not mode.has_298 and passed_298(found):
        problems.append(f'{results_mod.TESTS_298} passed without 2.98')
    if baseline and mode.name != BASELINE:
        if found.get('regex') != baseline.get('regex'):
            problems.append('ran other tests than the baseline (--regex)')
        missing = sorted(set(baseline['passed']) - set(found['passed']))
        problems.extend(f'passes on {BASELINE}, not here: {t}'
                        for t in missing)
    return problems


def rows():
    for name in sorted(modes.MODES, key=lambda n: (n != modes.DEFAULT, n)):
        found = results_mod.load(name)
        if found:
            yield modes.get(name), found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--require', default='',
                        help='modes that must have results')
    parser.add_argument('--rst', action='store_true',
                        help='print the table as reStructuredText')
    args = parser.parse_args(argv)
    baseline = results_mod.load(BASELINE)
    table = []
    failures = []
    for mode, found in rows():
        counts = results_mod.counts(found)
        table.append((mode.name, f"{mode.nova}{' + patch' * mode.patched}",
                      mode.max_microversion, counts['passed'],
                      counts['skipped'], counts['failed'],
                      len(passed_298(found))))
        failures.extend(f'{mode.name}: {p}' for p in check(found, baseline))
    for name in filter(None, args.require.split(',')):
        if results_mod.load(modes.get(name).name) is None:
            failures.append(f'{name}: no results (tox -e tempest-{name})')
    head = ('mode', 'Nova', 'max', 'passed', 'skipped', 'failed',
            '2.98 tests passed')
    print(format_table(head, table, rst=args.rst))
    for line in failures:
        print('tempest report: ' + line, file=sys.stderr)
    return 1 if failures else 0


def format_table(head, table, rst=False):
    cells = [head] + [tuple(str(c) for c in row) for row in table]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]

    def line(row):
        return '  '.join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    if not rst:
        return '\n'.join(line(row) for row in cells)
    rule = '  '.join('=' * w for w in widths)
    return '\n'.join([rule, line(cells[0]), rule]
                     + [line(row) for row in cells[1:]] + [rule])


if __name__ == '__main__':
    sys.exit(main())
