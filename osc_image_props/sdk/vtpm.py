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

"""A server's vTPM as Nova sees it, and what Nova lets it do.

Everything here is computed from one server body (compute microversion
2.98 or later: the embedded flavor with its extra specs, and the embedded
image properties) and the cloud's maximum microversion, which tells Nova
33.0.0 (2026.1, maximum 2.103) from the releases before it. The rules are
Nova's code, read in 33.0.2 and 32.2.1 (which has the rules of every
release before 33.0.0), not its documentation:

* **vTPM, version and model** -- ``nova/virt/hardware.py``
  ``get_vtpm_constraint()`` and ``_get_unique_flavor_image_meta()``: the
  flavor extra spec ``hw:tpm_version`` or, when it is unset or empty, the
  image property ``hw_tpm_version``; no version, no vTPM. The model is
  ``hw:tpm_model`` or ``hw_tpm_model``, ``tpm-tis`` when neither is set.
  Both set to different values is a conflict Nova refuses
  (``FlavorImageConflict``) wherever it reads the vTPM configuration.
  Versions are ``1.2`` and ``2.0``; ``tpm-crb`` needs ``2.0``
  (``nova/objects/fields.py`` ``TPMVersion``, ``TPMModel``).
  ``get_vtpm_constraint()`` raises for a configuration it rejects, and
  Nova calls it before any mode rule: in the API decorators of live
  migration, rebuild, shelve, rescue and evacuate, in ``resize()`` (for
  another flavor), in the scheduler (``request_filter.py``
  ``tpm_secret_security_filter()``, ``scheduler/utils.py``), which a cold
  migration goes through, and in the libvirt driver's guest XML and
  ``_create_guest()``, which start and hard reboot go through. Such a
  server moves nowhere and does not start again.
* **Secret security** (33.0.0 and later) -- ``nova/vtpm.py``
  ``get_instance_tpm_secret_security()`` and ``hardware.py``
  ``get_tpm_secret_security_constraint()``: the flavor extra spec
  ``hw:tpm_secret_security``, ``user`` when unset or empty (every reader
  applies ``or 'user'``). No image property is
  read, on purpose (the comment there says why), so an image property
  ``hw_vtpm_secret_security`` (the name Nova's 2.98 spec expected) does
  nothing. Before 33.0.0 there are no modes: the secret belongs to the
  server's owner, which is what ``user`` means now. A mode Nova does not
  know (``foo``, ``Host``: flavors made below microversion 2.86 skip
  extra-spec validation) fails ``tpm_secret_security_filter()``, which
  runs for every request through the scheduler with the flavor of the
  request (a resize's new flavor); the libvirt driver treats its secret
  as neither ``host`` nor ``deployment``, as in ``user``.
* **Live migration** -- ``nova/compute/api.py``: 33.x decorates
  ``live_migrate()`` with ``reject_legacy_vtpm_live_migration``, which
  refuses every mode but ``host`` (``OperationNotSupportedForVTPM``) and,
  for ``host``, refuses while any nova-compute service of the server's cell
  is older than 33.0.0 (``VTPMOldCompute``); ``[libvirt]
  supported_tpm_secret_security``'s help says ``deployment`` can move too,
  the API does not let it. Before 33.0.0 ``live_migrate()`` has
  ``reject_vtpm_instances(LIVE_MIGRATION)``: refused for every vTPM server.
* **Restart after a host reboot** -- ``nova/compute/manager.py``
  ``_init_instance()`` starts a guest that was running only when the
  operator set ``[DEFAULT]resume_guests_state_on_host_boot`` (default
  False, ``nova/conf/compute.py``), through ``_resume_guests_state()``,
  which puts the server in ERROR when the start fails; otherwise the power
  state sync stops it (SHUTOFF). ``server start`` takes only a stopped
  server (``compute/api.py`` ``start()``), a hard reboot also one in
  ERROR; both rebuild the guest with the requester's context. Who can
  read the vTPM secret decides (``nova/virt/libvirt/driver.py``
  ``_get_or_create_secret_for_vtpm()`` and ``_create_guest()``): for
  ``host`` the libvirt secret is persistent and found on the host; for
  ``deployment`` the key manager secret belongs to Nova's service user
  (``nova/vtpm.py`` ``get_request_context()``); for ``user``, and before
  33.0.0, the libvirt secret is undefined once the guest runs and the key
  manager secret belongs to the owner: neither the admin context Nova
  has at host boot nor another user's token reads it (``nova/crypto.py``
  ``ensure_vtpm_secret()``).
* **Refused operations** -- ``nova/compute/api.py``:
  ``reject_vtpm_instances`` on ``rebuild()``, ``shelve()``, ``rescue()`` and
  ``evacuate()``, in every release; in 33.x ``resize()`` calls
  ``_validate_vtpm_secret_security()``, which refuses a resize between
  ``deployment`` and another mode (``user`` <-> ``host`` is allowed).

Reading servers
---------------

The rules depend on the cloud's Nova release (33.0.0 and later, or before),
told by its maximum compute microversion. For one server that costs no
request of its own: the server is asked for at microversion ``latest``,
Nova answers at its maximum and names it in the ``OpenStack-API-Version``
response header, and that answer is the cloud's maximum. A maximum above
the newest this client knows gets the newest rules known, and the body is
read as defensively as any other: only the members the view needs, each
validated. The list path makes the version discovery that every server
list makes anyway.
"""

