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

"""``--image-properties`` on ``openstack server list`` and ``server show``.

These are cliff command hooks (entry-point groups ``openstack.cli.server_list``
and ``openstack.cli.server_show``), so OSC's own commands run unchanged. With
the option absent a hook does nothing at all; with it, the hook lets the
command's own server requests negotiate microversion 2.98 or later, captures
the server bodies they return (see :mod:`capture`) and adds one column or
field.

Should OSC itself ever define one of these options on the command, the hook
steps aside for that command (with a warning, once per process) and the
command works as it would without the plugin.
"""

import argparse
import logging

from cliff import hooks
from osc_lib import exceptions as osc_exceptions

from osc_image_props import sdk
from osc_image_props.osc import _cli_internals
from osc_image_props.osc import capture
from osc_image_props.osc import plumbing
from osc_image_props.osc import options
from osc_image_props.sdk import exceptions as own_exceptions

LIST_COLUMN = 'Image Properties'
SHOW_FIELD = 'image_properties'

LOG = logging.getLogger(__name__)
# The commands whose own options this process has warned about.
_WARNED = set()


class _ImagePropertiesHook(hooks.CommandHook):
    _help = None
    #: The options the hook adds to the command.
    _options = (options.PROPERTIES,)

    def __init__(self, command):
        super().__init__(command)
        self._capture = None
        self._columns = {}
        # True when the command defines one of our options itself.
        self._aside = False
        # cliff asks the hooks for their options before the command adds
        # its own, so a stock option of the same name would make the
        # command's own add_argument() fail. Ours are added after the
        # command's instead, where a clash can be seen and avoided.
        get_parser = command.get_parser

        def get_parser_then_add_options(prog_name):
            parser = get_parser(prog_name)
            self._add_options(parser)
            return parser

        _cli_internals.replace_get_parser(command, get_parser_then_add_options)
        # cliff runs after-hooks only when the command succeeds, and an
        # interactive ``openstack`` runs several commands in one process:
        # undo the capture when run() ends, however it ends.
        run = command.run

        def run_then_stop_capture(parsed_args):
            try:
                if self._active(parsed_args):
                    # The command's own requests now carry untrusted
                    # bodies of 2.98 (a failing page quotes its body):
                    # their errors end as one line too. The command is
                    # bounded as the plugin's own are (plumbing.COMMAND_ENV
                    # only: no option of ours on a stock command).
                    conn = command.app.client_manager.sdk_connection
                    with plumbing.command_errors_kept(), \
                            plumbing.whole_command(
                                conn, plumbing.command_seconds()):
                        return run(parsed_args)
                return run(parsed_args)
            finally:
                self._stop_capture()

        _cli_internals.replace_run(command, run_then_stop_capture)

    def _stop_capture(self):
        if self._capture is not None:
            self._capture.stop()

    def get_parser(self, parser):
        # Called before the command's own options: see __init__.
        return parser

    def _add_options(self, parser):
        clash = options.taken(parser, self._options)
        if not clash:
            try:
                self._add_arguments(parser)
                return
            except argparse.ArgumentError as error:
                # A parser that refuses our option in a way not foreseen.
                clash = [error.argument_name or ' '.join(self._options)]
        self._step_aside(clash)

    def _step_aside(self, clash):
        self._aside = True
        name = self.cmd.cmd_name or type(self.cmd).__name__
        if name in _WARNED:
            return
        _WARNED.add(name)
        LOG.warning(
            "'openstack %s' has a %s option of its own: osc-image-props "
            "leaves the command as it is ('openstack server image "
            "properties show' still shows a server's image properties).",
            name, ' and '.join(clash),
        )

    def _add_arguments(self, parser):
        parser.add_argument(
            options.PROPERTIES,
            metavar='<key>[,<key>...]',
            nargs='?',
            const='',
            default=None,
            help=self._help,
        )

    def get_epilog(self):
        return ''

    def _active(self, parsed_args):
        return not self._aside and self._asked(parsed_args)

    def _asked(self, parsed_args):
        return parsed_args.image_properties is not None

    def _refuse(self, parsed_args):
        """Refuse a bad combination of options before any request."""

    def before(self, parsed_args):
        if not self._active(parsed_args):
            return parsed_args
        self._refuse(parsed_args)
        self._wanted = options.wanted_keys(parsed_args.image_properties or '')
        compute = self.cmd.app.client_manager.sdk_connection.compute
        with plumbing.command_errors():
            self._capture = capture.ServerCapture(compute).start()
        return parsed_args

    def after(self, parsed_args, return_code):
        if self._capture is None:
            return return_code
        self._stop_capture()
        # cliff picks the formatter after before() runs; swap it here.
        plumbing.use_safe_formatter(self.cmd, parsed_args)
        column_names, data = return_code
        self._columns = {}
        try:
            with plumbing.command_errors():
                return self._add_properties(
                    tuple(column_names), data, parsed_args
                )
        finally:
            # cliff formats the rows after this returns: by then only the
            # rows should hold properties, not the capture or the cache.
            self._capture.release()
            self._capture = None
            self._columns = {}

    def _properties(self, server_id):
        """The server's properties, or None and False when unknown."""
        try:
            return self._capture.image_properties(server_id), True
        except sdk.ImagePropertiesUnreachable:
            return None, False

    def _properties_column(self, properties, known):
        if not known:
            return plumbing.UnknownProperties()
        # The capture gives servers with equal properties one dict: give
        # their rows one column object too. The cache holds the dict, so
        # its id() stays unique while the cache lives.
        cached = self._columns.get(id(properties))
        if cached is not None:
            return cached[1]
        shown = properties
        if properties is not None and self._wanted:
            shown = {k: v for k, v in properties.items() if k in self._wanted}
        column = plumbing.SafeDictColumn(shown)
        self._columns[id(properties)] = (properties, column)
        return column


