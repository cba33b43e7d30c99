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

"""The vTPM flavors a server can be resized to, and what each gives.

For each flavor the user can see under which the server would have a vTPM
(the flavor asks for one, or the server's image does), the server's
:class:`~osc_image_props.sdk.vtpm.VtpmView` after the resize is the view
of its own body with that flavor in place of its own: the rules of
:mod:`vtpm`, not a second reading of them. Whether Nova accepts the
resize comes from the view of the server now (its
``refused_operations``) and of the flavor, and from Nova's resize checks
(``nova/compute/api.py`` ``resize()`` in 33.0.2):

* the same flavor: ``CannotResizeToSameFlavor``;
* a flavor with a root disk of 0 from one with a disk, for a server
  booted from an image: ``CannotResizeDisk``; a smaller root disk is
  refused by the compute host (the libvirt driver's
  ``migrate_disk_and_power_off()``: ``CannotResizeDisk``) and the resize
  fails;
* between mode ``deployment`` and another mode:
  ``_validate_vtpm_secret_security()`` (33.0.0 and later);
* a mode Nova does not know: the scheduler's
  ``tpm_secret_security_filter()`` reads the new flavor and fails the
  request (no valid host);
* a vTPM configuration Nova rejects (the server's or the new flavor's
  with the server's image): ``get_vtpm_constraint()`` raises in
  ``resize()``.

Whatever cannot be told (extra specs hidden by policy) is None, never
guessed.
"""

import copy
import dataclasses


from osc_image_props import escaping
from osc_image_props.sdk import exceptions
from osc_image_props.sdk import compute_api
from osc_image_props.sdk import vtpm

