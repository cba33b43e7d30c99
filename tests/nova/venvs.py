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

"""Virtual environments for Nova's tests, reused while their inputs hold.

A venv's name carries a hash of everything that decides its content (the
Python, the constraints file, the requirement files, the extra sdists);
a finished venv holds a marker file. Same inputs and a marker: the venv is
reused. pip's own cache makes a rebuild cheap.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys

MARKER = '.nova-test-complete'


def _fingerprint(files, extra):
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for path in files:
        digest.update(os.path.basename(path).encode())
        with open(path, 'rb') as handle:
            digest.update(handle.read())
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()[:12]


def ensure(parent, name, constraints, requirement_files, packages, log,
           env=None):
    """Return (venv directory, reused?) with the requirements installed."""
    key = _fingerprint([constraints] + requirement_files,
                       [os.path.basename(item) for item in packages])
    directory = os.path.join(parent, f'{name}-{key}')
    if os.path.exists(os.path.join(directory, MARKER)):
        return directory, True
    # Other fingerprints of the same venv are out of date.
    for stale in glob.glob(os.path.join(parent, f'{name}-*')):
        shutil.rmtree(stale, ignore_errors=True)
    os.makedirs(parent, exist_ok=True)
    with open(log, 'ab') as out:
        subprocess.run([sys.executable, '-m', 'venv', directory],
                       check=True, stdout=out, stderr=subprocess.STDOUT)
        command = [os.path.join(directory, 'bin', 'python'), '-m', 'pip',
                   'install', '-c', constraints]
        for path in requirement_files:
            command += ['-r', path]
        command += list(packages)
        subprocess.run(command, check=True, stdout=out,
                       stderr=subprocess.STDOUT, env=env)
    with open(os.path.join(directory, MARKER), 'w') as handle:
        handle.write(key + '\n')
    return directory, False
