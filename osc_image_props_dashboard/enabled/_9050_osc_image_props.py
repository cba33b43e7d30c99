# Horizon enabled file of osc-image-props: adds the "Image Properties" tab
# to the instance detail page of Project and Admin. Copy it into
# openstack_dashboard/local/enabled/ of the Horizon installation.

# Not a dashboard, panel or panel group: a feature of existing pages.
FEATURE = True

ADD_INSTALLED_APPS = ['osc_image_props_dashboard']

_TAB = 'osc_image_props_dashboard.tabs.ImagePropertiesTab'

# (priority, tab): the tab comes after Horizon's own tabs.
EXTRA_TABS = {
    'openstack_dashboard.dashboards.project.instances.tabs.'
    'InstanceDetailTabs': ((100, _TAB),),
    'openstack_dashboard.dashboards.admin.instances.tabs.'
    'AdminInstanceDetailTabs': ((100, _TAB),),
}
