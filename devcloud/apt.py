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

"""Install the Debian packages the cloud needs, once, as the operator would."""
import os
import subprocess

from devcloud.progress import StepFailed


def install(progress, package, marker_path, service):
    """apt-get install ``package`` unless ``marker_path`` exists already.

    Returns True if it installed something.
    """
    if os.path.exists(marker_path):
        return False
    if os.geteuid() != 0:
        raise StepFailed(f'{package} is missing and installing it needs '
                         f'root: apt-get install -y {package}',
                         service=service)
    _apt_get(progress, [package], service)
    return True


def _apt_get(progress, packages, service):
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for argv in (['apt-get', 'update', '-q'],
                 ['apt-get', 'install', '-y', '-q',
                  '--no-install-recommends'] + list(packages)):
        result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                check=False)
        if result.returncode != 0:
            raise StepFailed('{} failed:\n{}'.format(
                ' '.join(argv), result.stdout[-3000:]), service=service)
    progress.say('installed {} from Debian packages'.format(
        ' '.join(packages)))


def missing(packages):
    """The packages of ``packages`` that dpkg does not have installed."""
    found = []
    for package in packages:
        result = subprocess.run(
            ['dpkg-query', '-W', '-f=${Status}', package],
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            check=False)
        if not result.stdout.endswith(' installed'):
            found.append(package)
    return found


def install_all(progress, packages, service):
    """apt-get install those of ``packages`` that are not installed, in
    one go.  Returns True if it installed something."""
    wanted = missing(packages)
    if not wanted:
        return False
    if os.geteuid() != 0:
        raise StepFailed('{} missing and installing needs root: '
                         'apt-get install -y {}'.format(
                             ', '.join(wanted), ' '.join(wanted)),
                         service=service)
    _apt_get(progress, wanted, service)
    return True
