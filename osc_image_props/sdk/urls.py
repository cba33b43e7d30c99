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

"""URLs: untrusted IDs and names as one path segment, and where a URL leads.
"""

import urllib.parse

# URL normalisation resolves these segments instead of sending them.
_DOT_SEGMENTS = ('.', '..')
_DEFAULT_PORTS = {'http': 80, 'https': 443}


def segment(value):
    """``value`` percent-quoted as one path segment, or None.

    None for ``.`` and ``..``, which cannot name a resource: quoting keeps
    them as they are and a URL library would resolve them.
    """
    if value in _DOT_SEGMENTS:
        return None
    return urllib.parse.quote(value, safe='')


def endpoint_key(url):
    """``((scheme, host, port), path)`` of a URL, for comparing endpoints.

    The scheme and the host compare without case and a default port (80,
    443) as if written, as ``requests`` sends them; the path is as given.

    :returns: None for a URL whose port is not a number: it leads to no
        endpoint of ours.
    """
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    return (scheme, (parts.hostname or '').lower(), port), parts.path
