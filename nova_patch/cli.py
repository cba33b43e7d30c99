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

"""``python -m nova_patch {check,apply,revert}``: the command line."""

import argparse
import math
import os
import sys

from nova_patch import bytecode, leftovers, lock, patchfile, report
from nova_patch import plan as plan_mod
from nova_patch import target as target_mod
from nova_patch import transaction

# Exit codes. ``check``: 0 applied, 1 not applied, 3 partially applied or
# conflicting. Every command: 2 refused (nothing was changed), 4 a write
# failed and every change was rolled back, 5 another run holds the lock of
# the tree (nothing was changed).
EXIT_OK = 0
EXIT_NOT_APPLIED = 1
EXIT_REFUSED = 2
EXIT_PARTIAL = 3
EXIT_ROLLED_BACK = 4
EXIT_BUSY = 5


class Output:
    """Messages for people: on stderr when stdout carries JSON."""

    def __init__(self, to_stderr=False):
        self.to_stderr = to_stderr

    def _stream(self):
        return sys.stderr if self.to_stderr else sys.stdout

    @staticmethod
    def _print(text, stream):
        try:
            print(text, file=stream, flush=True)
        except BrokenPipeError:
            # The reader went away (``| head``): finish the run quietly,
            # its exit code still tells the outcome.
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
            except (OSError, ValueError):
                pass

    def say(self, message):
        self._print(f'nova_patch: {message}', self._stream())

    def line(self, text):
        self._print(text, self._stream())

    def data(self, text):
        """What stdout carries for programs (the JSON document)."""
        self._print(text, sys.stdout)


class Cleanup:
    """Leftovers of an interrupted run, removed (or not) before planning."""

    def __init__(self, found, removed, failed):
        self.found = found
        self.removed = removed
        self.failed = failed


class Context:

    def __init__(self, plan, args, out, cleanup):
        self.plan = plan
        self.args = args
        self.out = out
        self.cleanup = cleanup


def _report_files(ctx):
    verbose = ctx.args.verbose
    for item in ctx.plan.files:
        if verbose or item.state == plan_mod.CONFLICT:
            line = f'  {item.state:<17} {item.series_path}'
            if item.detail:
                line += ': ' + item.detail
            ctx.out.line(line)
    for series_path in ctx.plan.missing:
        ctx.out.line(f'  {"missing here":<17} {series_path}: this '
                     f'installation ships nova/tests without it; not '
                     f'patched')
    if verbose:
        for series_path in ctx.plan.skipped:
            ctx.out.line(f'  {"not shipped here":<17} {series_path}')


def _summary(plan):
    text = (f'{len(plan.files)} files: '
            f'{plan.count(plan_mod.APPLIED)} applied, '
            f'{plan.count(plan_mod.NOT_APPLIED)} not applied, '
            f'{plan.count(plan_mod.CONFLICT)} conflicting')
    if plan.missing:
        text += (f', {len(plan.missing)} test file(s) missing from this '
                 f'installation')
    if plan.skipped:
        text += f', {len(plan.skipped)} not shipped by this installation'
    return text


def _stale_bytecode(plan):
    found = []
    for item in plan.files:
        if item.current is not None:
            found.extend(bytecode.stale(item.path))
    return found


def _warn_stale(ctx, stale):
    for compiled, reason in stale:
        ctx.out.say(f'warning: {compiled} may be run instead of its source '
                    f'({reason}); apply or revert removes it')


def cmd_check(ctx):
    plan = ctx.plan
    overall = plan.overall
    code = {plan_mod.APPLIED: EXIT_OK,
            plan_mod.NOT_APPLIED: EXIT_NOT_APPLIED}.get(overall,
                                                        EXIT_PARTIAL)
    stale = _stale_bytecode(plan)
    if ctx.args.format == 'json':
        ctx.out.data(report.dumps(report.check_document(
            plan, code, ctx.cleanup, stale)))
        return code
    _report_files(ctx)
    _warn_stale(ctx, stale)
    ctx.out.say(f'{overall} ({_summary(plan)})')
    return code


def _remove_stale(ctx):
    removed = []
    for compiled, _reason in _stale_bytecode(ctx.plan):
        try:
            os.unlink(compiled)
        except FileNotFoundError:
            continue
        except OSError as error:
            ctx.out.say(f'warning: cannot remove {compiled}, which may be '
                        f'run instead of its source: {error.strerror}')
            continue
        removed.append(compiled)
    return removed


def _dry_run(ctx, verb, changes):
    by_path = {item.path: item.series_path for item in ctx.plan.files}
    for change in changes:
        action = ('create' if change.old is None else
                  'remove' if change.new is None else 'change')
        ctx.out.line(f'would {action} {change.path}')
        for line in report.diff_lines(by_path[change.path], change.old,
                                      change.new):
            ctx.out.line(line)
    for compiled, reason in _stale_bytecode(ctx.plan):
        ctx.out.line(f'would remove {compiled} ({reason})')
    ctx.out.say(f'dry run: would {verb} the {ctx.plan.target.series} '
                f'series on {len(changes)} file(s); nothing was changed')
    return EXIT_OK


