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
