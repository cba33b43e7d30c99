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

"""Run upstream Tempest's compute API tests against a tools/devcloud cloud.

    python -m tests.tempest.run [--nova MODE] [--concurrency N] [--regex R]

Brings the cloud up (``tools/devcloud up``), makes the images and flavors
Tempest needs, writes ``.tempest/<cloud>/etc/tempest.conf`` from the
cloud's own facts (the clouds.yaml and mode table the functional tests use
too), runs ``tempest run`` with ``tests/tempest/exclude.txt``, and prints
and saves what passed, skipped and failed.  Exits 1 if any test failed or
nothing ran.
"""
import argparse
import collections
import json
import os
import shutil
import string
import subprocess
import sys

import yaml

from devcloud import facts, modes
from tests.tempest import results as results_mod

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = results_mod.REPO_ROOT
DEVCLOUD = os.path.join(REPO_ROOT, 'tools', 'devcloud')

EXCLUDE = os.path.join(HERE, 'exclude.txt')
# The clouds.yaml entry of the cloud's admin: Tempest makes its projects,
# users and networks with it.
ADMIN_CLOUD = next(name for name, (_user, _project, roles)
                   in facts.CLOUDS.items() if 'admin' in roles)
# The compute API tests a cloud without Cinder can run: servers, images
# (Glance), and the admin tests of servers.
REGEX = (r'^tempest\.api\.compute\.(servers|images)\.'
         r'|^tempest\.api\.compute\.admin\.test_(create_server|'
         r'delete_server|server_diagnostics|server_diagnostics_negative|'
         r'server_external_events|servers|servers_negative|'
         r'servers_on_multinodes)\.')


def devcloud(*args):
    return subprocess.run([sys.executable, DEVCLOUD, *args],
                          capture_output=True, text=True, check=False)


def fail(message):
    print('tempest: ' + message, file=sys.stderr)
    sys.exit(1)


def bring_up(mode):
    up = devcloud('up', '--nova', mode.name)
    if up.returncode != 0:
        fail(f'tools/devcloud up --nova {mode.name} failed (exit '
             f'{up.returncode}):\n{up.stdout}{up.stderr}')
    env = json.loads(devcloud('env', '--json', '--nova',
                              mode.name).stdout)
    made = devcloud('python', '--nova', mode.name, '--',
                    os.path.join(HERE, 'resources.py'), ADMIN_CLOUD)
    if made.returncode != 0:
        fail("could not make Tempest's images and flavors:\n"
             + made.stdout + made.stderr)
    return env, json.loads(made.stdout.strip().splitlines()[-1])


def write_config(mode, env, resources, work):
    with open(env['env']['OS_CLIENT_CONFIG_FILE']) as src:
        admin = yaml.safe_load(src)['clouds'][ADMIN_CLOUD]['auth']
    with open(os.path.join(HERE, 'tempest.conf.in')) as src:
        template = string.Template(src.read())
    os.makedirs(os.path.join(work, 'etc'), exist_ok=True)
    os.makedirs(os.path.join(work, 'locks'), exist_ok=True)
    conf = os.path.join(work, 'etc', 'tempest.conf')
    text = template.substitute(
        resources, cloud=env['env']['DEVCLOUD_CLOUD'], nova=mode.nova,
        summary=mode.summary, work=work,
        admin_password=admin['password'],
        keystone_url=admin['auth_url'].rsplit('/v3', 1)[0],
        max_microversion=mode.max_microversion)
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as out:
        out.write(text)
    return conf


def run_tempest(work, conf, regex, concurrency):
    bindir = os.path.dirname(sys.executable)
    for stale in ('.stestr', '.stestr.conf'):
        path = os.path.join(work, stale)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    argv = [os.path.join(bindir, 'tempest'), 'run', '--config-file', conf,
            '--regex', regex, '--exclude-list', EXCLUDE,
            '--concurrency', str(concurrency)]
    print('tempest: ' + ' '.join(argv), flush=True)
    subprocess.run(argv, cwd=work, check=False)
    return last_run(work)


def last_run(work):
    """What the last ``tempest run`` in ``work`` passed, skipped, failed."""
    stestr = os.path.join(os.path.dirname(sys.executable), 'stestr')
    stream = subprocess.run([stestr, 'last', '--subunit'], cwd=work,
                            capture_output=True, check=False).stdout
    return parse_subunit(stream)


def parse_subunit(stream):
    """{passed: [id], skipped: {id: reason}, failed: [id]} of a stream."""
    import io

    import subunit
    import testtools

    found = {'passed': [], 'skipped': {}, 'failed': []}

    def on_test(test):
        test_id = test['id'].split('[')[0]
        status = test['status']
        if status == 'exists':
            return
        if test_id.startswith('setUpClass ('):
            # A class that skipped or failed as a whole: one entry for it.
            test_id = test_id[len('setUpClass ('):].rstrip(')')
            if status == 'success':
                return
        if status == 'success':
            found['passed'].append(test_id)
        elif status == 'skip':
            reason = test['details'].get('reason')
            found['skipped'][test_id] = (
                reason.as_text().strip() if reason else '')
        elif status in ('fail', 'uxsuccess'):
            found['failed'].append(test_id)

    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    subunit.ByteStreamToStreamResult(io.BytesIO(stream)).run(result)
    result.stopTestRun()
    return found


def report(cloud, found):
    counts = results_mod.counts(found)
    print(f"\ntempest on {cloud}: {counts['passed']} passed, "
          f"{counts['skipped']} skipped, {counts['failed']} failed")
    reasons = collections.Counter(found['skipped'].values())
    if reasons:
        print('skipped, by reason:')
        for reason, number in reasons.most_common():
            print(f'  {number:4d}  {reason[:110]}')
    ran_298 = [t for t in found['passed'] if results_mod.TESTS_298 in t]
    print(f'2.98 tests ({results_mod.TESTS_298}) passed: {len(ran_298)}')
    for test_id in found['failed']:
        print('FAILED: ' + test_id)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--nova', default=os.environ.get(
        'DEVCLOUD_NOVA', modes.DEFAULT), choices=modes.choices())
    # Tempest mostly waits for Nova here: four workers keep two cores busy.
    parser.add_argument('--concurrency', type=int, default=4)
    parser.add_argument('--regex', default=REGEX,
                        help='tests to run (default: servers, images and '
                        'admin server tests)')
    parser.add_argument('--report-only', action='store_true',
                        help='read the results of the last run again '
                        'instead of running Tempest')
    args = parser.parse_args(argv)
    mode = modes.get(args.nova)
    if args.report_only:
        cloud = mode.name
        found = last_run(results_mod.work_dir(cloud))
    else:
        env, resources = bring_up(mode)
        cloud = env['env']['DEVCLOUD_CLOUD']
        work = results_mod.work_dir(cloud)
        conf = write_config(mode, env, resources, work)
        found = run_tempest(work, conf, args.regex, args.concurrency)
    found.update(mode=mode.name, nova=mode.nova,
                 max_microversion=mode.max_microversion, regex=args.regex)
    results_mod.save(cloud, found)
    report(cloud, found)
    if found['failed']:
        return 1
    if not found['passed']:
        fail('no test passed: is the regex right?')
    return 0


if __name__ == '__main__':
    sys.exit(main())
