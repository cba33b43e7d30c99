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

"""Untrusted values for the tab's templates.

Names, values, IDs and messages from the cloud leave the plugin's modules
through :func:`text`: control, bidi and invisible characters made visible
by the CLI's own escaping. Django's autoescaping then renders the result
as text.
"""

from osc_image_props.osc import output


def text(value):
    """``value`` as escaped text; None stays None (nothing to show)."""
    if value is None:
        return None
    return output.escape_unprintable(value)
