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

"""Sphinx configuration for osc-image-props."""

from osc_image_props.sdk import vtpm as _vtpm

project = 'osc-image-props'
copyright = '2026, osc-image-props developers'

extensions = [
    'sphinx.ext.autodoc',
    'cliff.sphinxext',
    'openstackdocstheme',
    'reno.sphinxext',
]

# openstackdocstheme
openstackdocs_repo_name = 'osc-image-props/osc-image-props'
openstackdocs_use_storyboard = False
openstackdocs_auto_name = False
openstackdocs_bug_project = 'osc-image-props'
openstackdocs_bug_tag = ''
html_theme = 'openstackdocs'

master_doc = 'index'
exclude_patterns = ['_build']
pygments_style = 'native'
autodoc_member_order = 'bysource'

# The vTPM texts the commands print, from the one place that holds them,
# so that the documentation cannot say otherwise.

_VTPM_TEXTS = {
    'vtpm-reboot-host': _vtpm.HOST_REBOOT[_vtpm.HOST][1],
    'vtpm-reboot-deployment': _vtpm.HOST_REBOOT[_vtpm.DEPLOYMENT][1],
    'vtpm-reboot-user': _vtpm.HOST_REBOOT[_vtpm.USER][1],
    'vtpm-reboot-release': _vtpm.RELEASE_HOST_REBOOT[1],
    'vtpm-reboot-rejected': _vtpm.REJECTED_HOST_REBOOT,
    'vtpm-migration-rejected': _vtpm.REJECTED_LIVE_MIGRATION,
    'vtpm-rejected-refused': ', '.join(_vtpm.REJECTED_REFUSED),
}
rst_epilog = ''.join(
    '\n.. |%s| replace:: %s\n' % item for item in _VTPM_TEXTS.items()
)
