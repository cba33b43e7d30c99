"""Safe rendering of untrusted image property names and values.

Image owners and operators choose property values, so they may hold
terminal escape sequences, bidi overrides or shell syntax. Human output
(tables) shows such characters escaped; machine output (json, yaml, csv,
value) carries the exact value; ``-f shell`` output is quoted so that
``eval`` only ever assigns variables.
"""

import re
import shlex

from cliff import columns
from cliff.formatters import shell
from cliff.formatters import table
from osc_lib.cli import format_columns

_SHELL_NAME_UNSAFE = re.compile(r'[^A-Za-z0-9_]')


def escape_unprintable(text):
    """Return ``text`` with every non-printable character escaped.

    Non-printable is Python's definition: control (C0, DEL, C1), format
    (bidi overrides and isolates, zero-width characters), separators other
    than the ASCII space, surrogates, private-use and unassigned code points.
    They become ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN``.
    """
    text = str(text)
    if text.isprintable():
        return text
    return ''.join(
        ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text
    )


class SafeText(columns.FormattableColumn):
    """A string shown escaped in tables and exact everywhere else.

    ``None`` (a value one side does not have) shows as an empty cell.
    """

    def human_readable(self):
        if self._value is None:
            return ''
        return escape_unprintable(self._value)

    def machine_readable(self):
        return self._value


class SafeDictColumn(format_columns.DictColumn):
    """A property dict: ``key='value', ...`` for people, an object for tools.

    ``None`` (a server booted from a volume) stays ``None``, so JSON output
    tells it apart from an image-booted server without properties (``{}``).
    """

    def human_readable(self):
        if self._value is None:
            return ''
        return escape_unprintable(super().human_readable())

    def machine_readable(self):
        if self._value is None:
            return None
        return super().machine_readable()


def shell_variable_name(name):
    """Turn a column name into a valid, inert shell variable name."""
    name = _SHELL_NAME_UNSAFE.sub('_', name)
    if not name or name[0].isdigit():
        name = '_' + name
    return name


class SafeShellFormatter(shell.ShellFormatter):
    """cliff's shell formatter, with values single-quoted for ``eval``.

    The stock one wraps values in double quotes and escapes only ``"``, so
    ``$(...)`` or backquotes in a value run when the output is evaluated.
    """

    def emit_one(self, column_names, data, stdout, parsed_args):
        wanted = parsed_args.variables
        for column, value in zip(column_names, data):
            name = column.lower().replace(' ', '_')
            if wanted and name not in wanted:
                continue
            if isinstance(value, columns.FormattableColumn):
                value = value.machine_readable()
            stdout.write(
                '%s%s=%s\n'
                % (
                    parsed_args.prefix,
                    shell_variable_name(name),
                    shlex.quote(str(value)),
                )
            )


class SafeTableFormatter(table.TableFormatter):
    """cliff's table formatter, with column and field names escaped too.

    Values are escaped by their column type; names (the property names in
    ``server image properties show``) are untrusted as well.
    """

    def emit_list(self, column_names, data, stdout, parsed_args):
        super().emit_list(
            [escape_unprintable(c) for c in column_names],
            data,
            stdout,
            parsed_args,
        )

    def emit_one(self, column_names, data, stdout, parsed_args):
        super().emit_one(
            [escape_unprintable(c) for c in column_names],
            data,
            stdout,
            parsed_args,
        )


_SAFE_FORMATTERS = {
    'shell': SafeShellFormatter,
    'table': SafeTableFormatter,
}


def use_safe_formatter(command, parsed_args):
    """Swap the command's formatter for a safe one where cliff's is not.

    cliff picks ``command.formatter`` before running the command and uses it
    after, so a command (or an after-hook) may replace it in between.
    """
    safe = _SAFE_FORMATTERS.get(parsed_args.formatter)
    if safe is not None:
        command.formatter = safe()
