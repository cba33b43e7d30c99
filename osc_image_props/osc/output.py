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

"""Safe rendering of untrusted image property names and values.

Image owners and operators choose property names and values, so they may
hold terminal escape sequences, bidi overrides, lone surrogates or shell
syntax. What is safe depends on where output goes:

- Tables are for people wherever they go: every name and value is shown
  escaped, and in ``key='value'`` lists every value is quoted, so no value
  can pass for another key.
- ``-f json`` and ``-f yaml`` escape everything that is not printable ASCII
  themselves: they are exact and terminal-safe everywhere.
- ``-f value``, ``-f shell`` and ``-f csv`` carry the exact values to a
  pipe or file; on a terminal (``isatty()``, the rule ``ls`` uses to quote
  names) they show escaped values instead, like a table.
- ``-f shell`` is quoted for ``eval`` in bash and POSIX sh.
- An unknown (null) value is an empty field in ``-f value``, ``-f csv``
  and ``-f shell``, never the text ``None``, which a value may be.

Exact output is UTF-8; a lone surrogate, which JSON can carry but UTF-8
cannot, is written as its three-byte form (WTF-8, Python's
``surrogatepass``), so nothing is lost or cut short.
"""

import io
import re
import shlex

from cliff import columns
from cliff.formatters import commaseparated
from cliff.formatters import shell
from cliff.formatters import value as value_formatter
from osc_lib import exceptions as osc_exceptions

from osc_image_props import escaping
from osc_image_props.osc import _cli_internals

_SHELL_NAME_UNSAFE = re.compile(r'[^A-Za-z0-9_]')
_BARE_KEY = re.compile(r'[A-Za-z0-9_.:-]+')
_SURROGATE = re.compile('[\ud800-\udfff]')

#: How a table shows embedded properties that are unknown: the server is in
#: a cell the compute API cannot reach.
UNKNOWN = 'unknown'


def quoted(text):
    """``text`` in single quotes, with quotes and backslashes escaped."""
    return "'%s'" % escaping.terminal_text(text).replace("'", "\\'")


def format_properties(properties):
    """``key='value', ...`` sorted by key; a null value shows as ``key=``.

    Values are always quoted, and keys are quoted unless they are plain
    (letters, digits, ``_.:-``), so the list reads back unambiguously.
    """
    parts = []
    for key in sorted(properties):
        value = properties[key]
        shown_key = key if _BARE_KEY.fullmatch(key) else quoted(key)
        parts.append(
            '%s=%s' % (shown_key, '' if value is None else quoted(value))
        )
    return ', '.join(parts)


def _table_text(text):
    # OSC's own cells: newlines are cell line breaks in a table and are
    # kept; backslashes are left as OSC shows them.
    text = str(text)
    if text.replace('\n', '').isprintable():
        return text
    return '\n'.join(
        escaping.escape_unprintable(line) for line in text.split('\n')
    )


class _SafeColumn(columns.FormattableColumn):
    """A column whose human_readable() is already terminal-safe."""


class SafeText(_SafeColumn):
    """A name or value: escaped for people, exact for programs.

    ``None`` (a value one side does not have, or a null value) shows as an
    empty cell.
    """

    def human_readable(self):
        value = _cli_internals.column_value(self)
        return '' if value is None else escaping.terminal_text(value)

    def machine_readable(self):
        return _cli_internals.column_value(self)


class SafeDictColumn(_SafeColumn):
    """A property dict: ``key='value', ...`` for people, an object for tools.

    ``None`` (a server booted from a volume) stays ``None``, so JSON output
    tells it apart from an image-booted server without properties (``{}``).
    """

    def human_readable(self):
        value = _cli_internals.column_value(self)
        return '' if value is None else format_properties(value)

    def machine_readable(self):
        value = _cli_internals.column_value(self)
        return None if value is None else dict(value)


class SafeListColumn(_SafeColumn):
    """A list of names or messages: one escaped line each for people, a
    list for tools."""

    def human_readable(self):
        items = _cli_internals.column_value(self)
        return '\n'.join(escaping.terminal_text(item) for item in items)

    def machine_readable(self):
        return list(_cli_internals.column_value(self))


class UnknownProperties(_SafeColumn):
    """The properties of a server in a cell Nova cannot reach now."""

    def __init__(self):
        super().__init__(None)

    def human_readable(self):
        return UNKNOWN

    def machine_readable(self):
        return None


