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

"""``openstack server vtpm show|list|flavors``.
"""

import collections
import types

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import plumbing
from osc_image_props.sdk import exceptions as own_exceptions
from osc_image_props.sdk import vtpm as vtpm_rules


#: The fields of ``server vtpm show``, which are also its ``-f json`` keys.
SHOW_FIELDS = (
    'vtpm', 'version', 'version_source', 'model', 'model_source',
    'secret_security', 'secret_security_source',
    'live_migratable', 'live_migratable_reason',
    'restarts_after_host_reboot', 'restarts_after_host_reboot_reason',
    'refused_operations', 'warnings',
)
_LISTS = ('refused_operations', 'warnings')

LIST_FIELDS = (
    ('ID', 'server_id'),
    ('Name', 'name'),
    ('Secret Security', 'secret_security'),
    ('Source', 'secret_security_source'),
    ('Live Migratable', 'live_migratable'),
    ('Restarts After Host Reboot', 'restarts_after_host_reboot'),
)


def _cell(view, field):
    value = getattr(view, field)
    if field in _LISTS:
        return plumbing.SafeListColumn(value)
    return plumbing.SafeText(value)


class ShowServerVtpm(plumbing.Bounded, command.ShowOne):
    """Show a server's vTPM, its secret security mode and what Nova allows.

    Reads the server's flavor extra specs and the image properties Nova
    keeps for it (compute API microversion 2.98 or later) and says whether
    it has a vTPM, its version, model and TPM secret security mode
    (flavor extra spec hw:tpm_secret_security, Nova 2026.1 and later), where
    each comes from, whether Nova can live-migrate it, whether Nova can
    start it again after a host reboot without its owner (by itself only
    where the operator set [DEFAULT]resume_guests_state_on_host_boot; the
    reason says what holds either way), and which operations Nova refuses
    for it. One compute request for a server ID.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        plumbing.add_server_argument(parser, 'show')
        return parser

    def take_action(self, parsed_args):
        conn = plumbing.connection(self, parsed_args)
        with plumbing.cloud_calls(conn, parsed_args.server):
            view = sdk.get_vtpm(conn, parsed_args.server)
        return SHOW_FIELDS, [_cell(view, f) for f in SHOW_FIELDS]


class ListServerVtpm(plumbing.Bounded, plumbing.AfterOutput,
                     command.Lister):
    """List the servers with a vTPM: mode, source and what Nova allows.

    One row per server with a vTPM, from one paged server list (compute API
    microversion 2.98 or later): its TPM secret security mode and where it
    comes from, whether Nova can live-migrate it and whether Nova can start
    it again after a host reboot without its owner. Before host
    maintenance, this says which vTPM servers can move.
    One line per mode on stderr counts the servers listed; servers whose
    vTPM cannot be told, servers a filter cannot be applied to (their mode
    cannot be told) and servers in a cell the compute API cannot reach are
    counted in a line each.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        plumbing.add_arguments(parser, properties=False)
        parser.add_argument(
            '--secret-security',
            metavar='<mode>',
            choices=vtpm_rules.MODES,
            help='Only servers in this secret security mode (%s)'
            % ', '.join(vtpm_rules.MODES),
        )
        movable = parser.add_mutually_exclusive_group()
        movable.add_argument(
            '--live-migratable',
            dest='live_migratable',
            action='store_const',
            const=True,
            default=None,
            help='Only servers Nova would live-migrate',
        )
        movable.add_argument(
            '--not-live-migratable',
            dest='live_migratable',
            action='store_const',
            const=False,
            help='Only servers Nova would not live-migrate',
        )
        return parser

    def take_action(self, parsed_args):
        # A cloud that is too old fails here.
        conn, self._listing = plumbing.fleet_view(
            self, parsed_args, sdk.list_vtpm,
            secret_security=parsed_args.secret_security,
            live_migratable=parsed_args.live_migratable,
            told_only=True,
        )
        return (plumbing.column_names(LIST_FIELDS),
                self._rows(conn, self._listing))

    def _rows(self, conn, views):
        # A generator: rows are written page by page, and the errors of
        # later pages still end as one line.
        with plumbing.cloud_calls(conn):
            for view in views:
                self._modes[view.secret_security] += 1
                yield plumbing.declared_row(view, LIST_FIELDS)

    def before_run(self):
        super().before_run()
        self._modes = collections.Counter()
        self._listing = None

    def after_output(self, parsed_args):
        if not self._modes:
            plumbing.note(self.app, 'No server with a vTPM is listed.')
        known = [m for m in vtpm_rules.MODES if self._modes[m]]
        others = sorted(
            (m for m in self._modes if m not in vtpm_rules.MODES),
            key=lambda m: (m is None, m or ''),
        )
        for mode in known + others:
            shown = (
                'an unknown mode (flavor extra specs hidden)'
                if mode is None else 'mode %s' % plumbing.quoted(mode)
            )
            plumbing.note(self.app, '%s in secret security %s.' % (
                plumbing.plural(
                    self._modes[mode], '%d vTPM server', '%d vTPM servers'),
                shown,
            ))
        listing = self._listing
        plumbing.count(
            self.app, listing.unknown,
            '%%d server whose vTPM cannot be told (%s, or flavor extra '
            'specs hidden from you) is not listed.'
            % own_exceptions.VOLUME_BOOTED,
            '%%d servers whose vTPM cannot be told (%s, or flavor extra '
            'specs hidden from you) are not listed.'
            % own_exceptions.VOLUME_BOOTED)
        plumbing.count(
            self.app, listing.untold,
            '%d vTPM server whose secret security mode cannot be told '
            '(flavor extra specs hidden from you) is not listed: it may '
            'match the filter.',
            '%d vTPM servers whose secret security mode cannot be told '
            '(flavor extra specs hidden from you) are not listed: they may '
            'match the filter.')
        plumbing.unreachable(
            self.app, listing.unreachable, 'its vTPM is unknown.',
            'their vTPM is unknown.')
        return super().after_output(parsed_args)


