"""Command line of tools/devcloud."""
import argparse
import os
import sys

from devcloud_lib import lifecycle, modes, paths, procs
from devcloud_lib.context import Cloud
from devcloud_lib.progress import Progress
from devcloud_lib.services import horizon

DESCRIPTION = """\
A real local OpenStack cloud for osc-image-props: Keystone, Placement,
Glance, Nova API, conductor, scheduler and compute (fake virt driver) as
separate processes on 127.0.0.1, RabbitMQ and MariaDB (for Nova) from
Debian, SQLite (WAL) for the others, and a stub for the network endpoint
(the one non-real piece: empty Neutron answers).  State lives in
.devcloud/ at the repo root (or $DEVCLOUD_DIR).

modes (--nova):
  2024.2     Nova 30.3.0 + nova_patch (max microversion 2.98)  [default]
  2024.1     Nova 29.4.0 + nova_patch (max microversion 2.98)
  upstream   Nova 32.2.1, 2025.2, unpatched (2.98 natively)
  unpatched  stock Nova 30.3.0 (max microversion 2.96)

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
    "nova-manage": "the cloud's nova-manage with its nova.conf",
    "openstack": "the cloud venv's openstack CLI (OS_CLOUD=devcloud "
                 "unless set)",
    "python": "the cloud venv's python with OS_CLIENT_CONFIG_FILE set",
}


def _mode_arg(parser, default=None):
    parser.add_argument(
        "--nova", choices=sorted(modes.MODES), default=default,
        help="which cloud (default: %s)" % (
            default or "the running one, else the last started, else "
            + modes.DEFAULT))


def build_parser():
    parser = argparse.ArgumentParser(
        prog="tools/devcloud", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    cmd = sub.add_parser("up", help="install if needed and start the cloud")
    _mode_arg(cmd, default=modes.DEFAULT)
    cmd.add_argument("--debug", action="store_true",
                     help="services log at DEBUG level")

    cmd = sub.add_parser("down", help="stop the processes devcloud started")
    _mode_arg(cmd)
    cmd.add_argument("--purge", action="store_true",
                     help="also delete the cloud's data, logs and config "
                     "(the venv and wheel cache stay)")

    cmd = sub.add_parser("status", help="each service: pid, port, healthy?")
    _mode_arg(cmd)

    cmd = sub.add_parser("env", help="print shell exports for the cloud")
    _mode_arg(cmd)
    cmd.add_argument("--cloud", default="devcloud",
                     help="OS_CLOUD to export (devcloud, devcloud-alt, "
                     "devcloud-reader, devcloud-admin)")

    cmd = sub.add_parser("logs", help="show service logs")
    _mode_arg(cmd)
    cmd.add_argument("service", nargs="?",
                     help="one service (default: the end of every log)")
    cmd.add_argument("-n", "--lines", type=int, default=None,
                     help="lines to show (default 100, or 5 per log)")

    cmd = sub.add_parser("smoke", help="boot a server, check image "
                         "properties at 2.96/2.97/2.98, delete it")
    _mode_arg(cmd)
    cmd.add_argument("--cloud", default="devcloud")

    for name, what in PASSTHROUGH.items():
        cmd = sub.add_parser(name, help="[--nova MODE] ARGS...: run " + what)
        _mode_arg(cmd)
    return parser


def _running_modes():
    found = []
    for name in modes.MODES:
        registry = procs.Registry(paths.Layout(name))
        if any(procs.is_alive(r) for r in registry.load().values()):
            found.append(name)
    return found


def pick_mode(requested):
    if requested:
        return modes.MODES[requested]
    running = _running_modes()
    if len(running) == 1:
        return modes.MODES[running[0]]
    try:
        with open(os.path.join(paths.state_root(), "last-mode")) as last:
            name = last.read().strip()
        if name in modes.MODES and (not running or name in running):
            return modes.MODES[name]
    except OSError:
        pass
    return modes.MODES[modes.DEFAULT]


def _cloud(mode, debug=False):
    return Cloud(mode, paths.Layout(mode.name), Progress(), debug=debug)


def _exec(cloud, argv, os_cloud="devcloud"):
    if not os.path.exists(argv[0]):
        name = cloud.mode.name
        sys.stderr.write(f"devcloud {name} is not installed: run "
                         f"tools/devcloud up --nova {name}\n")
        return 1
    env = cloud.env(OS_CLIENT_CONFIG_FILE=cloud.layout.clouds_yaml,
                    OS_CLOUD=os_cloud)
    os.execve(argv[0], argv, env)


def cmd_env(cloud, args):
    layout = cloud.layout
    print(f"export OS_CLIENT_CONFIG_FILE={layout.clouds_yaml}")
    print(f"export OS_CLOUD={args.cloud}")
    print(f"export DEVCLOUD_MODE={cloud.mode.name}")
    print(f"export DEVCLOUD_VENV={layout.venv}")
    print(f"export DEVCLOUD_HORIZON_URL={horizon.url(cloud)}")
    return 0


def cmd_logs(cloud, args):
    layout = cloud.layout
    if args.service:
        print(procs.tail(layout.log_file(args.service), args.lines or 100))
        return 0
    if not os.path.isdir(layout.log):
        print(f"no logs in {layout.log}")
        return 0
    for name in sorted(os.listdir(layout.log)):
        path = os.path.join(layout.log, name)
        print(f"==> {path} ({os.path.getsize(path)} bytes) <==")
        print(procs.tail(path, args.lines or 5))
    return 0


def cmd_smoke(cloud, args):
    if not cloud.registry.alive("nova-api") or not os.path.exists(
            cloud.layout.clouds_yaml):
        name = cloud.mode.name
        sys.stderr.write(f"devcloud {name} is not running: run "
                         f"tools/devcloud up --nova {name}\n")
        return 1
    script = os.path.join(paths.INVENV_DIR, "smoke.py")
    return _exec(cloud, [cloud.layout.python, script, args.cloud,
                         cloud.mode.name], os_cloud=args.cloud)


def split_passthrough(argv):
    """(command, mode name or None, rest) for a passthrough command line.

    Parsed by hand so that options meant for the program (``--property``,
    ``--os-cloud``, ``--help``) reach it untouched.
    """
    command, rest, mode = argv[0], list(argv[1:]), None
    if rest[:1] == ["--nova"] and len(rest) >= 2:
        mode, rest = rest[1], rest[2:]
    elif rest and rest[0].startswith("--nova="):
        mode, rest = rest[0].split("=", 1)[1], rest[1:]
    if mode is not None and mode not in modes.MODES:
        raise SystemExit("unknown --nova {} (choose from {})".format(
            mode, ", ".join(sorted(modes.MODES))))
    if rest[:1] == ["--"]:
        rest = rest[1:]
    return command, mode, rest


def cmd_passthrough(command, cloud, rest):
    layout = cloud.layout
    if command == "nova-manage":
        argv = [layout.bin("nova-manage"), "--config-file",
                layout.etc_file("nova.conf")] + rest
    elif command == "openstack":
        argv = [layout.bin("openstack")] + rest
    else:
        argv = [layout.python] + rest
    return _exec(cloud, argv, os.environ.get("OS_CLOUD", "devcloud"))


def main(argv):
    try:
        return _main(argv)
    except BrokenPipeError:  # e.g. `tools/devcloud logs | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv):
    if argv and argv[0] in PASSTHROUGH:
        command, mode_name, rest = split_passthrough(argv)
        return cmd_passthrough(command, _cloud(pick_mode(mode_name)), rest)
    args = build_parser().parse_args(argv)
    mode = pick_mode(args.nova)
    if args.command == "up":
        return lifecycle.up(_cloud(mode, debug=args.debug))
    if args.command == "down":
        names = [args.nova] if args.nova else (_running_modes()
                                               or [mode.name])
        code = 0
        for name in names:
            code |= lifecycle.down(_cloud(modes.MODES[name]), args.purge)
        return code
    cloud = _cloud(mode)
    if args.command == "status":
        return lifecycle.status(cloud)
    if args.command == "env":
        return cmd_env(cloud, args)
    if args.command == "logs":
        return cmd_logs(cloud, args)
    if args.command == "smoke":
        return cmd_smoke(cloud, args)
    build_parser().error(f"{args.command} takes its arguments unparsed: "
                         f"tools/devcloud {args.command} [--nova MODE] "
                         "ARGS...")
