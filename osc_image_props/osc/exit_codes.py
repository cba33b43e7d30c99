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

"""The exit statuses of ``diff`` and ``drift`` with ``--exit-code``.

0 must keep saying "no drift": a server that could not be compared (its
image deleted or not visible, its cell down) has a status of its own, and
1 stays "error", as for every command.
"""

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
