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

"""Everything a service module needs to know about the cloud being run."""
import os
import time
import urllib.error
import urllib.request

from devcloud import config, passwords, procs, wait
from devcloud import ports as ports_mod
from devcloud.progress import StepFailed


# One-shot steps that write the ports into Keystone's catalog: redone after
# any port changes, whichever command (up, status, ...) assigned it.
PORT_STEPS = ('keystone-bootstrap', 'seed-identity')


class Cloud:
    def __init__(self, mode, layout, progress, debug=False):
        self.mode = mode
        self.layout = layout
        self.progress = progress
        self.debug = debug
        self.registry = procs.Registry(layout)
        self.ports = {}
        self.ports_changed = False
        self.passwords = {}
        self.created = False  # a one-time step (database, seed) ran
        # When Nova's daemons were started (the seed waits for computes
        # that reported after it).
        self.nova_started = None

    def load_settings(self, check_free=True):
        self.layout.make_dirs()
        self.ports, self.ports_changed = ports_mod.assign(
            self.layout.run_file('ports.json'), check_free=check_free,
            services=ports_mod.SERVICES + self.extra_services)
        if self.ports_changed:
            for marker in PORT_STEPS:
                self.forget(marker)
        self.passwords = passwords.load(
            self.layout.run_file('passwords.json'),
            extra=self.extra_services)

    @property
    def extra_services(self):
        """Services with a port and a Keystone user that only some modes
        run: Barbican on a libvirt mode."""
        return ('barbican',) if self.mode.has_key_manager else ()

    @property
    def up_command(self):
        cells = self.layout.cells
        return f'tools/devcloud up --nova {self.mode.name}' + (
            f' --cells {cells}' if cells > 1 else '')

    def url(self, service):
        return f'http://127.0.0.1:{self.ports[service]}'

    @property
    def keystone_url(self):
        return self.url('keystone')

    def template_values(self):
        values = {
            'mode': self.mode.name,
            'debug': str(self.debug).lower(),
            'data': self.layout.data,
            'venv': self.layout.venv,
            'keystone_url': self.keystone_url,
            'glance_port': self.ports['glance'],
            'rabbitmq_port': self.ports['rabbitmq'],
            'transport_url': 'rabbit://devcloud:{}@127.0.0.1:{}/'.format(
                self.passwords['rabbitmq'], self.ports['rabbitmq']),
        }
        for name, value in self.passwords.items():
            values[name.replace('-', '_') + '_password'] = value
        return values

    def render(self, template, name=None, extra=None):
        values = self.template_values()
        values.update(extra or {})
        return config.render(template, values,
                             self.layout.etc_file(name or template))

    def env(self, **extra):
        """Environment for the cloud's programs: the venv first on PATH."""
        env = dict(os.environ)
        for name in ('PYTHONPATH', 'PYTHONHOME', 'OS_CLOUD',
                     'OS_CLIENT_CONFIG_FILE', 'VIRTUAL_ENV'):
            env.pop(name, None)
        env['PATH'] = os.path.join(self.layout.venv, 'bin') + ':' + env.get(
            'PATH', '/usr/bin:/bin')
        env['VIRTUAL_ENV'] = self.layout.venv
        env.update({k: str(v) for k, v in extra.items()})
        return env

    # One-shot steps (db sync and friends) are remembered by marker files
    # so that a warm ``up`` skips them.
    def done(self, marker):
        return os.path.exists(self.layout.run_file(marker + '.done'))

    def mark_done(self, marker):
        self.created = True
        with open(self.layout.run_file(marker + '.done'), 'w') as flag:
            flag.write(time.strftime('%Y-%m-%dT%H:%M:%SZ\n', time.gmtime()))

    def forget(self, marker):
        try:
            os.remove(self.layout.run_file(marker + '.done'))
        except FileNotFoundError:
            pass

    def run(self, service, argv, env=None, timeout=600):
        log = self.layout.log_file(service)
        code = procs.run(argv, log, env=env or self.env(),
                         cwd=self.layout.data, timeout=timeout)
        if code != 0:
            raise StepFailed(f'{argv[0]} exited with {code}',
                             service=service, log=log)

    def start(self, service, argv, env=None):
        return self.registry.start(service, argv, env=env or self.env(),
                                   cwd=self.layout.data)

    def wait_until(self, service, ready, failure, timeout=90):
        """Poll ``ready()`` until it is true, while ``service`` runs.

        StepFailed if the service exits first, or with ``failure`` (what
        did not happen) after ``timeout`` seconds.
        """
        log = self.layout.log_file(service)

        def running_and_ready():
            if not self.registry.alive(service):
                raise StepFailed(f'{service} exited while starting',
                                 service=service, log=log)
            return ready()

        if not wait.poll(running_and_ready, timeout, interval=0.3):
            raise StepFailed(f'{failure} within {timeout}s',
                             service=service, log=log)

    def wait_http(self, service, url, timeout=90, accept=(200, 300, 401)):
        """Wait until ``url`` answers with a status in ``accept``."""
        self.wait_until(service, lambda: http_status(url) in accept,
                        f'{service} did not answer on {url}', timeout)


def http_status(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code
    except (OSError, ValueError):
        return None