import dataclasses

from osc_image_props import escaping
from osc_image_props import releases
from osc_image_props.sdk import compute_api
from osc_image_props.sdk import exceptions

#: The maximum microversion of Nova 33.0.0 (2026.1), the first release with
#: TPM secret security modes and vTPM live migration. A cloud whose
#: maximum is lower has the rules of the releases before it.
MODES_MICROVERSION = releases.FIRST_WITH_SECRET_SECURITY.max_microversion

# Sources of a value.
FLAVOR = 'flavor'
IMAGE = 'image'
DEFAULT = 'default'
#: The cloud's Nova predates secret security modes (before 33.0.0).
RELEASE = 'release'

# Secret security modes (nova/api/validation/extra_specs/hw.py).
USER = 'user'
HOST = 'host'
DEPLOYMENT = 'deployment'
MODES = (USER, HOST, DEPLOYMENT)

# Operation names as Nova's instance actions name them.
LIVE_MIGRATION = 'live-migration'
REBUILD = 'rebuild'
SHELVE = 'shelve'
RESCUE = 'rescue'
EVACUATE = 'evacuate'
#: A resize to a flavor in mode ``deployment``, from ``user`` or ``host``.
RESIZE_TO_DEPLOYMENT = 'resize-to-deployment'
#: A resize from mode ``deployment`` to a flavor in another mode.
RESIZE_FROM_DEPLOYMENT = 'resize-from-deployment'
#: Refused for every vTPM server by ``reject_vtpm_instances``.
ALWAYS_REFUSED = (REBUILD, SHELVE, RESCUE, EVACUATE)
#: A resize to any other flavor.
RESIZE = 'resize'
#: A cold migration (Nova's instance action ``migrate``).
COLD_MIGRATION = 'migrate'
START = 'start'
REBOOT = 'reboot'
#: Refused, or failed, for a vTPM configuration Nova rejects: every
#: operation that reads it (see the module docstring).
REJECTED_REFUSED = (
    (LIVE_MIGRATION,) + ALWAYS_REFUSED + (RESIZE, COLD_MIGRATION, START,
                                          REBOOT)
)

#: The nova-compute option that starts guests again when the host boots.
RESUME_OPTION = '[DEFAULT]resume_guests_state_on_host_boot'

_VERSIONS = ('1.2', '2.0')
_TIS = 'tpm-tis'
_CRB = 'tpm-crb'
_MODELS = (_TIS, _CRB)

