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

"""What the plugin's commands share around their own logic: the
server argument and the fleet filters, the block that talks to the cloud
(one-line errors, the per-read timeout and the bound on the whole
command), the notes on stderr, the safe output formatters and the exit
statuses of ``--exit-code``.

Errors
------

cliff prints ``str(exception)`` for a failing command and exits 1; SDK and
keystoneauth messages may span lines or quote response bodies, which are
untrusted. Everything our commands raise goes through here.

Timeouts
--------

keystoneauth waits forever for an answer unless a timeout is configured
(``api_timeout`` in clouds.yaml, or ``OS_API_TIMEOUT``). A silent compute or
image API must not hang ``server image properties show`` or ``diff``, so
when the user configured none, their requests use :data:`DEFAULT_SECONDS`
(per connection attempt and per read, as ``requests`` counts it).

A cloud that sends one byte at a time restarts that timeout with every
byte: every command of the plugin (and ``server list``/``server show``
with its options) also has a bound on the whole command,
:data:`COMMAND_DEFAULT_SECONDS` unless ``--command-timeout`` or
:data:`COMMAND_ENV` says otherwise (:func:`osc_image_props.sdk.deadline`).

Output
------

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

Exit statuses
-------------

0 must keep saying "no drift": a server that could not be compared (its
image deleted or not visible, its cell down) has a status of its own, and
1 stays "error", as for every command.

Fleet filters
-------------

Nova applies every one of them (``GET /servers/detail`` query
parameters); only ``--limit`` is also honoured on the client: at most that
many servers are looked at, ``-1`` for all. These options are declared here
rather than taken from python-openstackclient's shared pagination options
(``openstackclient.common.pagination``) because that set changed meaning
within the releases this plugin supports: up to 10.0 ``--limit`` is how many
entries to return, from 10.1 on it is the page size and ``--max-items`` the
total. A script's ``--limit`` must mean the same whichever client is
installed, and a page size is no bound on what a fleet view reads.
"""

import contextlib
import io
import math
import os
import re
import shlex

from cliff import columns
from cliff.formatters import commaseparated
from cliff.formatters import shell
from cliff.formatters import value as value_formatter
from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions
from osc_lib import exceptions as osc_exceptions
from osc_lib import utils as osc_utils

from osc_image_props import escaping
from osc_image_props import sdk
from osc_image_props.osc import _cli_internals
from osc_image_props.sdk import exceptions as own_exceptions


@contextlib.contextmanager
def cloud_calls(conn, server=None):
    """One-line errors and the default request timeout for a block.

    :param server: the server as the user named it, if the command takes
        one: an empty one is refused before any request, and it is named
        in "not found" and "ambiguous" messages.
    """
    if server is not None:
        require_server(server)
    with command_errors(server), default_timeout(conn):
        yield


def note_volume_booted(app, server_id):
    note(
        app,
        'Server %s was %s: it has no image properties.'
        % (server_id, own_exceptions.VOLUME_BOOTED),
    )


def add_server_argument(parser, verb):
    """The ``<server>`` of a command about one server: "Server to
    ``verb`` (name or ID)"."""
    parser.add_argument(
        'server',
        metavar='<server>',
        help='Server to %s (name or ID)' % verb,
    )


def connection(command, parsed_args):
    """The command's SDK connection, once its output is made safe
    (:func:`use_safe_formatter`)."""
    use_safe_formatter(command, parsed_args)
    return command.app.client_manager.sdk_connection


def fleet_view(command, parsed_args, view, *args, **kwargs):
    """``(conn, view(conn, *args, **kwargs))`` with the fleet filters and
    ``max_servers`` of the parsed options (:func:`add_arguments`), in the
    command's cloud calls."""
    conn = connection(command, parsed_args)
    with cloud_calls(conn):
        query = fleet_filters(conn, parsed_args)
        return conn, view(
            conn, *args, max_servers=max_servers(parsed_args),
            **kwargs, **query
        )