def _change(ctx, wanted):
    """Move every file to ``wanted`` (APPLIED or NOT_APPLIED)."""
    plan, args, out = ctx.plan, ctx.args, ctx.out
    verb = 'apply' if wanted == plan_mod.APPLIED else 'revert'
    if plan.conflicts:
        _report_files(ctx)
        out.say(f'refusing to {verb}: {len(plan.conflicts)} file(s) do not '
                f'match the {plan.target.series} series; nothing was changed')
        return EXIT_REFUSED
    for series_path in plan.missing:
        out.line(f'  {"missing here":<17} {series_path}: not patched')
    changes = []
    for item in plan.files:
        if item.state == wanted:
            continue
        new = item.patched if wanted == plan_mod.APPLIED else item.original
        changes.append(transaction.Change(item.path, item.current, new))
    if changes:
        problems = transaction.preflight(changes)
        if problems:
            out.say(f'refusing to {verb}: {"; ".join(problems)}; nothing '
                    f'was changed')
            return EXIT_REFUSED
    if args.dry_run:
        return _dry_run(ctx, verb, changes)
    if not changes:
        removed = _remove_stale(ctx)
        extra = (f'; removed {len(removed)} stale compiled file(s): '
                 f'{", ".join(removed)}. Restart nova-api if it ran them'
                 if removed else '')
        out.say(f'nothing to do: the series is already {wanted} '
                f'({_summary(plan)}){extra}')
        return EXIT_OK
    try:
        compiled = transaction.commit(changes, plan.target.root)
    except OSError as error:
        out.say(f'{verb} failed ({error}); every change was rolled back')
        return EXIT_ROLLED_BACK
    compiled += _remove_stale(ctx)
    if args.verbose:
        for change in changes:
            action = ('created' if change.old is None else
                      'removed' if change.new is None else 'changed')
            out.line(f'  {action:<9} {change.path}')
        for path in compiled:
            out.line(f'  {"removed":<9} {path}')
    done = 'applied' if wanted == plan_mod.APPLIED else 'reverted'
    before = (' (it was partially applied before)'
              if plan.overall == plan_mod.PARTIAL else '')
    preposition = 'to' if wanted == plan_mod.APPLIED else 'from'
    bytecode_note = (f' Removed {len(compiled)} compiled file(s) of the '
                     f'changed modules.' if compiled else '')
    out.say(f'{done} the {plan.target.series} series {preposition} '
            f'{len(changes)} file(s){before}.{bytecode_note} Restart '
            f'nova-api (the service or the WSGI server that runs it) to '
            f'serve the change.')
    return EXIT_OK


COMMANDS = {
    'check': cmd_check,
    'apply': lambda ctx: _change(ctx, plan_mod.APPLIED),
    'revert': lambda ctx: _change(ctx, plan_mod.NOT_APPLIED),
}


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a number of seconds (0 or more)')
    return value


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
    parser.add_argument(
        '--wait', metavar='SECONDS', type=_seconds, default=0.0,
        help='when another run is working on the same tree, wait up to '
             'this long for it to finish (default: 0, give up at once '
             f'with exit code {EXIT_BUSY})')
    parser.add_argument(
        '--dry-run', action='store_true',
        help='apply/revert: print the files and hunks that would change, '
             'and change nothing')
    parser.add_argument(
        '--format', choices=('text', 'json'), default='text',
        help='check: "json" prints the state of the tree as one JSON '
             'document on stdout (messages go to stderr)')
    parser.add_argument('-v', '--verbose', action='store_true',
                        help='list every file and its state')
    return parser


def _clean_leftovers(target, by_path, args, out):
    found = leftovers.find(target, by_path)
    if not found:
        return Cleanup([], [], [])
    if args.dry_run:
        out.say(f'would remove {len(found)} leftover(s) of an interrupted '
                f'run: {", ".join(found)}')
        return Cleanup(found, [], [])
    removed, failed = leftovers.remove(found)
    if removed:
        out.say(f'removed {len(removed)} leftover(s) of an interrupted run: '
                f'{", ".join(removed)}')
    for path, error in failed:
        out.say(f'warning: cannot remove {path}, a leftover of an '
                f'interrupted run: {error}')
    return Cleanup(found, removed, failed)


def _stop(args, out, state, message, code):
    out.say(message)
    if args.format == 'json':
        out.data(report.dumps(report.error_document(state, message, code)))
    return code


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.format == 'json' and args.command != 'check':
        parser.error('--format json is for check')
    if args.dry_run and args.command == 'check':
        parser.error('--dry-run is for apply and revert')
    out = Output(to_stderr=args.format == 'json')
    try:
        target = target_mod.locate(args.nova_dir, args.nova_version)
        out.say(target.describe())
        guard = lock.Lock(target.package_dir)
        guard.acquire(args.wait)
    except lock.Busy as error:
        return _stop(args, out, 'busy', f'busy: {error}; nothing was changed',
                     EXIT_BUSY)
    except (target_mod.TargetError, OSError) as error:
        return _stop(args, out, 'refused',
                     f'refusing: {error}; nothing was changed', EXIT_REFUSED)
    try:
        try:
            by_path = plan_mod.load_series(target.series)
            cleanup = _clean_leftovers(target, by_path, args, out)
            plan = plan_mod.Plan(target, by_path)
        except (patchfile.PatchFormatError, OSError) as error:
            return _stop(args, out, 'refused',
                         f'refusing: {error}; nothing was changed',
                         EXIT_REFUSED)
        return COMMANDS[args.command](Context(plan, args, out, cleanup))
    finally:
        guard.release()


if __name__ == '__main__':
    sys.exit(main())
