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

"""The plugin's options on OSC's commands, and what users give them.

Property names may contain ``,`` and ``=``: a backslash before the separator
(``\\,`` in a key list, ``\\=`` in a condition's name) makes it part of the
name, and ``\\\\`` is one backslash. Any other backslash is kept as it is.
"""

from osc_lib import exceptions as osc_exceptions

from osc_image_props import escaping
from osc_image_props.osc import _cli_internals

#: ``server list`` and ``server show``: the column or field.
PROPERTIES = '--image-properties'
#: ``server list``: the client-side filter.
MATCH = '--image-property'


def taken(parser, names):
    """The option strings of ``names`` that ``parser`` already has."""
    known = _cli_internals.option_strings(parser)
    return [name for name in names if name in known]


def _split(text, separator, maxsplit=-1):
    parts, current = [], []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '\\' and text[i + 1:i + 2] in (separator, '\\'):
            current.append(text[i + 1])
            i += 2
            continue
        if ch == separator and maxsplit != 0:
            parts.append(''.join(current))
            current = []
            maxsplit -= 1
            if maxsplit == 0:
                # The rest (a condition's value) is taken verbatim.
                parts.append(text[i + 1:])
                return parts
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append(''.join(current))
    return parts


def wanted_keys(option_value):
    """Parse ``KEY[,KEY...]``; an empty value means every key.

    Spaces around a key are ignored.
    """
    return {k.strip() for k in _split(option_value, ',') if k.strip()}


def parse_match(conditions):
    """Parse ``--image-property`` values into an sdk ``match`` dict.

    ``KEY=VALUE`` requires that value (a null value never equals one);
    ``KEY`` alone requires presence (a null value is present).
    """
    match = {}
    for condition in conditions:
        parts = _split(condition, '=', maxsplit=1)
        name = parts[0]
        value = parts[1] if len(parts) == 2 else None
        if not name:
            raise osc_exceptions.CommandError(escaping.one_line(
                '--image-property needs a property name: %r' % condition
            ))
        if name in match and match[name] != value:
            raise osc_exceptions.CommandError(escaping.one_line(
                '--image-property %r is given twice with different '
                'conditions.' % name
            ))
        match[name] = value
    return match
