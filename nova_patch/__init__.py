"""Backport of compute API microversion 2.98 to Nova 2024.1 and 2024.2.

``python -m nova_patch {check,apply,revert}`` applies the patch series in
``series/<release>/`` to a Nova source tree or to an installed ``nova``
package. This package uses the standard library only, so that it runs with
the Python of any Nova deployment.
"""

# Nova major version -> the release line whose series fits it.
SERIES_BY_MAJOR = {
    29: '2024.1',
    30: '2024.2',
}