_FLAVOR_VERSION = 'hw:tpm_version'
_FLAVOR_MODEL = 'hw:tpm_model'
_FLAVOR_SECURITY = 'hw:tpm_secret_security'
_IMAGE_VERSION = 'hw_tpm_version'
_IMAGE_MODEL = 'hw_tpm_model'
#: Image properties a user may set expecting a mode; Nova reads neither.
_UNREAD_IMAGE_PROPERTIES = ('hw_vtpm_secret_security',
                            'hw_tpm_secret_security')


@dataclasses.dataclass(frozen=True)
class VtpmView:
    """A server's vTPM, where each fact comes from, and what Nova allows.

    Unknown facts are ``None``, never guessed; :attr:`warnings` says why.
    """

    server_id: str
    name: object
    #: True, False, or None when it cannot be told: the flavor's extra
    #: specs are hidden by policy and the image asks for no vTPM, or the
    #: server was booted from a volume (the compute API does not show the
    #: image properties Nova read from the volume) and the flavor asks for
    #: none, or the server is in a cell the compute API cannot reach.
    vtpm: object
    #: ``1.2`` or ``2.0`` (or whatever the flavor or image says).
    version: object = None
    #: ``flavor``, ``image`` or None.
    version_source: object = None
    #: ``tpm-tis`` or ``tpm-crb``.
    model: object = None
    #: ``flavor``, ``image``, ``default`` (Nova's default, ``tpm-tis``) or
    #: None.
    model_source: object = None
    #: ``user``, ``host`` or ``deployment``; None when the flavor's extra
    #: specs are hidden on a cloud with modes.
    secret_security: object = None
    #: ``flavor``, ``default`` (unset or empty: Nova applies ``user``; a
    #: warning says when the flavor sets it empty), ``release`` (the
    #: cloud's Nova has no modes) or None.
    secret_security_source: object = None
    #: Whether Nova's API accepts a live migration of the server: False
    #: also for a vTPM configuration Nova rejects.
    live_migratable: object = None
    live_migratable_reason: object = None
    #: Whether Nova can start the server again after its host rebooted
    #: without its owner: by itself when the operator set
    #: :data:`RESUME_OPTION` (default False), at the owner's or an admin's
    #: request otherwise. False: only the owner can (the reason says how
    #: on both settings), or nobody, for a configuration Nova rejects.
    restarts_after_host_reboot: object = None
    restarts_after_host_reboot_reason: object = None
    #: The operations Nova refuses for this server because of its vTPM
    #: (:data:`LIVE_MIGRATION`, :data:`ALWAYS_REFUSED`,
    #: :data:`RESIZE_TO_DEPLOYMENT`, :data:`RESIZE_FROM_DEPLOYMENT`,
    #: :data:`COLD_MIGRATION` for a mode Nova does not know, and
    #: :data:`REJECTED_REFUSED` for a configuration it rejects). Some are
    #: refused by the API, some accepted and then failed by the scheduler
    #: or the compute host (see doc/source/vtpm.rst).
    refused_operations: tuple = ()
    #: One-line messages: conflicts, values Nova does not accept or read,
    #: facts that cannot be known.
    warnings: tuple = ()
    #: True for the partial record of a server in a down cell.
    unreachable: bool = False


def has_secret_security(cloud_max):
    """Whether a cloud with this maximum microversion has secret modes."""
    return cloud_max is not None and (
        compute_api.version_key(cloud_max)
        >= compute_api.version_key(MODES_MICROVERSION)
    )


def _extra_specs(server_id, server):
    """The embedded flavor's extra specs, or None when policy hides them."""
    shown = escaping.printable(server_id)
    flavor = server.get('flavor')
    if not isinstance(flavor, dict):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s without a valid "flavor" '
            'object.' % shown
        )
    if 'extra_specs' not in flavor:
        return None
    specs = flavor['extra_specs']
    if not isinstance(specs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in specs.items()
    ):
        raise exceptions.ImagePropertiesProtocolError(
            'The compute API returned server %s with malformed '
            '"flavor.extra_specs": expected an object of strings.' % shown
        )
    return specs