#: The first microversion whose flavor list shows each flavor's extra
#: specs (when policy lets the caller see them).
EXTRA_SPECS_MICROVERSION = '2.61'


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference that matters between the server now and after."""

    #: ``tpm_version``, ``tpm_model``, ``vcpus``, ``ram`` (MiB),
    #: ``disk`` (GiB).
    what: str
    now: object
    then: object


@dataclasses.dataclass(frozen=True)
class VtpmFlavor:
    """A flavor the server could be resized to, with a vTPM."""

    flavor_id: str
    name: str
    vcpus: object
    ram: object
    disk: object
    #: The server's :class:`~osc_image_props.sdk.vtpm.VtpmView` after a
    #: resize to this flavor: its mode, TPM version and model, whether
    #: Nova would live-migrate it and start it after a host reboot, and
    #: why; ``vtpm`` None when it cannot be told.
    view: vtpm.VtpmView
    #: True, False, or None when it cannot be told.
    resize_accepted: object
    resize_reason: str
    #: :class:`Change` rows: TPM version, model, vCPUs, RAM, root disk.
    changes: tuple = ()
    #: True for the server's own flavor (a resize to it is refused).
    current: bool = False


@dataclasses.dataclass(frozen=True)
class VtpmFlavors:
    """The result of :func:`list_vtpm_flavors`."""

    #: The server's view now.
    view: vtpm.VtpmView
    #: :class:`VtpmFlavor` rows, sorted by name.
    flavors: tuple
    #: One-line notes about the list: flavors whose extra specs are hidden.
    warnings: tuple = ()


def _flavor(raw):
    """A flavor of the list, validated: ``(id, name, vcpus, ram, disk,
    extra specs or None)``."""
    if not isinstance(raw, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API sent a flavor that is not an object.')
    flavor_id, name = raw.get('id'), raw.get('name')
    if not isinstance(flavor_id, str) or not isinstance(name, str):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API sent a flavor without a valid "id" and '
            '"name" (%s).' % escaping.printable(flavor_id, 60))
    sizes = [raw.get(k) for k in ('vcpus', 'ram', 'disk')]
    if not all(isinstance(v, int) and not isinstance(v, bool)
               for v in sizes):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API sent flavor %s without valid "vcpus", "ram" '
            'and "disk".' % escaping.printable(name, 60))
    specs = raw.get('extra_specs')
    if specs is not None and not (isinstance(specs, dict) and all(
            isinstance(k, str) and isinstance(v, str)
            for k, v in specs.items())):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API sent flavor %s with malformed "extra_specs".'
            % escaping.printable(name, 60))
    return flavor_id, name, sizes, specs if 'extra_specs' in raw else None


def _embedded(name, sizes, specs, server_flavor):
    """The flavor as a server body embeds it (2.47 and later)."""
    flavor = {
        'original_name': name, 'vcpus': sizes[0], 'ram': sizes[1],
        'disk': sizes[2],
        'ephemeral': server_flavor.get('ephemeral', 0),
        'swap': server_flavor.get('swap', 0),
    }
    if specs is not None:
        flavor['extra_specs'] = dict(specs)
    return flavor


def _mode_resize(now, then):
    """``(accepted, reason)`` from the two views' modes: the rules of
    :mod:`vtpm`, read off the views."""
    if then.secret_security is not None and (
            then.secret_security_source != vtpm.RELEASE
            and then.secret_security not in vtpm.MODES):
        return False, (
            'Secret security %s is not a mode Nova knows: the scheduler '
            '(tpm_secret_security_filter) fails the resize.'
            % escaping.printable(then.secret_security, 60))
    if now.vtpm is False:
        return True, 'The server has no vTPM now: no secret changes owner.'
    if now.vtpm is None or now.secret_security is None or (
            then.secret_security is None):
        return None, (
            'Whether Nova accepts it depends on the secret security modes, '
            'and one cannot be told.')
    if then.secret_security == vtpm.DEPLOYMENT and (
            vtpm.RESIZE_TO_DEPLOYMENT in now.refused_operations):
        return False, (
            'Nova refuses a resize between mode deployment and another '
            'mode (secret security %s now).'
            % escaping.printable(now.secret_security, 60))
    if then.secret_security != vtpm.DEPLOYMENT and (
            vtpm.RESIZE_FROM_DEPLOYMENT in now.refused_operations):
        return False, (
            'Nova refuses a resize between mode deployment and another '
            'mode (secret security %s after).'
            % escaping.printable(then.secret_security, 60))
    if now.secret_security == then.secret_security:
        return True, 'The secret security mode stays %s.' % (
            escaping.printable(now.secret_security, 60))
    return True, 'Nova resizes from mode %s to mode %s.' % (
        escaping.printable(now.secret_security, 60),
        escaping.printable(then.secret_security, 60))


def _resize(now, then, server_flavor, sizes, current, volume_booted):
    if current:
        return False, ("It is the server's flavor: Nova refuses a resize "
                       'to the same flavor.')
    if vtpm.RESIZE in now.refused_operations:
        return False, ("Nova rejects the server's vTPM configuration now "
                       'and refuses a resize.')
    if vtpm.RESIZE in then.refused_operations:
        return False, ('Nova rejects the vTPM configuration of this flavor '
                       "with the server's image and refuses the resize.")
    disk = server_flavor.get('disk')
    if not volume_booted and isinstance(disk, int) and sizes[2] < disk:
        return False, (
            "Its root disk (%d GiB) is smaller than the server's (%d "
            'GiB): Nova refuses to shrink a root disk.' % (sizes[2], disk))
    return _mode_resize(now, then)


def _changes(now, then, server_flavor, sizes):
    rows = [
        Change('tpm_version', now.version, then.version),
        Change('tpm_model', now.model, then.model),
        Change('vcpus', server_flavor.get('vcpus'), sizes[0]),
        Change('ram', server_flavor.get('ram'), sizes[1]),
        Change('disk', server_flavor.get('disk'), sizes[2]),
    ]
    return tuple(r for r in rows if r.now != r.then)


def from_bodies(server, flavors, cloud_max, version):
    """The :class:`VtpmFlavors` of a raw server body and a raw flavor
    list: no request.

    :raises ImagePropertiesProtocolError: a malformed body or flavor.
    """
    now = vtpm.from_server_body(server, cloud_max, version)
    server_flavor = server.get('flavor')
    if not isinstance(server_flavor, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned the server without a valid "flavor" '
            'object.')
    volume_booted = server.get('image') == ''
    rows, hidden = [], 0
    for raw in flavors:
        flavor_id, name, sizes, specs = _flavor(raw)
        hidden += specs is None
        body = copy.deepcopy(server)
        body['flavor'] = _embedded(name, sizes, specs, server_flavor)
        then = vtpm.from_server_body(body, cloud_max, version)
        if then.vtpm is False:
            continue
        current = name == server_flavor.get('original_name')
        accepted, reason = _resize(now, then, server_flavor, sizes, current,
                                   volume_booted)
        rows.append(VtpmFlavor(
            flavor_id, name, sizes[0], sizes[1], sizes[2], then, accepted,
            reason, _changes(now, then, server_flavor, sizes), current))
    warnings = []
    if hidden:
        warnings.append(
            'The extra specs of %d flavor%s are hidden from you by policy '
            '(os_compute_api:os-flavor-extra-specs:index): whether %s a '
            'vTPM, and its mode, cannot be told.'
            % (hidden, '' if hidden == 1 else 's',
               'it gives' if hidden == 1 else 'they give'))
    return VtpmFlavors(now, tuple(sorted(rows, key=lambda r: r.name)),
                       tuple(warnings))


def list_vtpm_flavors(conn, server):
    """The flavors a server would have a vTPM with, and what each gives.

    Example::

        result = sdk.list_vtpm_flavors(conn, 'web-1')
        print(result.view.secret_security)
        for flavor in result.flavors:
            print(flavor.name, flavor.view.secret_security,
                  flavor.resize_accepted, flavor.view.live_migratable)

    Costs the server read of :func:`~osc_image_props.sdk.get_vtpm` (one
    ``GET /servers/{id}`` for an ID) and one ``GET /flavors/detail`` at
    the microversion Nova answered the server at (2.98 or later, so the
    list shows each flavor's extra specs, 2.61 and later, when policy lets
    the caller see them). The list is the flavors the caller can see.

    :returns: a :class:`VtpmFlavors`.
    :raises: as :func:`~osc_image_props.sdk.get_vtpm`.
    """
    raw, version, cloud_max = compute_api.server_and_cloud_max(conn, server)
    flavors = compute_api.flavor_bodies(conn.compute, version)
    return from_bodies(raw, flavors, cloud_max, version)


def vtpm_flavors_of_server(conn, server):
    """As :func:`list_vtpm_flavors` for a server already read
    (:func:`~osc_image_props.sdk.find_server`, the ``server`` of
    :func:`~osc_image_props.sdk.image_properties_drift`): one flavor list
    request, and the version discovery if the connection made none."""
    cloud_max = compute_api.cloud_max_microversion(conn.compute)
    version = server.microversion
    flavors = compute_api.flavor_bodies(conn.compute, version)
    return from_bodies(server.raw_body(), flavors, cloud_max, version)

