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

"""The lines on stderr that count the servers a fleet command skipped."""

from osc_image_props.osc import errors


def plural(count, one, many):
    """``one % count`` or ``many % count``."""
    return (one if count == 1 else many) % count


def count(app, number, one, many):
    """Note ``plural(number, one, many)``; nothing when ``number`` is 0."""
    if number:
        errors.note(app, plural(number, one, many))


def volume_booted(app, number, verb):
    """Count the servers booted from a volume, whose properties a fleet
    command cannot ``verb`` (``compare``, ``count``)."""
    count(
        app, number,
        '%d server was booted from a volume: no image properties to '
        + verb + '.',
        '%d servers were booted from a volume: no image properties to '
        + verb + '.',
    )


def unreachable(app, number, one, many=None):
    """Count the servers in a cell the compute API cannot reach.

    :param one: what that means for one server (``not compared.``).
    :param many: the same for several; by default ``one``.
    """
    count(
        app, number,
        '%d server is in a cell the compute API cannot reach now: ' + one,
        '%d servers are in a cell the compute API cannot reach now: '
        + (one if many is None else many),
    )
