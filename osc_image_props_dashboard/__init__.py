"""Horizon plugin: an "Image Properties" tab on the instance detail page.

The tab shows the image properties Nova keeps for a server (compute API
microversion 2.98) beside the image in Glance now. It is added to Horizon by
the enabled file in ``osc_image_props_dashboard/enabled/``; see
doc/source/dashboard.rst.
"""