#: How Nova's answer to a vTPM configuration it rejects is described.
_REJECTED = (
    'Nova refuses every operation that reads this vTPM: it does not move, '
    'start or reboot.'
)


def _pick(name, flavor_value, image_value, problems):
    """``(value, source)`` as ``_get_unique_flavor_image_meta``: the flavor
    wins, an empty value counts as unset; a conflict is a problem."""
    if flavor_value and image_value and flavor_value != image_value:
        problems.append(
            'The flavor sets hw:tpm_%s %s and the image hw_tpm_%s %s: a '
            "conflict. %s The flavor's value is shown."
            % (name, _q(flavor_value), name, _q(image_value), _REJECTED)
        )
    if flavor_value:
        return flavor_value, FLAVOR
    if image_value:
        return image_value, IMAGE
    return None, None


def _q(value):
    return "'%s'" % escaping.printable(value, 60)


def _hidden_specs_warning(what):
    return (
        "The flavor's extra specs are hidden from you by policy "
        '(os_compute_api:servers:show:flavor-extra-specs): %s cannot be '
        'told.' % what
    )


def _unread_property_warnings(properties):
    return [
        'The image property %s does nothing: Nova reads the secret '
        'security mode only from the flavor extra spec '
        'hw:tpm_secret_security.' % name
        for name in _UNREAD_IMAGE_PROPERTIES
        if name in properties
    ]


_VOLUME_IMAGE = (
    'The server was ' + exceptions.VOLUME_BOOTED + ': the compute API '
    'does not show the image properties Nova read from the volume, so %s '
    'cannot be told.'
)


@dataclasses.dataclass(frozen=True)
class _Config:
    """The vTPM configuration as ``get_vtpm_constraint()`` reads it."""

    version: object = None
    version_source: object = None
    model: object = None
    model_source: object = None
    #: Why ``get_vtpm_constraint()`` raises for it; empty when it does not.
    problems: tuple = ()


def _vtpm_config(specs, properties, warnings):
    """The server's :class:`_Config`.

    :param specs: the flavor's extra specs; None when hidden.
    :param properties: the embedded image properties; None for a server
        booted from a volume.
    :param warnings: what cannot be told is added to it.
    :returns: version None when the server has no vTPM, or when none is
        known (the caller tells which).
    """
    flavor = specs or {}
    image = properties or {}
    problems = []
    version, version_source = _pick(
        'version', flavor.get(_FLAVOR_VERSION), image.get(_IMAGE_VERSION),
        problems,
    )
    if version is None:
        return _Config()
    if version not in _VERSIONS:
        problems.append(
            'TPM version %s is not one Nova accepts (%s). %s'
            % (_q(version), ', '.join(_VERSIONS), _REJECTED)
        )
    model, model_source = _pick(
        'model', flavor.get(_FLAVOR_MODEL), image.get(_IMAGE_MODEL),
        problems,
    )
    if model is None:
        # Nova's default applies only if neither side sets one.
        what = 'the TPM model (default tpm-tis)'
        if specs is None:
            warnings.append(_hidden_specs_warning(what))
        elif properties is None:
            warnings.append(_VOLUME_IMAGE % what)
        else:
            model, model_source = _TIS, DEFAULT
    if model is not None and model not in _MODELS:
        problems.append(
            'TPM model %s is not one Nova accepts (%s). %s'
            % (_q(model), ', '.join(_MODELS), _REJECTED)
        )
    elif model == _CRB and version in _VERSIONS and version != '2.0':
        problems.append(
            'TPM model tpm-crb needs TPM version 2.0, not %s. %s'
            % (_q(version), _REJECTED)
        )
    return _Config(version, version_source, model, model_source,
                   tuple(problems))


