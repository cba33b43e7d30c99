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

"""Command line of tools/devcloud."""
import argparse
import json
import os
import shlex
import sys

from devcloud import cells as cells_mod
from devcloud import host_reboot, lifecycle, modes, paths, procs
from devcloud.context import Cloud
from devcloud.progress import Progress
from devcloud.services import horizon, mariadb

DESCRIPTION = """\
A real local OpenStack cloud for osc-image-props: Keystone, Placement,
Glance, Nova API, conductor, scheduler and compute (fake virt driver; on a
libvirt mode, the libvirt driver with libvirtd and QEMU from Debian) as
separate processes on 127.0.0.1, RabbitMQ and MariaDB (for Nova) from
Debian, SQLite (WAL) for the others, and a stub for the network endpoint
(the one non-real piece: empty Neutron answers).  State lives in
.devcloud/ at the repo root (or $DEVCLOUD_DIR).

modes (--nova; `tools/devcloud modes` lists the releases and constraints):
%(modes)s

typical use:
  tools/devcloud up && eval "$(tools/devcloud env)"
  openstack server list        # or tools/devcloud openstack server list
  tools/devcloud smoke
  tools/devcloud nova-manage image_property set SERVER \\
      --property hw_machine_type=pc-q35-8.0
  tools/devcloud down          # keeps data; --purge removes it
"""


# Commands whose arguments go unparsed to a program of the cloud's venv.
PASSTHROUGH = {
    'nova-manage': "the cloud's nova-manage with its nova.conf",
    'openstack': "the cloud venv's openstack CLI (OS_CLOUD=devcloud "
                 "unless set)",
    'python': "the cloud venv's python with OS_CLIENT_CONFIG_FILE set",
}


def _modes_help():
    lines = []
    for name, mode in modes.MODES.items():
        default = '  [default]' if name == modes.DEFAULT else ''
        lines.append(f'  {name:<14} {mode.summary}{default}')
    for alias, name in modes.ALIASES.items():
        lines.append(f'  {alias:<14} the newest: {name}')
    return '\n'.join(lines)


def _mode_arg(parser, default=None):
    parser.add_argument(
        '--nova', choices=modes.choices(), default=default, metavar='MODE',
        help='which Nova: {} (default: {})'.format(
            ', '.join(modes.choices()),
            default or "the running cloud's, else the last started, else "
            + modes.DEFAULT))
    parser.add_argument(
        '--cells', type=_cells_count, default=None, metavar='N',
        help="cells with servers (1 to %d; default: the running cloud's, "
        "else 1); a cloud of N > 1 cells is a separate cloud of the "
        "same mode" % cells_mod.MAX_CELLS)


def _cells_count(text):
    if not text.isdigit() or not 1 <= int(text) <= cells_mod.MAX_CELLS:
        raise argparse.ArgumentTypeError(
            f'--cells must be 1 to {cells_mod.MAX_CELLS}, not {text!r}')
    return int(text)


