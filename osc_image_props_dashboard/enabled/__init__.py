"""Horizon enabled files.

Copy them into ``openstack_dashboard/local/enabled`` of Horizon.
"""