def _mode(specs, cloud_max, warnings):
    """``(secret_security, source)``."""
    if not has_secret_security(cloud_max):
        warnings.append(
            "This cloud's Nova (maximum microversion %s) predates TPM "
            'secret security modes (33.0.0): the vTPM secret belongs to '
            "the server's owner, as in mode user."
            % escaping.printable(cloud_max)
        )
        return USER, RELEASE
    if specs is None:
        warnings.append(_hidden_specs_warning(
            'the secret security mode (hw:tpm_secret_security), and with '
            'it live migration and restart after a host reboot,'
        ))
        return None, None
    mode = specs.get(_FLAVOR_SECURITY)
    if mode is None:
        return USER, DEFAULT
    if mode == '':
        # Nova reads the mode with ``or 'user'`` everywhere.
        warnings.append(
            'The flavor sets hw:tpm_secret_security to an empty value: '
            'Nova applies its default, user, as when it is unset.'
        )
        return USER, DEFAULT
    if mode not in MODES:
        warnings.append(
            "Secret security %s is not a mode Nova knows (%s): Nova's "
            'scheduler fails every request for a flavor in this mode '
            '(tpm_secret_security_filter), so the server cannot be '
            'cold-migrated, nor resized to a flavor in a mode Nova does not '
            'know; a resize to a flavor in mode user or host passes (the '
            'scheduler reads the new flavor). Live migration is refused as '
            'for every mode but host, and Nova keeps its vTPM secret as in '
            'mode user.'
            % (_q(mode), ', '.join(MODES))
        )
    return mode, FLAVOR


def _by_mode(mode, source, release, unknown, modes, other):
    """``(answer, reason)`` of a fact that the secret security mode decides.

    :param release: the answer on a Nova without modes.
    :param unknown: the answer when the mode cannot be told.
    :param modes: the answers of the modes that have their own.
    :param other: the answer of any other mode; ``%s`` in its reason is
        the mode.
    """
    if source == RELEASE:
        return release
    if mode is None:
        return unknown
    if mode in modes:
        return modes[mode]
    answer, reason = other
    return answer, reason % escaping.printable(mode, 60)


#: The reasons of ``live_migratable`` and ``restarts_after_host_reboot``
#: for a vTPM configuration Nova rejects.
REJECTED_LIVE_MIGRATION = (
    'Nova rejects this vTPM configuration (see the warnings) and refuses '
    'every operation that reads it, live migration included.'
)
REJECTED_HOST_REBOOT = (
    'Nova rejects this vTPM configuration (see the warnings), so it cannot '
    'start the server, after a host reboot or otherwise: with %s = True the '
    'server goes to ERROR when the host boots; without it, it stays '
    'SHUTOFF; start and hard reboot fail.' % RESUME_OPTION
)


def _live_migration(mode, source):
    """``(live_migratable, reason)``."""
    return _by_mode(
        mode, source,
        release=(False, (
            'Nova before 33.0.0 refuses to live-migrate any server with a '
            'vTPM.'
        )),
        unknown=(None, (
            'Nova live-migrates a vTPM server only in secret security mode '
            "host, and this server's mode cannot be told."
        )),
        modes={HOST: (True, (
            'Secret security host: Nova live-migrates it once every '
            'nova-compute service of its cell runs 33.0.0 or later.'
        ))},
        other=(False, (
            'Secret security %s: Nova live-migrates a vTPM server only in '
            'mode host.'
        )),
    )


# After a host reboot. Whether the server comes back by itself depends on
# an option of nova-compute that the API does not show, so each reason
# says what holds with it and without it.
#: What holds after a host reboot when Nova can read the vTPM secret
#: without the owner.
WITHOUT_OWNER = (
    "with %s = True (the operator's choice; the default is False) the "
    'server comes back by itself when the host boots; without it, it stays '
    'SHUTOFF and the owner or an admin can start it.' % RESUME_OPTION
)
#: What holds after a host reboot when only the owner's credentials read
#: the vTPM secret.
OWNER_ONLY = (
    "with %s = True (the operator's choice; the default is False) Nova "
    'cannot read the secret when the host boots and the server goes to '
    'ERROR, and the owner recovers it with a hard reboot (server start '
    'takes only a SHUTOFF server); without it, the server stays SHUTOFF '
    "and only the owner can start it (an admin cannot read the owner's "
    'secret).' % RESUME_OPTION
)
_BY_OWNER = "only the owner's credentials read the vTPM secret: "
_BY_NOVA = ', so Nova can read it without the owner: '

