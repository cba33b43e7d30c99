#!/usr/bin/env python3
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
"""Prove the 2.98 backport with Nova's own tests, on a pristine sdist.

    python3 tests/nova/run.py --series {2024.1|2024.2}
        [--nova-version X.Y.Z] [--scope ci|full] [--work-dir DIR]

Steps: download the nova (and openstack-placement) sdists; unpack a
pristine copy; prove apply/revert byte for byte on a scratch copy; build
(or reuse) a venv with the release's upper-constraints; on a working copy
run ``python -m nova_patch`` check / apply / check / apply; run Nova's
unit and functional tests that cover the change and the version boundary
(including the SQL statement count test of the series); compare the
properties with upstream Nova 2025.x on identical rows; revert; compare
the working copy with the pristine sdist. Exit status 0 only if every
step passed. Standard library only.
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time

import differential
import sources
import stestr_run
import tree_compare
import venvs

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# The newest release of each line (checked on PyPI) and its placement.
SERIES = {
    '2024.1': {'nova': '29.4.0', 'major': '29', 'placement': '11.0.1'},
    '2024.2': {'nova': '30.3.0', 'major': '30', 'placement': '12.0.2'},
}
# Upstream Nova that has 2.98 natively: the newest 2025.x release.
UPSTREAM = {'nova': '32.2.1', 'series': '2025.2'}

UNIT_TESTS = {
    'ci': [
        'nova.tests.unit.api.openstack.compute.test_servers',
        'nova.tests.unit.api.openstack.compute.test_server_actions',
        'nova.tests.unit.api.openstack.compute.test_microversions',
        'nova.tests.unit.api.openstack.compute.test_versions',
        'nova.tests.unit.api.openstack.test_api_version_request',
    ],
    'full': ['nova.tests.unit.api'],
}
FUNCTIONAL_TESTS = {
    'ci': [
        'nova.tests.functional.api_sample_tests.test_servers',
        'nova.tests.functional.api_sample_tests.test_versions',
        'nova.tests.functional.test_servers_image_properties',
    ],
    # Not nova.tests.functional.test_servers: it takes longer than all the
    # rest together on two cores; run it by hand when the series changes
    # beyond the view builder.
    'full': [
        'nova.tests.functional.api_sample_tests',
        'nova.tests.functional.test_servers_image_properties',
    ],
}
# The tests the series adds: each must run and pass, none may be skipped.
REQUIRED_UNIT = [
    'test_servers.ServersViewBuilderTestV298.',
    'test_servers.ServersControllerImagePropertiesTestV298.',
]
REQUIRED_FUNCTIONAL = [
    'api_sample_tests.test_servers.ServersSampleJson298Test.',
    'api_sample_tests.test_servers.ServersUpdateSampleJson298Test.',
    'test_servers_image_properties.ServerImagePropertiesTest.',
    'test_servers_image_properties.ServerImagePropertiesSQLTest.',
]


class Failed(Exception):
    """A step failed; the message says why."""


class Report:
    """Step lines with elapsed time, and the tally for the last line."""

    def __init__(self):
        self.start = time.monotonic()
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def say(self, message):
        print(f'[{time.monotonic() - self.start:7.1f}s] {message}',
              flush=True)

    @contextlib.contextmanager
    def step(self, name, fatal=True):
        began = time.monotonic()
        self.say(f'{name} ...')
        try:
            yield
        except (Failed, subprocess.CalledProcessError, OSError,
                differential.ProbeError, RuntimeError) as error:
            self.failed += 1
            self.failures.append(f'{name}: {error}')
            self.say(f'{name}: FAILED ({time.monotonic() - began:.1f}s): '
                     f'{error}')
            if fatal:
                raise Failed(name) from error
        else:
            self.passed += 1
            self.say(f'{name}: ok ({time.monotonic() - began:.1f}s)')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--series', required=True, choices=sorted(SERIES))
    parser.add_argument('--nova-version',
                        help='default: the newest release of the series')
    parser.add_argument('--scope', choices=('ci', 'full'), default='ci')
    parser.add_argument('--work-dir',
                        default=os.path.join(REPO_ROOT, '.nova-test'))
    args = parser.parse_args(argv)
    args.nova_version = args.nova_version or SERIES[args.series]['nova']
    if args.nova_version.split('.')[0] != SERIES[args.series]['major']:
        parser.error(f'nova {args.nova_version} is not a {args.series} '
                     f'release ({SERIES[args.series]["major"]}.x)')
    args.work_dir = os.path.abspath(args.work_dir)
    return args


def clean_env(**extra):
    """The caller's environment without what would redirect a child.

    PBR_VERSION goes too: set for a whole pip install, every pbr-based
    sdist pip builds on the way (placement, testresources, ...) would
    claim that version, so it is set only where Nova's tree is used.
    """
    env = {key: value for key, value in os.environ.items()
           if key not in ('VIRTUAL_ENV', 'PYTHONHOME', 'PYTHONPATH',
                          'PBR_VERSION')}
    env.update(extra)
    return env


def pip_env():
    """The environment of every pip install this script runs."""
    return clean_env()


def nova_patch(report, python, command, expected, env, args=(),
               must_say=None):
    """Run ``python -m nova_patch`` and check its exit status."""
    done = subprocess.run([python, '-m', 'nova_patch', command] + list(args),
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    output = done.stdout.decode(errors='replace')
    for line in output.splitlines():
        report.say(f'    {line}')
    if done.returncode != expected:
        raise Failed(f'nova_patch {command} exited {done.returncode}, '
                     f'expected {expected}')
    if must_say and must_say not in output:
        raise Failed(f'nova_patch {command} did not say "{must_say}"')


def tests(report, name, venv, tree, test_path, regexes, required, env,
          log):
    with report.step(f'{name}: stestr run ({len(regexes)} modules)',
                     fatal=False):
        result = stestr_run.run(venv, tree, test_path, regexes, env, log)
        report.say(f'    {name}: {len(result.statuses)} tests, '
                   f'{result.passed} passed, {result.failed} failed, '
                   f'{result.skipped} skipped (log: {log})')
        for fragment in required:
            tests_run = result.matching(fragment)
            passed = sum(1 for status in tests_run.values()
                         if status == 'success')
            report.say(f'    new tests {fragment}: {len(tests_run)} run, '
                       f'{passed} passed')
        report.passed += result.passed
        report.skipped += result.skipped
        report.failed += result.failed
        found = stestr_run.problems(result, required)
        if found:
            raise Failed('; '.join(found[:10]))


def run(args, report):
    info = SERIES[args.series]
    # OpenStack's constraints beside the repository when they are there;
    # the vendored copy (kept identical by CI) for a clone on its own.
    shared = os.path.join(os.path.dirname(REPO_ROOT), 'shared',
                          'constraints')
    if not os.path.isdir(shared):
        shared = os.path.join(REPO_ROOT, 'constraints')
    constraints = os.path.join(shared,
                               f'upper-constraints-{args.series}.txt')
    upstream_constraints = os.path.join(
        shared, f'upper-constraints-{UPSTREAM["series"]}.txt')
    work = args.work_dir
    logs = os.path.join(work, 'logs')
    os.makedirs(logs, exist_ok=True)
    label = f'{args.series}-{args.nova_version}'
    report.say(f'series {args.series}, nova {args.nova_version}, scope '
               f'{args.scope}, work dir {work}')

    with report.step('download sdists'):
        for path in (constraints, upstream_constraints):
            if not os.path.isfile(path):
                raise Failed(f'missing constraints file {path}')
        download_log = os.path.join(logs, 'download.log')
        downloads = os.path.join(work, 'downloads')
        nova_sdist = sources.download('nova', args.nova_version, downloads,
                                      download_log)
        placement_sdist = sources.download(
            'openstack-placement', info['placement'], downloads,
            download_log)
        upstream_sdist = sources.download('nova', UPSTREAM['nova'],
                                          downloads, download_log)

    with report.step('unpack pristine trees'):
        pristine = sources.unpack_once(nova_sdist,
                                       os.path.join(work, 'pristine'))
        upstream_tree = sources.unpack_once(upstream_sdist,
                                            os.path.join(work, 'pristine'))

    repo_env = clean_env(PYTHONPATH=REPO_ROOT)
    with report.step('apply and revert on a scratch copy, byte for byte'):
        scratch = sources.fresh_copy(
            pristine, os.path.join(work, 'scratch', label))
        python = sys.executable
        for command, code, must_say in (
                ('check', 1, None), ('apply', 0, None), ('check', 0, None),
                ('apply', 0, 'nothing to do'), ('revert', 0, None),
                ('check', 1, None), ('revert', 0, 'nothing to do')):
            nova_patch(report, python, command, code, repo_env,
                       ['--nova-dir', scratch], must_say)
        found = tree_compare.differences(pristine, scratch)
        if found:
            raise Failed(f'{len(found)} differences: {found[:10]}')
        shutil.rmtree(scratch)

    # Nova itself is never installed; its tree is on PYTHONPATH.
    with report.step('venv for nova ' + args.nova_version):
        venv, reused = venvs.ensure(
            os.path.join(work, 'venvs'), f'nova-{args.series}', constraints,
            [os.path.join(pristine, 'requirements.txt'),
             os.path.join(pristine, 'test-requirements.txt')],
            [placement_sdist], os.path.join(logs, f'venv-{label}.log'),
            env=pip_env())
        report.say(f'    {venv} ({"reused" if reused else "built"})')
    with report.step('venv for upstream nova ' + UPSTREAM['nova']):
        upstream_venv, reused = venvs.ensure(
            os.path.join(work, 'venvs'), f'nova-{UPSTREAM["series"]}',
            upstream_constraints,
            [os.path.join(upstream_tree, 'requirements.txt')], [],
            os.path.join(logs, 'venv-upstream.log'),
            env=pip_env())
        report.say(f'    {upstream_venv} ({"reused" if reused else "built"})')

    tree = sources.fresh_copy(pristine, os.path.join(work, 'trees', label))
    venv_python = os.path.join(venv, 'bin', 'python')
    # No --nova-dir: the tool must find the tree as the importable nova.
    patch_env = clean_env(PYTHONPATH=os.pathsep.join([tree, REPO_ROOT]))
    with report.step('nova_patch check, apply, check, apply (no-op)'):
        nova_patch(report, venv_python, 'check', 1, patch_env)
        nova_patch(report, venv_python, 'apply', 0, patch_env)
        nova_patch(report, venv_python, 'check', 0, patch_env)
        nova_patch(report, venv_python, 'apply', 0, patch_env,
                   must_say='nothing to do')

    test_env = clean_env(
        PBR_VERSION=args.nova_version, PYTHONPATH=tree,
        PATH=os.path.join(venv, 'bin') + os.pathsep + os.environ['PATH'],
        OS_STDOUT_CAPTURE='1', OS_STDERR_CAPTURE='1', OS_TEST_TIMEOUT='160',
        PYTHONDONTWRITEBYTECODE='1')
    tests(report, 'unit', venv, tree, './nova/tests/unit',
          UNIT_TESTS[args.scope], REQUIRED_UNIT,
          dict(test_env, NOVA_RAISE_ON_GREENLET_LEAK='True'),
          os.path.join(logs, f'unit-{label}.log'))
    tests(report, 'functional', venv, tree, './nova/tests/functional',
          FUNCTIONAL_TESTS[args.scope], REQUIRED_FUNCTIONAL, test_env,
          os.path.join(logs, f'functional-{label}.log'))

    with report.step(f'same properties as upstream nova {UPSTREAM["nova"]}',
                     fatal=False):
        lines, found = differential.compare(
            (venv, tree, clean_env(PBR_VERSION=args.nova_version,
                                   PYTHONDONTWRITEBYTECODE='1')),
            (upstream_venv, upstream_tree,
             clean_env(PBR_VERSION=UPSTREAM['nova'],
                       PYTHONDONTWRITEBYTECODE='1')),
            os.path.join(work, 'differential', label),
            os.path.join(logs, f'differential-{label}.log'))
        for line in lines:
            report.say(f'    {line}')
        if found:
            raise Failed('; '.join(found))

    with report.step('nova_patch revert, check'):
        nova_patch(report, venv_python, 'revert', 0, patch_env)
        nova_patch(report, venv_python, 'check', 1, patch_env)
    with report.step('reverted tree equals the pristine sdist', fatal=False):
        found = tree_compare.differences(pristine, tree,
                                         tree_compare.TEST_ARTEFACTS)
        if found:
            raise Failed(f'{len(found)} differences: {found[:10]}')
        report.say(f'    compared with {pristine}; ignored only '
                   f'{", ".join(tree_compare.TEST_ARTEFACTS)}')


def main(argv=None):
    args = parse_args(argv)
    report = Report()
    try:
        run(args, report)
    except Failed:
        report.say('stopped after a failed step')
    for failure in report.failures:
        report.say(f'FAILED {failure}')
    report.say('done')
    # The closing line, as CI reads it: Nova tests plus the runner's checks.
    print(f'nova-{args.series}-{args.nova_version}: {report.passed} passed, '
          f'{report.failed} failed, {report.skipped} skipped', flush=True)
    return 1 if report.failed else 0


if __name__ == '__main__':
    sys.exit(main())
