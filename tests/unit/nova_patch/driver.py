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

"""Run ``python -m nova_patch`` in a child process with a test series.

    python driver.py SERIES_DIR [--kill-at N] -- CLI ARGUMENTS

``--kill-at N`` sends SIGKILL to the process itself just before its Nth
rename, replace, unlink or rmdir: a crash at a chosen step of a run.
"""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))

from nova_patch import cli, plan  # noqa: E402

FILE_OPERATIONS = ('rename', 'replace', 'unlink', 'rmdir')


def _kill_at(number):
    calls = [0]

    def wrap(real):
        def operation(*args, **kwargs):
            calls[0] += 1
            if calls[0] == number:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return operation

    for name in FILE_OPERATIONS:
        setattr(os, name, wrap(getattr(os, name)))


def main(argv):
    separator = argv.index('--')
    options, cli_args = argv[:separator], argv[separator + 1:]
    plan.SERIES_DIR = options[0]
    if '--kill-at' in options:
        _kill_at(int(options[options.index('--kill-at') + 1]))
    return cli.main(cli_args)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