#: ``(restarts_after_host_reboot, reason)`` of each mode Nova knows, on
#: 33.0.0 and later. doc/source/vtpm.rst shows these texts.
HOST_REBOOT = {
    HOST: (True, 'Secret security host: the host keeps the vTPM secret'
           + _BY_NOVA + WITHOUT_OWNER),
    DEPLOYMENT: (True, "Secret security deployment: Nova's service user "
                       'owns the vTPM secret' + _BY_NOVA + WITHOUT_OWNER),
    USER: (False, 'Secret security user: ' + _BY_OWNER + OWNER_ONLY),
}
#: The same on a Nova without modes (before 33.0.0).
RELEASE_HOST_REBOOT = (
    False, 'Nova before 33.0.0: ' + _BY_OWNER + OWNER_ONLY
)


def _host_reboot(mode, source):
    """``(restarts_after_host_reboot, reason)``: True when Nova can start
    the server again without its owner."""
    return _by_mode(
        mode, source,
        release=RELEASE_HOST_REBOOT,
        unknown=(None, (
            'Whether Nova can start it again without the owner after a '
            'host reboot depends on the secret security mode, which cannot '
            'be told.'
        )),
        modes=HOST_REBOOT,
        other=(False, (
            'Secret security %s is neither host nor deployment, so Nova '
            'keeps its vTPM secret as in mode user, where '
        ) + (_BY_OWNER + OWNER_ONLY).replace('%', '%%')),
    )


def _refused(mode, source, live_migratable):
    refused = [] if live_migratable is not False else [LIVE_MIGRATION]
    refused.extend(ALWAYS_REFUSED)
    if source == RELEASE or mode is None:
        return tuple(refused)
    if mode == DEPLOYMENT:
        refused.append(RESIZE_FROM_DEPLOYMENT)
        return tuple(refused)
    if mode not in MODES:
        # The scheduler's filter reads the server's own flavor.
        refused.append(COLD_MIGRATION)
    refused.append(RESIZE_TO_DEPLOYMENT)
    return tuple(refused)


def _unknown(server_id, name, why, properties=None, unreachable=False):
    warnings = [why] + _unread_property_warnings(properties or {})
    return VtpmView(server_id, name, None, warnings=tuple(warnings),
                    unreachable=unreachable)


def from_server_body(server, cloud_max, microversion=None):
    """The :class:`VtpmView` of one raw server body.

    :param server: the server object as Nova sent it (2.98 or later).
    :param cloud_max: the cloud's maximum compute microversion.
    :param microversion: the microversion of the body, for messages.
    :raises ImagePropertiesProtocolError: a malformed body.
    :raises ImagePropertiesMissing: 2.98 without ``image.properties``.

    A down cell's partial record gives a view with ``unreachable`` True
    and ``vtpm`` None (raise :class:`ImagePropertiesUnreachable` for it
    where one server was asked for).
    """
    server_id = server.get('id')
    name = server.get('name')
    if compute_api.is_partial_record(server):
        return _unknown(server_id, name, (
            'The server is %s: its vTPM is unknown until the cell is '
            'back.' % exceptions.CELL_DOWN
        ), unreachable=True)
    properties = compute_api.properties_from_body(
        server_id, server, microversion
    )
    specs = _extra_specs(server_id, server)
    warnings = _unread_property_warnings(properties or {})
    config = _vtpm_config(specs, properties, warnings)
    if config.version is None:
        if specs is None:
            return _unknown(server_id, name, _hidden_specs_warning(
                'whether it asks for a vTPM (hw:tpm_version)'
            ), properties)
        if properties is None:
            return _unknown(server_id, name, _VOLUME_IMAGE % (
                'whether it has a vTPM (its flavor asks for none)'
            ))
        return VtpmView(server_id, name, False, warnings=tuple(warnings))
    warnings = list(config.problems) + warnings
    mode, mode_source = _mode(specs, cloud_max, warnings)
    if config.problems:
        # get_vtpm_constraint() raises before any mode rule is read.
        migratable, migratable_reason = False, REJECTED_LIVE_MIGRATION
        restarts, restarts_reason = False, REJECTED_HOST_REBOOT
        refused = REJECTED_REFUSED
    else:
        migratable, migratable_reason = _live_migration(mode, mode_source)
        restarts, restarts_reason = _host_reboot(mode, mode_source)
        refused = _refused(mode, mode_source, migratable)
    return VtpmView(
        server_id=server_id,
        name=name,
        vtpm=True,
        version=config.version,
        version_source=config.version_source,
        model=config.model,
        model_source=config.model_source,
        secret_security=mode,
        secret_security_source=mode_source,
        live_migratable=migratable,
        live_migratable_reason=migratable_reason,
        restarts_after_host_reboot=restarts,
        restarts_after_host_reboot_reason=restarts_reason,
        refused_operations=refused,
        warnings=tuple(warnings),
    )