class Bounded:
    """A command mixin: ``--command-timeout``, a bound on the whole
    command's waiting for the cloud (see "Timeouts" above), its output
    included (fleet commands read pages while they write)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_command_timeout(parser)
        return parser

    def run(self, parsed_args):
        seconds = command_seconds(parsed_args)
        conn = self.app.client_manager.sdk_connection
        with whole_command(conn, seconds):
            return super().run(parsed_args)


class AfterOutput:
    """A command mixin for work once the output is written.

    :meth:`before_run` runs before the command, :meth:`after_output` only
    when it succeeded, and gives the exit status: notes on stderr, a
    status other than 0.
    """

    def before_run(self):
        """Reset what the run counts."""

    def after_output(self, parsed_args):
        """The exit status of a command that succeeded."""
        return 0

    def run(self, parsed_args):
        self.before_run()
        status = super().run(parsed_args)
        if status != 0:
            return status
        return self.after_output(parsed_args)


def note(app, message):
    """Write a one-line note for the user on the command's stderr."""
    app.stderr.write(escaping.one_line(message) + '\n')


def require_server(server):
    """Refuse an empty server name or ID before any request is made."""
    if not server.strip():
        raise osc_exceptions.CommandError(
            'The server name or ID must not be empty.'
        )


@contextlib.contextmanager
def command_errors(server=None):
    """Turn SDK and keystoneauth failures into one-line CommandErrors.

    :param server: the server as the user named it, for "not found" and
        "ambiguous" messages.
    """
    try:
        yield
    except own_exceptions.ImagePropertiesTimeout as exc:
        raise expired(exc) from exc
    except sdk_exceptions.DuplicateResource as exc:
        raise osc_exceptions.CommandError(
            escaping.one_line(
                'More than one server is named %r; use its ID.' % server
            )
        ) from exc
    except sdk_exceptions.NotFoundException as exc:
        raise osc_exceptions.CommandError(
            escaping.one_line(
                'No server with a name or ID of %r exists.' % server
            )
        ) from exc
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        raise osc_exceptions.CommandError(escaping.one_line(exc)) from exc


@contextlib.contextmanager
def command_errors_kept():
    """As :func:`command_errors`, keeping each message's own words.

    For the stock commands the plugin's options ride on: their "not
    found" and "ambiguous" messages stay theirs, on one line.
    """
    try:
        yield
    except own_exceptions.ImagePropertiesTimeout as exc:
        raise expired(exc) from exc
    except (
        sdk_exceptions.SDKException,
        ksa_exceptions.ClientException,
    ) as exc:
        raise osc_exceptions.CommandError(escaping.one_line(exc)) from exc


def plural(count, one, many):
    """``one % count`` or ``many % count``."""
    return (one if count == 1 else many) % count


def count(app, number, one, many):
    """Note ``plural(number, one, many)``; nothing when ``number`` is 0."""
    if number:
        note(app, plural(number, one, many))


def volume_booted(app, number, verb):
    """Count the servers booted from a volume, whose properties a fleet
    command cannot ``verb`` (``compare``, ``count``)."""
    count(
        app, number,
        '%%d server was %s: no image properties to %s.'
        % (own_exceptions.VOLUME_BOOTED, verb),
        '%%d servers were %s: no image properties to %s.'
        % (own_exceptions.VOLUME_BOOTED, verb),
    )


def unreachable(app, number, one, many=None):
    """Count the servers in a cell the compute API cannot reach.

    :param one: what that means for one server (``not compared.``).
    :param many: the same for several; by default ``one``.
    """
    count(
        app, number,
        '%%d server is %s: ' % own_exceptions.CELL_DOWN + one,
        '%%d servers are %s: ' % own_exceptions.CELL_DOWN
        + (one if many is None else many),
    )


#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_SECONDS = 60.0

