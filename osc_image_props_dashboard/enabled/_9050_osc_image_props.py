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