def build_parser():
    parser = argparse.ArgumentParser(
        prog='tools/devcloud', description=DESCRIPTION % {
            'modes': _modes_help()},
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    sub.required = True

    cmd = sub.add_parser('up', help='install if needed and start the cloud')
    _mode_arg(cmd, default=modes.DEFAULT)
    cmd.add_argument('--debug', action='store_true',
                     help='services log at DEBUG level')

    cmd = sub.add_parser('down', help='stop the processes devcloud started')
    _mode_arg(cmd)
    cmd.add_argument('--purge', action='store_true',
                     help="also delete the cloud's data, logs and config "
                     "(the venv and wheel cache stay)")

    cmd = sub.add_parser('status', help='each service: pid, port, healthy?')
    _mode_arg(cmd)

    cmd = sub.add_parser('env', help='print shell exports for the cloud')
    _mode_arg(cmd)
    cmd.add_argument('--cloud', default='devcloud',
                     help='OS_CLOUD to export (devcloud, devcloud-alt, '
                     'devcloud-reader, devcloud-admin)')
    cmd.add_argument('--json', action='store_true',
                     help="one JSON object instead: the same variables "
                     "and the mode's facts")

    cmd = sub.add_parser('modes', help='the modes: releases, constraints, '
                         'what their 2.98 returns')
    cmd.add_argument('--json', action='store_true')
    cmd.add_argument('--ci', choices=(modes.FULL, modes.SMOKE),
                     help='only the modes CI runs the whole functional '
                     'suite (full) or its read path (smoke) on')
    cmd.add_argument('--default', action='store_true',
                     help='only the mode `up` starts without --nova')
    cmd.add_argument('--driver', choices=(modes.FAKE, modes.LIBVIRT),
                     help='only the modes whose nova-compute runs this virt '
                     'driver')

    cmd = sub.add_parser('packages', help='the Debian packages `up` '
                         'installs')
    cmd.add_argument('--nova', choices=modes.choices(), metavar='MODE',
                     help='for this mode (default: for every mode without '
                     'a hypervisor; a libvirt mode adds libvirt, QEMU and '
                     'swtpm)')

    cmd = sub.add_parser('cell', help='take a cell of a multi-cell cloud '
                         'down (its database refuses Nova) or up again')
    cmd.add_argument('action', choices=('down', 'up'))
    cmd.add_argument('cell', help='cell2 ... cellN (cell1 holds the '
                     'control services and stays up)')
    _mode_arg(cmd)

    cmd = sub.add_parser('host-reboot', help="a libvirt mode's compute host "
                         'loses power and boots: its guests destroyed, '
                         'libvirtd and nova-compute started again')
    _mode_arg(cmd)
    cmd.add_argument('--resume-guests-state-on-host-boot',
                     choices=('true', 'false'), dest='resume',
                     help="nova-compute's [DEFAULT] option at the boot, "
                     'kept for later ups (default: as before, initially '
                     "Nova's default, false)")

    cmd = sub.add_parser('logs', help='show service logs')
    _mode_arg(cmd)
    cmd.add_argument('service', nargs='?',
                     help='one service (default: the end of every log)')
    cmd.add_argument('-n', '--lines', type=int, default=None,
                     help='lines to show (default 100, or 5 per log)')

    cmd = sub.add_parser('smoke', help='boot a server, check image '
                         'properties at 2.96/2.97/2.98, delete it')
    _mode_arg(cmd)
    cmd.add_argument('--cloud', default='devcloud')

    cmd = sub.add_parser('differential', help='boot one server from an '
                         'image with custom, long and (then) null values; '
                         'print what Nova returns as JSON')
    _mode_arg(cmd)
    cmd.add_argument('--keep', action='store_true',
                     help='keep the server and image (their IDs are in '
                     'the output)')

    for name, what in PASSTHROUGH.items():
        cmd = sub.add_parser(name, help='[--nova MODE] [--cells N] '
                             'ARGS...: run ' + what)
        _mode_arg(cmd)
    return parser


def _cloud_names():
    """(mode name, cells) of every cloud that has a directory."""
    root = os.path.join(paths.state_root(), 'clouds')
    found = []
    for entry in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        parsed = paths.parse_cloud_name(entry)
        if parsed and parsed[0] in modes.MODES:
            found.append(parsed)
    return found


def _running_clouds():
    found = []
    for name, cells in _cloud_names():
        registry = procs.Registry(paths.Layout(name, cells=cells))
        if any(procs.is_alive(r) for r in registry.load().values()):
            found.append((name, cells))
    return found


def pick_cloud(requested_mode, requested_cells=None):
    """(Mode, cells) of the cloud a command is about.

    What was asked for; else the one running cloud (of that mode); else
    the last one started; else the default mode with one cell.
    """
    mode = modes.get(requested_mode) if requested_mode else None
    running = [(n, c) for n, c in _running_clouds()
               if (mode is None or n == mode.name)
               and requested_cells in (None, c)]
    if mode and requested_cells:
        return mode, requested_cells
    if len(running) == 1:
        return modes.MODES[running[0][0]], running[0][1]
    try:
        with open(os.path.join(paths.state_root(), 'last-mode')) as last:
            parsed = paths.parse_cloud_name(last.read().strip())
        if (parsed and parsed[0] in modes.MODES
                and (not running or parsed in running)
                and (mode is None or parsed[0] == mode.name)
                and requested_cells in (None, parsed[1])):
            return modes.MODES[parsed[0]], parsed[1]
    except OSError:
        pass
    return mode or modes.MODES[modes.DEFAULT], requested_cells or 1


def _cloud(mode, cells=1, debug=False):
    return Cloud(mode, paths.Layout(mode.name, cells=cells), Progress(),
                 debug=debug)


def _exec(cloud, argv, os_cloud='devcloud'):
    if not os.path.exists(argv[0]):
        sys.stderr.write(f'devcloud {cloud.layout.name} is not installed: '
                         f'run {cloud.up_command}\n')
        return 1
    env = cloud.env(OS_CLIENT_CONFIG_FILE=cloud.layout.clouds_yaml,
                    OS_CLOUD=os_cloud)
    os.execve(argv[0], argv, env)


def env_values(cloud, os_cloud='devcloud'):
    """What ``env`` exports: the one description of a running cloud."""
    layout = cloud.layout
    return {'OS_CLIENT_CONFIG_FILE': layout.clouds_yaml,
            'OS_CLOUD': os_cloud,
            'DEVCLOUD_MODE': cloud.mode.name,
            'DEVCLOUD_CELLS': str(layout.cells),
            'DEVCLOUD_CLOUD': layout.name,
            'DEVCLOUD_VENV': layout.venv,
            'DEVCLOUD_HORIZON_URL': horizon.url(cloud)}


def cmd_env(cloud, args):
    values = env_values(cloud, args.cloud)
    if args.json:
        print(json.dumps({'env': values, 'mode': cloud.mode.as_dict(),
                          'cells': cells_mod.names(cloud.layout.cells),
                          'cells_down': cells_mod.down_cells(cloud)},
                         indent=1, sort_keys=True))
        return 0
    for name, value in values.items():
        print(f'export {name}={shlex.quote(value)}')
    return 0


def cmd_modes(args):
    chosen = [m for m in modes.MODES.values()
              if (not args.ci or m.ci == args.ci)
              and (not args.driver or m.driver == args.driver)]
    if args.default:
        chosen = [modes.get(modes.DEFAULT)]
    if args.json:
        print(json.dumps({'modes': [m.as_dict() for m in chosen],
                          'aliases': modes.ALIASES,
                          'default': modes.DEFAULT}, indent=1))
        return 0
    for mode in chosen:
        print(mode.name)
    return 0


def cmd_cell(cloud, args):
    try:
        cells_mod.set_state(cloud, args.cell, args.action)
    except cells_mod.CellError as exc:
        sys.stderr.write(f'devcloud: {exc}\n')
        return 1
    print(f'devcloud {cloud.layout.name}: {args.cell} is {args.action}')
    return 0


def cmd_host_reboot(cloud, args):
    resume = None if args.resume is None else args.resume == 'true'
    try:
        destroyed, resumed = host_reboot.run(cloud, resume)
    except host_reboot.HostRebootError as exc:
        sys.stderr.write(f'devcloud: {exc}\n')
        return 1
    print(f'devcloud {cloud.layout.name}: the host rebooted; destroyed '
          f"{', '.join(destroyed) or 'no guest'}; "
          f'resume_guests_state_on_host_boot = {str(resumed).lower()}')
    return 0


def cmd_logs(cloud, args):
    layout = cloud.layout
    if args.service:
        print(procs.tail(layout.log_file(args.service), args.lines or 100))
        return 0
    if not os.path.isdir(layout.log):
        print(f'no logs in {layout.log}')
        return 0
    for name in sorted(os.listdir(layout.log)):
        path = os.path.join(layout.log, name)
        print(f'==> {path} ({os.path.getsize(path)} bytes) <==')
        print(procs.tail(path, args.lines or 5))
    return 0


def cmd_smoke(cloud, args):
    if not cloud.registry.alive('nova-api') or not os.path.exists(
            cloud.layout.clouds_yaml):
        sys.stderr.write(f'devcloud {cloud.layout.name} is not running: '
                         f'run {cloud.up_command}\n')
        return 1
    script = os.path.join(paths.INVENV_DIR, 'smoke.py')
    return _exec(cloud, [cloud.layout.python, script, args.cloud,
                         cloud.mode.name], os_cloud=args.cloud)


def cmd_differential(cloud, args):
    if not cloud.registry.alive('nova-api'):
        sys.stderr.write(f'devcloud {cloud.layout.name} is not running: '
                         f'run {cloud.up_command}\n')
        return 1
    cloud.load_settings(check_free=False)
    script = os.path.join(paths.INVENV_DIR, 'differential.py')
    argv = [cloud.layout.python, script, 'devcloud', cloud.mode.name,
            mariadb.url(cloud, 'nova_cell1')]
    return _exec(cloud, argv + (['--keep'] if args.keep else []))


def _option(rest, name):
    """(value or None, rest without it) for a leading ``name VALUE``."""
    if rest[:1] == [name] and len(rest) >= 2:
        return rest[1], rest[2:]
    if rest and rest[0].startswith(name + '='):
        return rest[0].split('=', 1)[1], rest[1:]
    return None, rest


def split_passthrough(argv):
    """(command, mode name or None, cells or None, rest) of a passthrough
    command line.

    Parsed by hand so that options meant for the program (``--property``,
    ``--os-cloud``, ``--help``) reach it untouched.
    """
    command, rest = argv[0], list(argv[1:])
    mode = cells = None
    while True:
        value, rest = _option(rest, '--nova')
        if value is not None:
            mode = value
            continue
        value, rest = _option(rest, '--cells')
        if value is not None:
            try:
                cells = _cells_count(value)
            except argparse.ArgumentTypeError as exc:
                raise SystemExit(str(exc)) from None
            continue
        break
    if mode is not None and mode not in modes.choices():
        raise SystemExit('unknown --nova {} (choose from {})'.format(
            mode, ', '.join(modes.choices())))
    if rest[:1] == ['--']:
        rest = rest[1:]
    return command, mode, cells, rest


def cmd_passthrough(command, cloud, rest):
    layout = cloud.layout
    if command == 'nova-manage':
        argv = [layout.bin('nova-manage'), '--config-file',
                layout.etc_file('nova.conf')] + rest
    elif command == 'openstack':
        argv = [layout.bin('openstack')] + rest
    else:
        argv = [layout.python] + rest
    return _exec(cloud, argv, os.environ.get('OS_CLOUD', 'devcloud'))


def main(argv):
    try:
        return _main(argv)
    except BrokenPipeError:  # e.g. `tools/devcloud logs | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv):
    if argv and argv[0] in PASSTHROUGH:
        command, mode_name, cells, rest = split_passthrough(argv)
        return cmd_passthrough(
            command, _cloud(*pick_cloud(mode_name, cells)), rest)
    args = build_parser().parse_args(argv)
    if args.command == 'modes':
        return cmd_modes(args)
    if args.command == 'packages':
        print(' '.join(lifecycle.debian_packages(
            modes.get(args.nova) if args.nova else None)))
        return 0
    if args.command == 'up':
        return lifecycle.up(_cloud(modes.get(args.nova), args.cells or 1,
                                   debug=args.debug))
    if args.command == 'down':
        if args.nova or args.cells:
            chosen = [pick_cloud(args.nova, args.cells)]
        else:
            chosen = [(modes.MODES[n], c) for n, c in _running_clouds()]
            chosen = chosen or [pick_cloud(None)]
        code = 0
        for mode, cells in chosen:
            code |= lifecycle.down(_cloud(mode, cells), args.purge)
        return code
    cloud = _cloud(*pick_cloud(args.nova, args.cells))
    if args.command == 'status':
        return lifecycle.status(cloud)
    if args.command == 'env':
        return cmd_env(cloud, args)
    if args.command == 'cell':
        return cmd_cell(cloud, args)
    if args.command == 'logs':
        return cmd_logs(cloud, args)
    if args.command == 'host-reboot':
        return cmd_host_reboot(cloud, args)
    if args.command == 'smoke':
        return cmd_smoke(cloud, args)
    if args.command == 'differential':
        return cmd_differential(cloud, args)
    build_parser().error(f'{args.command} takes its arguments unparsed: '
                         f'tools/devcloud {args.command} [--nova MODE] '
                         '[--cells N] ARGS...')
