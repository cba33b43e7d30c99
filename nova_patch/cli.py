"""``python -m nova_patch {check,apply,revert}``: the command line."""

import argparse
import sys

from nova_patch import patchfile, transaction
from nova_patch import plan as plan_mod
from nova_patch import target as target_mod

# Exit codes. ``check``: 0 applied, 1 not applied, 3 partially applied or
# conflicting. Every command: 2 refused (nothing was changed), 4 a write
# failed and every change was rolled back.
EXIT_OK = 0
EXIT_NOT_APPLIED = 1
EXIT_REFUSED = 2
EXIT_PARTIAL = 3
EXIT_ROLLED_BACK = 4


def _say(message):
    print(f'nova_patch: {message}', flush=True)


def _report_files(plan, verbose):
    for item in plan.files:
        if verbose or item.state == plan_mod.CONFLICT:
            line = f'  {item.state:<17} {item.series_path}'
            if item.detail:
                line += ': ' + item.detail
            print(line)
    if verbose:
        for series_path in plan.skipped:
            print(f'  {"not shipped here":<17} {series_path}')


def _summary(plan):
    text = (f'{len(plan.files)} files: '
            f'{plan.count(plan_mod.APPLIED)} applied, '
            f'{plan.count(plan_mod.NOT_APPLIED)} not applied, '
            f'{plan.count(plan_mod.CONFLICT)} conflicting')
    if plan.skipped:
        text += f', {len(plan.skipped)} not shipped by this installation'
    return text


def cmd_check(plan, args):
    overall = plan.overall
    _report_files(plan, args.verbose)
    _say(f'{overall} ({_summary(plan)})')
    if overall == plan_mod.APPLIED:
        return EXIT_OK
    if overall == plan_mod.NOT_APPLIED:
        return EXIT_NOT_APPLIED
    return EXIT_PARTIAL


def _change(plan, args, wanted):
    """Move every file to ``wanted`` (APPLIED or NOT_APPLIED)."""
    verb = 'apply' if wanted == plan_mod.APPLIED else 'revert'
    if plan.conflicts:
        _report_files(plan, args.verbose)
        _say(f'refusing to {verb}: {len(plan.conflicts)} file(s) do not '
             f'match the {plan.target.series} series; nothing was changed')
        return EXIT_REFUSED
    if plan.overall == wanted:
        _say(f'nothing to do: the series is already {wanted} '
             f'({_summary(plan)})')
        return EXIT_OK
    changes = []
    for item in plan.files:
        if item.state == wanted:
            continue
        new = item.patched if wanted == plan_mod.APPLIED else item.original
        changes.append(transaction.Change(item.path, item.current, new))
    problems = transaction.check_writable(changes)
    if problems:
        _say(f'refusing to {verb}: {"; ".join(problems)}; nothing was '
             f'changed')
        return EXIT_REFUSED
    try:
        transaction.commit(changes, plan.target.root)
    except OSError as error:
        _say(f'{verb} failed ({error}); every change was rolled back')
        return EXIT_ROLLED_BACK
    if args.verbose:
        for change in changes:
            action = ('created' if change.old is None else
                      'removed' if change.new is None else 'changed')
            print(f'  {action:<9} {change.path}')
    done = 'applied' if wanted == plan_mod.APPLIED else 'reverted'
    before = (' (it was partially applied before)'
              if plan.overall == plan_mod.PARTIAL else '')
    preposition = 'to' if wanted == plan_mod.APPLIED else 'from'
    _say(f'{done} the {plan.target.series} series {preposition} '
         f'{len(changes)} '
         f'file(s){before}. Restart nova-api (the service or the WSGI '
         f'server that runs it) to serve the change.')
    return EXIT_OK


COMMANDS = {
    'check': cmd_check,
    'apply': lambda plan, args: _change(plan, args, plan_mod.APPLIED),
    'revert': lambda plan, args: _change(plan, args, plan_mod.NOT_APPLIED),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog='python -m nova_patch',
        description='Backport compute API microversion 2.98 (embedded image '
                    'properties) to Nova 2024.1 (29.x) and 2024.2 (30.x).')
    parser.add_argument('command', choices=sorted(COMMANDS))
    parser.add_argument(
        '--nova-dir', metavar='PATH',
        help='the nova package directory (site-packages/nova) or a source '
             'tree holding nova/, doc/, api-ref/ and releasenotes/; '
             'default: the nova package importable by this Python')
    parser.add_argument(
        '--nova-version', metavar='X.Y.Z',
        help='the nova version, when the installation has no metadata to '
             'read it from')
    parser.add_argument('-v', '--verbose', action='store_true',
                        help='list every file and its state')
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        target = target_mod.locate(args.nova_dir, args.nova_version)
        _say(target.describe())
        plan = plan_mod.make_plan(target)
    except (target_mod.TargetError, patchfile.PatchFormatError,
            OSError) as error:
        _say(f'refusing: {error}; nothing was changed')
        return EXIT_REFUSED
    return COMMANDS[args.command](plan, args)


if __name__ == '__main__':
    sys.exit(main())
