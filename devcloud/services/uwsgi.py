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

"""Run a WSGI application under uwsgi, as operators deploy the APIs."""
import os


def app_line(layout, module=None, script=None):
    """``module = ...`` if the venv has the module, else ``wsgi-file``.

    Newer releases ship WSGI modules (``keystone.wsgi.api``); older ones
    only the pbr-generated scripts in bin/.
    """
    if module:
        path = os.path.join(layout.site_packages(),
                            *module.split(':')[0].split('.'))
        if os.path.exists(path + '.py'):
            return 'module = ' + module
    if script and os.path.exists(layout.bin(script)):
        return 'wsgi-file = ' + layout.bin(script)
    raise FileNotFoundError(
        f'no WSGI entry point {module}/{script} in {layout.venv}')


def start(cloud, service, port_name, app, env, threads=1):
    env_lines = '\n'.join('env = {}={}'.format(*item) for item in env.items())
    ini = cloud.render('uwsgi.ini', name=service + '-uwsgi.ini', extra={
        'port': cloud.ports[port_name],
        'app_line': app,
        'threads': threads,
        'env_lines': env_lines,
    })
    cloud.start(service, [cloud.layout.bin('uwsgi'), '--ini', ini])