def get_vtpm(conn, server):
    """Return the :class:`~osc_image_props.sdk.vtpm.VtpmView` of a server.

    Example::

        view = sdk.get_vtpm(conn, 'web-1')
        if view.vtpm:
            print(view.secret_security, view.secret_security_source,
                  view.live_migratable, view.live_migratable_reason)

    Costs one ``GET /servers/{id}`` for a server ID, at microversion
    ``latest`` (or the one the user configured, which then costs the
    version discovery too); a name costs what :func:`find_server` costs.

    :param conn: an :class:`openstack.connection.Connection`.
    :param server: a server ID, name or Server resource.
    :raises ImagePropertiesUnreachable: the server is in a cell the
        compute API cannot reach.
    :raises: as :func:`~osc_image_props.sdk.find_server`.
    """
    raw, version, cloud_max = compute_api.server_and_cloud_max(conn, server)
    return from_server_body(raw, cloud_max, version)


def vtpm_of_server(conn, server):
    """The :class:`~osc_image_props.sdk.vtpm.VtpmView` of a server already
    read, from its body: no server request of its own.

    Example::

        drift = sdk.image_properties_drift(conn, 'web-1')
        view = vtpm.vtpm_of_server(conn, drift.server)

    The body of any microversion from 2.98 on has what the view needs (the
    embedded flavor with its extra specs, 2.47 and later, and the embedded
    image properties). The rules also need the cloud's maximum
    microversion, which comes from the compute API's version discovery:
    free when it was made on this connection before (as
    :func:`~osc_image_props.sdk.image_properties_drift` and
    :func:`~osc_image_props.sdk.list_image_properties` make it), one
    request otherwise.

    :param conn: the :class:`openstack.connection.Connection` that read
        the server.
    :param server: an :class:`osc_image_props.sdk.Server` read by this
        extension (:func:`~osc_image_props.sdk.find_server`, the ``server``
        of :func:`~osc_image_props.sdk.image_properties_drift`).
    :raises ImagePropertiesProtocolError: the body's flavor is malformed.
    :raises ImagePropertiesDiscoveryError: the version discovery, when
        made now, cannot be read.
    """
    cloud_max = compute_api.cloud_max_microversion(conn.compute)
    return from_server_body(
        server.raw_body(), cloud_max, server.microversion
    )


def vtpm_matches(view, secret_security=None, live_migratable=None):
    """Whether a view satisfies the filters of :func:`list_vtpm`.

    An unknown mode or movability (None) satisfies no filter.
    """
    if secret_security is not None and view.secret_security != secret_security:
        return False
    if live_migratable is not None and view.live_migratable is not (
        bool(live_migratable)
    ):
        return False
    return True


