"""Untrusted IDs and names as one segment of a URL path."""

import urllib.parse

# URL normalisation resolves these segments instead of sending them.
_DOT_SEGMENTS = ('.', '..')


def segment(value):
    """``value`` percent-quoted as one path segment, or None.

    None for ``.`` and ``..``, which cannot name a resource: quoting keeps
    them as they are and a URL library would resolve them.
    """
    if value in _DOT_SEGMENTS:
        return None
    return urllib.parse.quote(value, safe='')
