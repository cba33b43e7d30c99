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

"""openstacksdk extension: a server's embedded image properties.

Scripts write::

    from osc_image_props import sdk
    sdk.get_image_properties(conn, 'my-server')
"""

from osc_image_props.sdk.compute_api import find_server
from osc_image_props.sdk.compute_api import get_image_properties
from osc_image_props.sdk.compute_api import list_image_properties
from osc_image_props.sdk.compute_api import matches
from osc_image_props.sdk.baseline import Baseline
from osc_image_props.sdk.baseline import BaselineError
from osc_image_props.sdk.baseline import BaselineFromAnotherCloud
from osc_image_props.sdk.baseline import read as read_baseline
from osc_image_props.sdk.baseline import take as take_baseline
from osc_image_props.sdk.baseline import write as write_baseline
from osc_image_props.sdk.compute_api import deadline
from osc_image_props.sdk.drift import ImagePropertiesDrift
from osc_image_props.sdk.drift import image_properties_drift
from osc_image_props.sdk.drift import PropertyDrift
from osc_image_props.sdk.exceptions import ImagePropertiesDiscoveryError
from osc_image_props.sdk.exceptions import ImagePropertiesError
from osc_image_props.sdk.exceptions import ImagePropertiesMissing
from osc_image_props.sdk.exceptions import ImagePropertiesPagingError
from osc_image_props.sdk.exceptions import ImagePropertiesProtocolError
from osc_image_props.sdk.exceptions import ImagePropertiesTimeout
from osc_image_props.sdk.exceptions import ImagePropertiesUnreachable
from osc_image_props.sdk.exceptions import ImagePropertiesUnsupported
from osc_image_props.sdk.exceptions import ImagePropertiesVersionConflict
from osc_image_props.sdk.fleet import fleet_drift
from osc_image_props.sdk.fleet import PropertyCount
from osc_image_props.sdk.fleet import ServerDrift
from osc_image_props.sdk.fleet import summarize
from osc_image_props.sdk.fleet import Summary
from osc_image_props.sdk.compute_api import ImageRef
from osc_image_props.sdk.compute_api import Server
from osc_image_props.sdk.since import fleet_since
from osc_image_props.sdk.since import image_properties_since
from osc_image_props.sdk.since import PropertyChange
from osc_image_props.sdk.since import ServerSince
from osc_image_props.sdk.vtpm import VtpmView
from osc_image_props.sdk.vtpm import get_vtpm
from osc_image_props.sdk.vtpm import list_vtpm
from osc_image_props.sdk.vtpm import VtpmListing
from osc_image_props.sdk.vtpm_flavors import list_vtpm_flavors
from osc_image_props.sdk.vtpm_flavors import VtpmFlavor
from osc_image_props.sdk.vtpm_flavors import VtpmFlavors
from osc_image_props.sdk.vtpm_flavors import vtpm_flavors_of_server

__all__ = [
    'Baseline',
    'BaselineError',
    'BaselineFromAnotherCloud',
    'ImagePropertiesDiscoveryError',
    'ImagePropertiesError',
    'ImagePropertiesMissing',
    'ImagePropertiesPagingError',
    'ImagePropertiesProtocolError',
    'ImagePropertiesTimeout',
    'ImagePropertiesUnreachable',
    'ImagePropertiesUnsupported',
    'ImagePropertiesVersionConflict',
    'ImagePropertiesDrift',
    'ImageRef',
    'PropertyCount',
    'PropertyChange',
    'PropertyDrift',
    'Server',
    'ServerDrift',
    'ServerSince',
    'Summary',
    'VtpmFlavor',
    'VtpmFlavors',
    'VtpmListing',
    'VtpmView',
    'deadline',
    'find_server',
    'fleet_drift',
    'fleet_since',
    'get_image_properties',
    'get_vtpm',
    'image_properties_drift',
    'image_properties_since',
    'list_image_properties',
    'list_vtpm',
    'list_vtpm_flavors',
    'matches',
    'read_baseline',
    'summarize',
    'take_baseline',
    'vtpm_flavors_of_server',
    'write_baseline',
]
