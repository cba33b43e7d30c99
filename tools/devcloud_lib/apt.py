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

"""Install a Debian package the cloud needs, once, as the operator would."""
import os
import subprocess

from devcloud_lib.progress import StepFailed


def install(progress, package, marker_path, service):
    """apt-get install ``package`` unless ``marker_path`` exists already.

    Returns True if it installed something.
    """
    if os.path.exists(marker_path):
        return False
    if os.geteuid() != 0:
        raise StepFailed(f"{package} is missing and installing it needs "
                         f"root: apt-get install -y {package}",
                         service=service)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "update", "-q"],
                 ["apt-get", "install", "-y", "-q",
                  "--no-install-recommends", package]):
        result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                check=False)
        if result.returncode != 0:
            raise StepFailed("{} failed:\n{}".format(
                " ".join(argv), result.stdout[-3000:]), service=service)
    progress.say(f"installed {package} from Debian packages")
    return True