class ServerListHook(_ImagePropertiesHook):
    _options = (options.PROPERTIES, options.MATCH)
    _help = (
        "Add an 'Image Properties' column: the image properties Nova keeps "
        'for each server (compute API microversion 2.98 or later), limited '
        'to the given keys if any (write \\, for a comma inside a key). '
        'Makes the same requests as without it.'
    )

    def _add_arguments(self, parser):
        super()._add_arguments(parser)
        parser.add_argument(
            options.MATCH,
            metavar='<key>[=<value>]',
            action='append',
            default=[],
            dest='image_property_match',
            help=(
                'List only servers whose embedded image properties have '
                'this key with this value, or this key at all without '
                '=<value> (repeat option to require several; write \\= for '
                'an equals sign inside the key). Nova cannot filter on '
                'these, so this pages through every server the list would '
                'show and filters on the client (compute API microversion '
                '2.98 or later); it makes the same requests as without it.'
            ),
        )

    def _asked(self, parsed_args):
        return super()._asked(parsed_args) or bool(
            parsed_args.image_property_match
        )

    def _refuse(self, parsed_args):
        # A malformed condition.
        self._match = options.parse_match(parsed_args.image_property_match)

    def _add_properties(self, column_names, rows, parsed_args):
        try:
            id_index = column_names.index('ID')
        except ValueError:
            raise osc_exceptions.CommandError(
                "--image-properties needs the server list's ID column."
            ) from None
        with_column = parsed_args.image_properties is not None
        # Build every row now: a server without the field must fail the
        # command before any row is printed.
        kept = []
        unknown = 0
        for row in rows:
            properties, known = self._properties(row[id_index])
            if not known:
                unknown += 1
                if self._match:
                    continue
            elif not sdk.matches(properties, self._match):
                continue
            row = tuple(row)
            if with_column:
                row += (self._properties_column(properties, known),)
            kept.append(row)
        if unknown:
            self._note_unknown(unknown)
        if with_column:
            column_names += (LIST_COLUMN,)
        return column_names, kept

    def _note_unknown(self, count):
        if self._match:
            plumbing.unreachable(
                self.cmd.app, count,
                '--image-property cannot tell whether it matches, so it is '
                'left out.',
                '--image-property cannot tell whether they match, so they '
                'are left out.',
            )
        else:
            plumbing.unreachable(
                self.cmd.app, count,
                'its image properties are shown as unknown.',
                'their image properties are shown as unknown.',
            )


class ServerShowHook(_ImagePropertiesHook):
    _help = (
        "Add an 'image_properties' field: the image properties Nova keeps "
        'for the server (compute API microversion 2.98 or later), limited '
        'to the given keys if any (write \\, for a comma inside a key). Put '
        'it after <server>, or write --image-properties=<key>,... : a bare '
        'value before <server> is taken as the key list. Makes the same '
        'requests as without it.'
    )

    def _refuse(self, parsed_args):
        if getattr(parsed_args, 'diagnostics', False):
            raise osc_exceptions.CommandError(
                '--image-properties cannot be combined with --diagnostics.'
            )

    def _add_properties(self, column_names, values, parsed_args):
        fields = dict(zip(column_names, values))
        if 'id' not in fields:
            raise osc_exceptions.CommandError(
                "--image-properties needs the server's id field."
            )
        properties, known = self._properties(fields['id'])
        if not known:
            plumbing.note(
                self.cmd.app,
                'Server %s is %s: its image properties are shown as '
                'unknown.' % (fields['id'], own_exceptions.CELL_DOWN),
            )
        fields[SHOW_FIELD] = self._properties_column(properties, known)
        names = tuple(sorted(fields))
        return names, tuple(fields[n] for n in names)
