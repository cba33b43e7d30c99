"""See the properties Nova embedded in a server from its boot image.

``osc_image_props.sdk`` is the openstacksdk extension for scripts;
``osc_image_props.osc`` is the OpenStackClient plugin built on it.
"""
