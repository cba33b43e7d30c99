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

"""``openstack server vtpm show`` and ``openstack server vtpm list``."""

import collections

from osc_lib.command import command

from osc_image_props import sdk
from osc_image_props.osc import calls
from osc_image_props.osc import commands
from osc_image_props.osc import errors
from osc_image_props.osc import fleet_query
from osc_image_props.osc import notes
from osc_image_props.osc import output
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

LIST_COLUMNS = (
    'ID', 'Name', 'Secret Security', 'Source', 'Live Migratable',
    'Restarts After Host Reboot',
)


def _cell(view, field):
    value = getattr(view, field)
    if field in _LISTS:
        return output.SafeListColumn(value)
    return output.SafeText(value)


class ShowServerVtpm(commands.Bounded, command.ShowOne):
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
        commands.add_server_argument(parser, 'show')
        return parser

    def take_action(self, parsed_args):
        conn = commands.connection(self, parsed_args)
        with calls.cloud_calls(conn, parsed_args.server):
            view = sdk.get_vtpm(conn, parsed_args.server)
        return SHOW_FIELDS, [_cell(view, f) for f in SHOW_FIELDS]


class ListServerVtpm(commands.Bounded, commands.AfterOutput,
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
        fleet_query.add_arguments(parser, properties=False)
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
        # Unfiltered, so that servers whose vTPM cannot be told are
        # counted; a cloud that is too old fails here.
        conn, views = commands.fleet_view(self, parsed_args, sdk.list_vtpm)
        return LIST_COLUMNS, self._rows(conn, views, parsed_args)

    def _rows(self, conn, views, parsed_args):
        # A generator: rows are written page by page, and the errors of
        # later pages still end as one line.
        with calls.cloud_calls(conn):
            for view in views:
                if view.unreachable:
                    self._unreachable += 1
                    continue
                if view.vtpm is None:
                    self._unknown += 1
                    continue
                if vtpm_rules.vtpm_untold(
                    view, parsed_args.secret_security,
                    parsed_args.live_migratable,
                ):
                    self._untold += 1
                    continue
                if not vtpm_rules.vtpm_matches(
                    view, parsed_args.secret_security,
                    parsed_args.live_migratable,
                ):
                    continue
                self._modes[view.secret_security] += 1
                yield (
                    output.SafeText(view.server_id),
                    output.SafeText(view.name),
                    output.SafeText(view.secret_security),
                    output.SafeText(view.secret_security_source),
                    output.SafeText(view.live_migratable),
                    output.SafeText(view.restarts_after_host_reboot),
                )

    def before_run(self):
        super().before_run()
        self._modes = collections.Counter()
        self._unknown = 0
        self._untold = 0
        self._unreachable = 0

    def after_output(self, parsed_args):
        if not self._modes:
            errors.note(self.app, 'No server with a vTPM is listed.')
        known = [m for m in vtpm_rules.MODES if self._modes[m]]
        others = sorted(
            (m for m in self._modes if m not in vtpm_rules.MODES),
            key=lambda m: (m is None, m or ''),
        )
        for mode in known + others:
            shown = (
                'an unknown mode (flavor extra specs hidden)'
                if mode is None else 'mode %s' % output.quoted(mode)
            )
            errors.note(self.app, '%s in secret security %s.' % (
                notes.plural(
                    self._modes[mode], '%d vTPM server', '%d vTPM servers'),
                shown,
            ))
        notes.count(
            self.app, self._unknown,
            '%d server whose vTPM cannot be told (booted from a volume, '
            'or flavor extra specs hidden from you) is not listed.',
            '%d servers whose vTPM cannot be told (booted from a volume, '
            'or flavor extra specs hidden from you) are not listed.')
        notes.count(
            self.app, self._untold,
            '%d vTPM server whose secret security mode cannot be told '
            '(flavor extra specs hidden from you) is not listed: it may '
            'match the filter.',
            '%d vTPM servers whose secret security mode cannot be told '
            '(flavor extra specs hidden from you) are not listed: they may '
            'match the filter.')
        notes.unreachable(
            self.app, self._unreachable, 'its vTPM is unknown.',
            'their vTPM is unknown.')
        return super().after_output(parsed_args)