class _Shown(_SafeColumn):
    """A cell already rendered for its destination."""

    def human_readable(self):
        return _cli_internals.column_value(self)

    def machine_readable(self):
        return _cli_internals.column_value(self)


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
    A null value is the empty string. Two names that become the same
    variable (``a-b``, ``a_b``, ``A_B``) are an error, never an overwrite,
    and so is a NUL, which no shell variable can hold.
    """

    def emit_one(self, column_names, data, stdout, parsed_args):
        wanted, prefix = _cli_internals.shell_options(parsed_args)
        seen = {}
        lines = []
        for column, value in zip(column_names, data):
            name = column.lower().replace(' ', '_')
            if wanted and name not in wanted:
                continue
            variable = shell_variable_name(name)
            if variable in seen:
                raise osc_exceptions.CommandError(
                    '-f shell cannot show both %s and %s: both would be '
                    'the variable %s%s. Choose one with -c, or use -f json.'
                    % (
                        quoted(seen[variable]),
                        quoted(column),
                        escaping.terminal_text(prefix),
                        variable,
                    )
                )
            seen[variable] = column
            if isinstance(value, columns.FormattableColumn):
                value = value.machine_readable()
            value = '' if value is None else str(value)
            if '\x00' in value:
                raise osc_exceptions.CommandError(
                    '-f shell cannot carry the value of %s: it holds a NUL '
                    'character, which a shell variable cannot hold. Use '
                    '-f json.' % quoted(column)
                )
            lines.append(
                '%s%s=%s\n' % (prefix, variable, shlex.quote(value))
            )
        stdout.write(''.join(lines))


def _machine_cell(cell):
    if isinstance(cell, columns.FormattableColumn):
        return cell.machine_readable()
    return cell


def _blank_if_null(cell):
    cell = _machine_cell(cell)
    return '' if cell is None else cell


class SafeCSVFormatter(commaseparated.CSVLister):
    """cliff's csv formatter; a null value is an empty cell, not "None"."""

    def emit_list(self, column_names, data, stdout, parsed_args):
        rows = ([_machine_cell(c) for c in row] for row in data)
        super().emit_list(column_names, rows, stdout, parsed_args)


class SafeValueFormatter(value_formatter.ValueFormatter):
    """cliff's value formatter; a null value is an empty field, not
    "None", so that it differs from the string ``None``."""

    def emit_list(self, column_names, data, stdout, parsed_args):
        rows = ([_blank_if_null(c) for c in row] for row in data)
        super().emit_list(column_names, rows, stdout, parsed_args)

    def emit_one(self, column_names, data, stdout, parsed_args):
        values = [_blank_if_null(c) for c in data]
        super().emit_one(column_names, values, stdout, parsed_args)


def is_terminal(stream):
    """Whether output to ``stream`` is read by a person on a terminal."""
    isatty = getattr(stream, 'isatty', None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):
        return False


def _utf8(encoding):
    return (encoding or '').lower().replace('-', '').replace('_', '') in (
        'utf8',
    )


def write_exact(stream, text):
    """Write machine output exactly (see the module docstring)."""
    buffer = getattr(stream, 'buffer', None)
    encoding = getattr(stream, 'encoding', None)
    try:
        if buffer is not None and _SURROGATE.search(text):
            if not _utf8(encoding):
                raise UnicodeEncodeError(
                    encoding or '?', text, 0, len(text), 'lone surrogate'
                )
            stream.flush()
            buffer.write(text.encode('utf-8', 'surrogatepass'))
            buffer.flush()
        else:
            stream.write(text)
    except UnicodeEncodeError:
        raise osc_exceptions.CommandError(
            'The output encoding (%s) cannot carry these values exactly: '
            'use a UTF-8 locale, or -f json.'
            % escaping.terminal_text(encoding)
        ) from None


def _human_table_cell(cell):
    if isinstance(cell, _SafeColumn):
        return cell
    if isinstance(cell, columns.FormattableColumn):
        return _Shown(_table_text(cell.human_readable()))
    if isinstance(cell, str):
        return _Shown(_table_text(cell))
    return cell


def _terminal_cell(cell):
    if isinstance(cell, columns.FormattableColumn):
        cell = cell.machine_readable()
    if isinstance(cell, str):
        return escaping.terminal_text(cell)
    if isinstance(cell, (dict, list, tuple)):
        return repr(cell)  # repr escapes every non-printable character
    return cell


class DestinationFormatter:
    """Wraps a cliff formatter; renders cells for where output goes."""

    def __init__(self, name, inner):
        self._name = name
        self._inner = inner

    def _emit(self, method, column_names, data, stdout, parsed_args, rows):
        emit = getattr(self._inner, method)
        if self._name in ('json', 'yaml'):
            return emit(column_names, data, stdout, parsed_args)
        # Shell variable names are made inert by the shell formatter and
        # must not depend on the destination.
        names = (
            column_names
            if self._name == 'shell'
            else [escaping.terminal_text(c) for c in column_names]
        )
        if self._name == 'table':
            convert = _human_table_cell
        elif is_terminal(stdout):
            convert = _terminal_cell
        else:
            # Exact: render completely, then write at once, so a value the
            # output cannot carry fails before anything is printed.
            buffer = io.StringIO()
            emit(column_names, data, buffer, parsed_args)
            return write_exact(stdout, buffer.getvalue())
        if rows:
            data = ([convert(c) for c in row] for row in data)
        else:
            data = [convert(c) for c in data]
        return emit(names, data, stdout, parsed_args)

    def emit_list(self, column_names, data, stdout, parsed_args):
        self._emit('emit_list', column_names, data, stdout, parsed_args, True)

    def emit_one(self, column_names, data, stdout, parsed_args):
        self._emit('emit_one', column_names, data, stdout, parsed_args, False)

    def __getattr__(self, name):
        return getattr(self._inner, name)


_SAFE_FORMATTERS = {
    'csv': SafeCSVFormatter,
    'shell': SafeShellFormatter,
    'value': SafeValueFormatter,
}


def use_safe_formatter(command, parsed_args):
    """Replace the command's formatter with a destination-aware one.

    cliff picks ``command.formatter`` before running the command and uses it
    after, so a command (or an after-hook) may replace it in between.
    """
    name = _cli_internals.formatter_name(parsed_args)
    inner = _SAFE_FORMATTERS.get(name)
    inner = (
        inner() if inner is not None else _cli_internals.formatter(command)
    )
    _cli_internals.set_formatter(command, DestinationFormatter(name, inner))