#: Seconds a whole command may wait for the cloud; 0 for no bound.
COMMAND_DEFAULT_SECONDS = 300.0
COMMAND_OPTION = '--command-timeout'
# Not OS_...: openstacksdk reads every OS_ variable into the cloud's
# configuration, and takes any key ending in "timeout" as api_timeout.
COMMAND_ENV = 'OSC_IMAGE_PROPS_COMMAND_TIMEOUT'


def _seconds(text, where):
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        raise osc_exceptions.CommandError(escaping.one_line(
            '%s takes a number of seconds (0: no bound), not %r'
            % (where, text)))
    return seconds


def add_command_timeout(parser):
    """Add ``--command-timeout`` to a command's parser."""
    parser.add_argument(
        COMMAND_OPTION,
        metavar='<seconds>',
        default=None,
        help=(
            'Fail with exit status 1 once the command has waited this long '
            'for the cloud in all, however slowly the cloud answers '
            '(default: $%s, else %g; 0: no bound). The per-request '
            'timeout (api_timeout, OS_API_TIMEOUT, default %g) still '
            'applies to each read' % (
                COMMAND_ENV, COMMAND_DEFAULT_SECONDS, DEFAULT_SECONDS)
        ),
    )


def command_seconds(parsed_args=None):
    """The bound of a command: its option, else the environment, else
    :data:`COMMAND_DEFAULT_SECONDS`."""
    given = getattr(parsed_args, 'command_timeout', None)
    if given is not None:
        return _seconds(given, COMMAND_OPTION)
    if os.environ.get(COMMAND_ENV, '').strip():
        return _seconds(os.environ[COMMAND_ENV], COMMAND_ENV)
    return COMMAND_DEFAULT_SECONDS


def expired(exc):
    """The one-line CommandError of an ImagePropertiesTimeout."""
    return osc_exceptions.CommandError(escaping.one_line(
        '%s %s or %s sets the bound (0: none).'
        % (exc, COMMAND_OPTION, COMMAND_ENV)))


@contextlib.contextmanager
def whole_command(conn, seconds):
    """Bound the block's calls on ``conn`` to ``seconds`` in all."""
    try:
        with sdk.deadline(conn, seconds):
            yield
    except sdk.ImagePropertiesTimeout as exc:
        raise expired(exc) from exc


@contextlib.contextmanager
def default_timeout(conn):
    """Apply :data:`DEFAULT_SECONDS` to ``conn``'s session for a block."""
    session = conn.session
    configured = conn.config.config.get('api_timeout')
    if (
        configured is not None
        or _cli_internals.session_timeout(session) is not None
    ):
        yield
        return
    _cli_internals.set_session_timeout(session, DEFAULT_SECONDS)
    try:
        yield
    finally:
        _cli_internals.set_session_timeout(session, None)


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


def column_names(fields):
    """The column names of ``(column, attribute)`` pairs."""
    return tuple(column for column, _ in fields)


def declared_row(item, fields, formatters=None):
    """The row of ``item`` for ``fields``: ``(column, attribute)`` pairs
    that a command declares once, read by osc_lib's
    ``get_item_properties`` as OSC's own commands are. Every value is a
    :class:`SafeText` unless ``formatters`` maps its attribute to another
    safe column class.
    """
    names = [name for _, name in fields]
    wanted = dict.fromkeys(names, SafeText)
    wanted.update(formatters or {})
    return osc_utils.get_item_properties(
        item, names, mixed_case_fields=names, formatters=wanted)


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


NO_DRIFT = 0
ERROR = 1
DRIFT = 3
NOT_COMPARED = 4

#: (status, meaning), in the order a reader checks them: the table of the
#: commands' help and of the documentation (doc/source/cli.rst).
TABLE = (
    (NO_DRIFT, 'no drift: every server with an image was compared and '
               'none differs (a server booted from a volume has nothing '
               'to compare)'),
    (DRIFT, 'drift: at least one compared server differs from its image'),
    (NOT_COMPARED, 'not compared: no drift found, but at least one server '
                   'could not be compared (its image is deleted or not '
                   'visible to you, or its cell cannot be reached)'),
    (ERROR, 'error: the command failed (unknown server, a cloud older '
            'than 2.98, a failed request)'),
)