# Attributes of a VtpmFlavor, or of its VtpmView where it has none.
FLAVOR_FIELDS = (
    ('Name', 'name'),
    ('ID', 'flavor_id'),
    ('Secret Security', 'secret_security'),
    ('Resize Accepted', 'resize_accepted'),
    ('Live Migratable', 'live_migratable'),
    ('Restarts After Host Reboot', 'restarts_after_host_reboot'),
    ('Changes', 'changes'),
    ('Resize Reason', 'resize_reason'),
)
FLAVOR_LONG_FIELDS = FLAVOR_FIELDS + (
    ('Live Migratable Reason', 'live_migratable_reason'),
    ('Restarts After Host Reboot Reason',
     'restarts_after_host_reboot_reason'),
    ('Warnings', 'warnings'),
)
_FLAVOR_LISTS = {
    'changes': plumbing.SafeListColumn,
    'warnings': plumbing.SafeListColumn,
}


def _flavor_row(flavor):
    """The attributes of :data:`FLAVOR_LONG_FIELDS` of one flavor."""
    view = flavor.view
    values = {
        name: getattr(flavor, name) if hasattr(flavor, name)
        else getattr(view, name)
        for _, name in FLAVOR_LONG_FIELDS
    }
    values['changes'] = tuple(change_text(c) for c in flavor.changes)
    return types.SimpleNamespace(**values)


def change_text(change):
    """``what: now -> then`` (``-`` for an unknown value)."""
    def shown(value):
        return '-' if value is None else str(value)
    return '%s: %s -> %s' % (change.what, shown(change.now),
                             shown(change.then))


class ListServerVtpmFlavors(plumbing.Bounded, command.Lister):
    """List the vTPM flavors a server can be resized to, and what each gives.

    For each flavor you can see under which the server would have a vTPM
    (the flavor asks for one, or the server's image does): the TPM secret
    security mode it gives, whether Nova accepts a resize from the
    server's present mode to it (Nova refuses a resize between mode
    deployment and another mode, to a mode it does not know, to the same
    flavor and to a smaller root disk), whether Nova would then
    live-migrate the server and start it after a host reboot, and what
    changes (TPM version and model, vCPUs, RAM in MiB, root disk in GiB).
    What cannot be told (flavor extra specs hidden by policy) is left
    empty, never guessed. The server read of "server vtpm show" and one
    flavor list.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        plumbing.add_server_argument(parser, 'resize')
        parser.add_argument(
            '--long',
            action='store_true',
            help='Also list the reasons and the warnings of each flavor',
        )
        return parser

    def take_action(self, parsed_args):
        conn = plumbing.connection(self, parsed_args)
        with plumbing.cloud_calls(conn, parsed_args.server):
            result = sdk.list_vtpm_flavors(conn, parsed_args.server)
        self._notes(result)
        fields = FLAVOR_LONG_FIELDS if parsed_args.long else FLAVOR_FIELDS
        return plumbing.column_names(fields), [
            plumbing.declared_row(_flavor_row(flavor), fields, _FLAVOR_LISTS)
            for flavor in result.flavors
        ]

    def _notes(self, result):
        view = result.view
        if view.vtpm is None:
            plumbing.note(self.app, 'Whether server %s has a vTPM now cannot '
                        'be told.' % view.server_id)
        elif not view.vtpm:
            plumbing.note(self.app, 'Server %s has no vTPM now: the flavors '
                        'listed would give it one.' % view.server_id)
        else:
            plumbing.note(self.app, 'Server %s is in secret security mode %s '
                        'now.' % (view.server_id, plumbing.quoted(
                            view.secret_security or 'unknown')))
        for warning in result.warnings:
            plumbing.note(self.app, warning)
        if not result.flavors:
            plumbing.note(self.app, 'No flavor you can see gives this server '
                        'a vTPM.')