def vtpm_untold(view, secret_security=None, live_migratable=None):
    """Whether a vTPM view cannot be matched against these filters: a
    filter is given and the fact it reads is unknown (None), e.g. the
    mode of a server whose flavor extra specs are hidden by policy.

    Such a view may or may not match; :func:`list_vtpm` leaves it out,
    and a caller that reports what it left out counts it.
    """
    return (
        (secret_security is not None and view.secret_security is None)
        or (live_migratable is not None and view.live_migratable is None)
    )


def list_vtpm(conn, secret_security=None, live_migratable=None,
              max_servers=None, told_only=False, **query):
    """Yield the :class:`~osc_image_props.sdk.vtpm.VtpmView` of every
    server with a vTPM, or whose vTPM cannot be told, of a detail list.

    Example::

        # Before host maintenance: which vTPM servers cannot move
        for view in sdk.list_vtpm(conn, live_migratable=False,
                                  all_projects=True, compute_host='cmp-3'):
            print(view.server_id, view.secret_security,
                  view.live_migratable_reason)

    Servers without a vTPM (``vtpm`` False) are left out. Servers whose
    vTPM cannot be told (``vtpm`` None: flavor extra specs hidden by
    policy, booted from a volume, or ``unreachable`` in a down cell) are
    yielded only when no filter is given and ``told_only`` is false;
    servers whose filtered fact cannot be told (:func:`vtpm_untold`) are
    never yielded. The :class:`VtpmListing` returned counts every server it
    leaves out for these reasons, as ``openstack server vtpm list`` reports
    them.

    :param conn: an :class:`openstack.connection.Connection`.
    :param secret_security: keep only servers in this mode (``user``,
        ``host``, ``deployment``).
    :param live_migratable: True or False: keep only servers that Nova
        would, or would not, live-migrate.
    :param told_only: leave out (and count) the servers whose vTPM cannot
        be told even when no filter is given.
    :param max_servers: look at no more than this many servers (as
        ``openstack server list --limit`` does; ``limit`` is the page size).
    :param query: the server-side filters of ``conn.compute.servers()``
        (``all_projects``, ``project_id``, ``compute_host``, ``name``,
        ``status``, ``limit`` as page size, ...).
    :returns: a :class:`VtpmListing`, to iterate once, over the pages of
        one ``GET /servers/detail``
        (at the microversion of :func:`list_image_properties`), with the
        version discovery the list makes anyway: no request per server.
    :raises ImagePropertiesUnsupported: the cloud is older than 2.98
        (raised by this call, before iterating).
    :raises ImagePropertiesError: a filter the compute API cannot apply.
    """
    version, cloud_max, raws = compute_api.server_stream(
        conn, max_servers, query, views='vTPM lists')
    return VtpmListing(
        (from_server_body(raw, cloud_max, version) for raw in raws),
        secret_security, live_migratable, told_only)


class VtpmListing:
    """The views :func:`list_vtpm` yields, and the servers it leaves out,
    counted as the list is read: an iterator, as a generator is; read the
    counts once it is exhausted."""

    def __init__(self, views, secret_security, live_migratable, told_only):
        self._views = views
        self._filters = (secret_security, live_migratable)
        self._told_only = told_only or any(
            f is not None for f in self._filters)
        #: Servers left out in a cell the compute API cannot reach.
        self.unreachable = 0
        #: Servers left out whose vTPM cannot be told (booted from a
        #: volume, flavor extra specs hidden).
        self.unknown = 0
        #: vTPM servers left out because a filter's fact cannot be told
        #: (:func:`vtpm_untold`): they may match.
        self.untold = 0
        self._walk = self._kept()

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._walk)

    def _kept(self):
        for view in self._views:
            if view.vtpm is False:
                continue
            if view.vtpm is None and self._told_only:
                if view.unreachable:
                    self.unreachable += 1
                else:
                    self.unknown += 1
                continue
            if vtpm_untold(view, *self._filters):
                self.untold += 1
                continue
            if vtpm_matches(view, *self._filters):
                yield view
