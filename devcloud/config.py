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

"""Render the configuration templates in templates/ into <cloud>/etc."""
import os
import string

from devcloud import paths


def render(template_name, values, target):
    with open(os.path.join(paths.TEMPLATES_DIR, template_name)) as src:
        text = string.Template(src.read()).substitute(values)
    tmp = target + '.tmp'
    # Readable by root only: the files hold the services' passwords.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as out:
        out.write(text)
    os.replace(tmp, target)
    return target
