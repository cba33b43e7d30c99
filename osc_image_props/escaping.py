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

"""Untrusted text made safe to show: the one escaping of the package.

Names, values, IDs, URLs and messages from a cloud may hold terminal
escape sequences, bidi overrides, zero-width characters or lone
surrogates. The SDK's error messages, the CLI's output and errors, and the
Horizon tab all show them through these functions, so a cloud cannot
paint, rewrite or reorder what a person reads.

Non-printable is Python's definition (:meth:`str.isprintable`): control
characters (C0, DEL, C1), format characters (bidi overrides and isolates,
zero-width characters), separators other than the ASCII space (line and
paragraph separators), surrogates, private-use and unassigned code points.
Each becomes ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN`` (``\\t``, ``\\n``,
``\\r`` for those three), which is ASCII.

The standard library is enough: nothing here imports a client library.
"""


def _escape(ch):
    return ascii(ch)[1:-1]


def escape_unprintable(text):
    """Return ``text`` with every non-printable character escaped.

    Printable characters, the backslash among them, are kept as they are.
    """
    text = str(text)
    if text.isprintable():
        return text
    return ''.join(ch if ch.isprintable() else _escape(ch) for ch in text)


def escape_or_none(value):
    """As :func:`escape_unprintable`; ``None`` stays ``None`` (nothing to
    show)."""
    if value is None:
        return None
    return escape_unprintable(value)


def terminal_text(text):
    """A name or value for people: unambiguous and free of controls.

    As :func:`escape_unprintable`, and a backslash is doubled, so a value
    holding a real ESC shows as ``\\x1b`` and one holding the four characters
    backslash, x, 1, b shows as ``\\\\x1b``.
    """
    text = str(text)
    if text.isprintable() and '\\' not in text:
        return text
    return ''.join(
        '\\\\' if ch == '\\' else ch if ch.isprintable() else _escape(ch)
        for ch in text
    )


def one_line(message):
    """Collapse whitespace runs to one space, then escape the rest.

    What :meth:`str.split` takes for whitespace (newlines, tabs, line
    separators, ...) becomes a single space, and leading and trailing
    whitespace goes.
    """
    return escape_unprintable(' '.join(str(message).split()))


def printable(text, limit=200):
    """Untrusted text for a message: escaped, one line, at most ``limit``.

    The first ``limit`` characters of ``text`` are escaped (see
    :func:`escape_unprintable`); ``...`` marks that more were cut.
    """
    text = str(text)
    cut = len(text) > limit
    return escape_unprintable(text[:limit]) + ('...' if cut else '')
