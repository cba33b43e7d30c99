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

"""What the CLI relies on in cliff, keystoneauth and requests beyond their
documented interfaces, in one place.

The ``--image-properties`` hooks ride on OSC's own commands, and every
command of the plugin picks its formatter by where output goes: that takes
a few attributes and call orders the libraries do not promise. Each is one
function here, and nothing else in the CLI touches them;
tests/unit/test_internals.py checks each against the installed library.
openstacksdk's are in :mod:`osc_image_props.sdk._sdk_internals`
(doc/source/compatibility.rst lists them all).
"""

# cliff


def formatter_name(parsed_args):
    """The name of the output formatter the user chose (``-f``)."""
    # Why: the plugin renders cells for where output goes, per formatter.
    # cliff's DisplayCommandBase stores the choice as ``formatter``.
    return parsed_args.formatter


def formatter(command):
    """The formatter cliff picked for a running display command."""
    # Why: the formatters the plugin does not replace are wrapped. cliff's
    # DisplayCommandBase.run() sets ``command.formatter`` before the
    # command's take_action() and after-hooks run.
    return command.formatter


def set_formatter(command, new):
    """Make a running display command produce its output with ``new``."""
    # Why: values must be escaped for a terminal and exact for a pipe.
    # cliff's produce_output() reads ``command.formatter`` after
    # take_action() and the after-hooks, so either may replace it.
    command.formatter = new


def shell_options(parsed_args):
    """``-f shell``'s ``--variable`` list and ``--prefix``."""
    # Why: the plugin's shell formatter replaces cliff's emit_one() and
    # honours its options, which cliff stores as ``variables`` and
    # ``prefix``.
    return parsed_args.variables, parsed_args.prefix


def column_value(column):
    """The value a cliff ``FormattableColumn`` was made with."""
    # Why: the plugin's columns render their value for people and for
    # programs. cliff keeps it as ``_value`` (its own columns, and OSC's,
    # read it there too).
    return column._value


def replace_get_parser(command, get_parser):
    """Make cliff call ``get_parser(prog_name)`` for ``command``'s parser."""
    # Why: cliff asks a hook for its options before the command adds its
    # own, so an option of the command with the same name as ours would
    # make the command's own add_argument() fail. Ours are added after
    # the command's instead. cliff looks ``get_parser`` up on the command
    # object when it builds the parser, after the hooks are built.
    command.get_parser = get_parser


def option_strings(parser):
    """The option strings an argparse parser (or group) already has."""
    # Why: argparse keeps no public list of them; every parser and
    # argument group shares ``_option_string_actions``.
    return set(getattr(parser, '_option_string_actions', {}))


def replace_run(command, run):
    """Make cliff call ``run(parsed_args)`` to run ``command``."""
    # Why: cliff runs a hook's after() only when the command succeeds,
    # and an interactive ``openstack`` runs several commands in one
    # process: the hook must undo its capture however the command ends.
    # cliff's App looks ``run`` up on the command object it built (and
    # whose hooks it built) only when it runs it.
    command.run = run


# keystoneauth and requests


def requests_session(adapter):
    """The ``requests.Session`` that sends the requests of ``adapter`` (a
    keystoneauth Adapter such as ``conn.compute``)."""
    # Why: --image-properties reads the server bodies of OSC's own
    # requests, which then cost no extra request, through a response hook
    # of this session (requests' documented event hooks). keystoneauth's
    # Session keeps it as ``session`` and sends every request through it.
    return adapter.session.session


def reuse_parsed_body(response, body):
    """Make ``response.json()`` return ``body``, parsed already."""
    # Why: a large server list must not be parsed twice. openstacksdk
    # reads a response body through ``response.json()`` on the response
    # object a requests hook saw.
    response.json = lambda **kwargs: body


def session_timeout(session):
    """The timeout, in seconds, of a keystoneauth Session's requests
    (None: wait forever)."""
    # Why: the plugin's commands apply a default when none is configured.
    # keystoneauth keeps it as ``timeout`` and reads it at each request.
    return session.timeout


def set_session_timeout(session, seconds):
    """Make a keystoneauth Session's next requests time out after
    ``seconds`` (None: wait forever)."""
    session.timeout = seconds