def help_text():
    """The table in one paragraph, for ``--exit-code``'s help."""
    return 'Exit status: ' + '; '.join(
        '%d %s' % row for row in TABLE) + '.'


def status(has_drift, not_compared):
    """The status of a command that succeeded, with ``--exit-code``."""
    if has_drift:
        return DRIFT
    if not_compared:
        return NOT_COMPARED
    return NO_DRIFT


#: ``--limit`` value that means every server, as in ``server list``.
NO_LIMIT = -1


def add_property_option(parser, help):
    """``--property KEY``, repeatable, into ``parsed_args.properties``."""
    parser.add_argument(
        '--property',
        metavar='<key>',
        action='append',
        dest='properties',
        default=[],
        help=help,
    )


def add_arguments(parser, properties=True):
    """Add the filters to a command's parser.

    :param properties: add ``--property`` too.
    """
    if properties:
        add_property_option(
            parser, 'Only this property (repeat option for several)')
    parser.add_argument(
        '--all-projects',
        action='store_true',
        help='Include servers of all projects (admin only by default)',
    )
    parser.add_argument(
        '--project',
        metavar='<project>',
        help='Only servers of this project (name or ID; admin only)',
    )
    parser.add_argument(
        '--name',
        metavar='<name-regex>',
        help='Only servers whose name matches this regular expression',
    )
    parser.add_argument(
        '--status',
        metavar='<status>',
        help='Only servers with this status (ACTIVE, SHUTOFF, ERROR, ...)',
    )
    parser.add_argument(
        '--image',
        metavar='<image>',
        help='Only servers booted from this image (name or ID)',
    )
    parser.add_argument(
        '--host',
        metavar='<hostname>',
        help='Only servers on this compute host (admin only by default)',
    )
    parser.add_argument(
        '--marker',
        metavar='<server-id>',
        help='Start after this server (its ID), as server list does',
    )
    parser.add_argument(
        '--limit',
        metavar='<num-servers>',
        type=int,
        default=None,
        help=(
            'Look at no more than this many servers (-1: all of them, the '
            'default)'
        ),
    )


def _project_id(conn, project):
    # A member may not look projects up (403): the value is then taken as
    # an ID, which Nova checks.
    try:
        found = conn.identity.find_project(project, ignore_missing=True)
    except sdk_exceptions.ForbiddenException:
        return project
    return found.id if found is not None else project


def _image_id(conn, image):
    # A deleted image still names the servers booted from it, by its ID.
    found = conn.image.find_image(image, ignore_missing=True)
    return found.id if found is not None else image


def fleet_filters(conn, parsed_args):
    """The ``fleet_drift``/``summarize`` filters of the parsed options.

    Names of projects and images are resolved here (requests made only
    when the option is given).
    """
    limit = parsed_args.limit
    if limit is not None and limit != NO_LIMIT and limit < 1:
        raise osc_exceptions.CommandError(
            '--limit must be a positive number, or -1 for every server.'
        )
    result = {}
    if parsed_args.all_projects:
        result['all_projects'] = True
    for option, name in (('name', 'name'), ('status', 'status'),
                         ('host', 'compute_host'), ('marker', 'marker')):
        value = getattr(parsed_args, option)
        if value is not None:
            result[name] = value
    if limit not in (None, NO_LIMIT):
        result['limit'] = limit
    with command_errors():
        if parsed_args.project is not None:
            result['project_id'] = _project_id(conn, parsed_args.project)
            # Nova applies a project filter only across projects.
            result['all_projects'] = True
        if parsed_args.image is not None:
            result['image'] = _image_id(conn, parsed_args.image)
    return result


def keys(parsed_args):
    """The ``--property`` names, or None for every property."""
    return set(parsed_args.properties) or None


def max_servers(parsed_args):
    """How many servers to look at at most; None for all."""
    if parsed_args.limit in (None, NO_LIMIT):
        return None
    return parsed_args.limit
