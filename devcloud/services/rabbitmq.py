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

"""RabbitMQ from Debian's rabbitmq-server, started by hand on loopback.

oslo.messaging's fake:// driver cannot link separate processes, so the
Nova services need a real broker.  The Debian package does not start
inside this sandbox (no init system), and would listen on every interface
anyway: we run its server script with our own config, HOME, mnesia and
log directories, our own epmd (Erlang's port mapper) on a loopback port,
and Erlang distribution bound to 127.0.0.1.
"""
import os

from devcloud import apt
from devcloud import ports as ports_mod
from devcloud.services import Service, register

SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server'
CTL = '/usr/lib/rabbitmq/bin/rabbitmqctl'
PACKAGE = 'rabbitmq-server'
SERVICE = 'rabbitmq'
EPMD = 'epmd'


def ensure_installed(progress):
    """apt-get install rabbitmq-server unless it is there already."""
    return apt.install(progress, PACKAGE, SERVER, SERVICE)


def start(cloud):
    layout = cloud.layout
    base = layout.data_dir('rabbitmq')
    home = layout.data_dir('rabbitmq/home')
    logs = layout.data_dir('rabbitmq/log')
    conf = cloud.render('rabbitmq.conf')
    plugins = layout.etc_file('rabbitmq-enabled-plugins')
    with open(plugins, 'w') as out:
        out.write('[].\n')
    env_file = layout.etc_file('rabbitmq-env.conf')
    open(env_file, 'w').close()  # keep /etc/rabbitmq/rabbitmq-env.conf out
    epmd_port = cloud.ports['epmd']
    env = _env(cloud, home, env_file, conf, plugins, base, logs)
    cloud.start(EPMD, [EPMD, '-address', '127.0.0.1',
                         '-port', str(epmd_port)],
                env=cloud.env(HOME=home))
    cloud.start(SERVICE, [SERVER], env=env)


def _env(cloud, home, env_file, conf, plugins, base, logs):
    return cloud.env(
        HOME=home,
        ERL_EPMD_PORT=cloud.ports['epmd'],
        RABBITMQ_CONF_ENV_FILE=env_file,
        RABBITMQ_CONFIG_FILE=conf,
        RABBITMQ_ENABLED_PLUGINS_FILE=plugins,
        RABBITMQ_MNESIA_BASE=os.path.join(base, 'mnesia'),
        RABBITMQ_LOG_BASE=logs,
        RABBITMQ_LOGS='-',
        RABBITMQ_NODENAME=_node(cloud),
        RABBITMQ_DIST_PORT=cloud.ports['rabbitmq-dist'],
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=(
            '-start_epmd false '
            '-kernel inet_dist_use_interface {127,0,0,1}'),
    )


def _node(cloud):
    return 'devcloud-{}@localhost'.format(cloud.layout.name.replace('.', '_'))


def ensure_vhost(cloud, vhost):
    """A virtual host for one cell's messages, once per cloud.

    Every cell needs its own: its conductor and computes use the same
    topics as cell1's.
    """
    marker = 'rabbitmq-vhost-' + vhost
    if cloud.done(marker):
        return
    layout = cloud.layout
    base = layout.data_dir('rabbitmq')
    env = _env(cloud, layout.data_dir('rabbitmq/home'),
               layout.etc_file('rabbitmq-env.conf'),
               layout.etc_file('rabbitmq.conf'),
               layout.etc_file('rabbitmq-enabled-plugins'), base,
               layout.data_dir('rabbitmq/log'))
    ctl = [CTL, '--node', _node(cloud)]
    cloud.run(SERVICE, ctl + ['add_vhost', vhost], env=env, timeout=120)
    cloud.run(SERVICE, ctl + ['set_permissions', '-p', vhost, 'devcloud',
                              '.*', '.*', '.*'], env=env, timeout=120)
    cloud.mark_done(marker)


def wait_ready(cloud, timeout=60):
    port = cloud.ports[SERVICE]
    cloud.wait_until(SERVICE, lambda: ports_mod.is_listening(port),
                     f'RabbitMQ did not listen on 127.0.0.1:{port}', timeout)


register(Service(
    SERVICE, packages=(PACKAGE,), install=ensure_installed, start=start,
    wait=wait_ready, last_to_stop=True,
    processes=lambda cloud: [(EPMD, EPMD, None), (SERVICE, SERVICE, None)],
    describe=lambda cloud: f'rabbitmq on 127.0.0.1:{cloud.ports[SERVICE]}'))
