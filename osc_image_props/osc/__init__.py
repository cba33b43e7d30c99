"""OpenStackClient plugin: ``openstack server image properties ...``."""
