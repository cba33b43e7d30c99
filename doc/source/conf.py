"""Sphinx configuration for osc-image-props."""

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
