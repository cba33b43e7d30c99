"""``--image-properties`` on ``openstack server list`` and ``server show``.

These are cliff command hooks (entry-point groups ``openstack.cli.server_list``
and ``openstack.cli.server_show``), so OSC's own commands run unchanged. With
the option absent a hook does nothing at all; with it, the hook makes the
command's own compute requests at microversion 2.98, captures the server
bodies they return (see :mod:`capture`) and adds one column or field.
"""

from cliff import hooks
from osc_lib import exceptions as osc_exceptions

from osc_image_props.osc import capture
from osc_image_props.osc import errors
from osc_image_props.osc import output

LIST_COLUMN = 'Image Properties'
SHOW_FIELD = 'image_properties'


def _wanted_keys(option_value):
    """Parse ``KEY[,KEY...]``; an empty value means every key."""
    return {k.strip() for k in option_value.split(',') if k.strip()}


class _ImagePropertiesHook(hooks.CommandHook):
    _help = None

    def __init__(self, command):
        super().__init__(command)
        self._capture = None

    def get_parser(self, parser):
        parser.add_argument(
            '--image-properties',
            metavar='<key>[,<key>...]',
            nargs='?',
            const='',
            default=None,
            help=self._help,
        )
        return parser

    def get_epilog(self):
        return ''

    def before(self, parsed_args):
        if parsed_args.image_properties is None:
            return parsed_args
        output.use_safe_formatter(self.cmd, parsed_args)
        compute = self.cmd.app.client_manager.sdk_connection.compute
        with errors.command_errors():
            self._capture = capture.ServerCapture(compute).start()
        return parsed_args

    def after(self, parsed_args, return_code):
        if self._capture is None:
            return return_code
        self._capture.stop()
        # The formatter was chosen after before() ran; make it safe now.
        output.use_safe_formatter(self.cmd, parsed_args)
        wanted = _wanted_keys(parsed_args.image_properties)
        column_names, data = return_code
        with errors.command_errors():
            return self._add_properties(tuple(column_names), data, wanted)

    def _properties_column(self, server_id, wanted):
        properties = self._capture.image_properties(server_id)
        if properties is not None and wanted:
            properties = {
                k: v for k, v in properties.items() if k in wanted
            }
        return output.SafeDictColumn(properties)


class ServerListHook(_ImagePropertiesHook):
    _help = (
        "Add an 'Image Properties' column: the image properties Nova keeps "
        'for each server (compute API microversion 2.98 or later), limited '
        'to the given keys if any. Makes the same requests as without it.'
    )

    def _add_properties(self, column_names, rows, wanted):
        try:
            id_index = column_names.index('ID')
        except ValueError:
            raise osc_exceptions.CommandError(
                "--image-properties needs the server list's ID column."
            ) from None
        # Build every row now: a server without the field must fail the
        # command before any row is printed.
        rows = [
            tuple(row) + (self._properties_column(row[id_index], wanted),)
            for row in rows
        ]
        return column_names + (LIST_COLUMN,), rows


class ServerShowHook(_ImagePropertiesHook):
    _help = (
        "Add an 'image_properties' field: the image properties Nova keeps "
        'for the server (compute API microversion 2.98 or later), limited '
        'to the given keys if any. Put it after <server>, or write '
        '--image-properties=<key>,... : a bare value before <server> is '
        'taken as the key list. Makes the same requests as without it.'
    )

    def before(self, parsed_args):
        if parsed_args.image_properties is not None and getattr(
            parsed_args, 'diagnostics', False
        ):
            raise osc_exceptions.CommandError(
                '--image-properties cannot be combined with --diagnostics.'
            )
        return super().before(parsed_args)

    def _add_properties(self, column_names, values, wanted):
        fields = dict(zip(column_names, values))
        if 'id' not in fields:
            raise osc_exceptions.CommandError(
                "--image-properties needs the server's id field."
            )
        fields[SHOW_FIELD] = self._properties_column(fields['id'], wanted)
        names = tuple(sorted(fields))
        return names, tuple(fields[n] for n in names)
