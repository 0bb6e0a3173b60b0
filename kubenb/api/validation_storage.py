"""Validation of PersistentVolumes and StorageClasses (v1.32), in the API server's words.

Mirrors pkg/apis/core/validation (ValidatePersistentVolume{,Spec,Update}) and
pkg/apis/storage/validation (ValidateStorageClass{,Update}). A PV needs access modes, a
`storage` capacity greater than zero and exactly one volume source (of the sources kubenb
serves: hostPath, local, nfs, csi); once created its source is immutable, and so is a
bound PV's claim reference apart from what the controller fills in. A StorageClass needs a
provisioner; its parameters, provisioner, reclaim policy and binding mode are immutable.
Not checked: the `capacity` NotSupported error for resources other than storage (its Go
`%#v` value text), node affinity, CSI driver names. Called by `validation.validate`.
"""

from __future__ import annotations

import posixpath

from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.quantity import parse_quantity
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    semantic_equal,
    validate_dns1123_subdomain,
    validate_immutable,
    validate_object_meta,
    validate_object_meta_update,
    validate_qualified_name,
)
from kubenb.api.validation_stateful import ACCESS_MODES

PV_SOURCES = ("hostPath", "local", "nfs", "csi")
RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
SC_RECLAIM_POLICIES = ["Delete", "Retain"]
BINDING_MODES = ["Immediate", "WaitForFirstConsumer"]


def _validate_pv_spec(errs: ErrorList, spec: Obj) -> None:
    modes = as_list(spec.get("accessModes"))
    if not modes:
        errs.required("spec.accessModes")
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.not_supported("spec.accessModes", mode, ACCESS_MODES)
    capacity = as_dict(spec.get("capacity"))
    if not capacity:
        errs.required("spec.capacity")
    for name, qty in capacity.items():
        try:
            if parse_quantity(qty) <= 0:
                errs.invalid(f"spec.capacity[{name}]", qty, "must be greater than zero")
        except (ValueError, TypeError):
            pass  # the decoder rejects it first
    klass = spec.get("storageClassName")
    if klass:
        validate_dns1123_subdomain(errs, klass, "spec.storageClassName")
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy and policy not in RECLAIM_POLICIES:
        errs.not_supported("spec.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES)
    mode = spec.get("volumeMode")
    if mode is not None and mode not in ("Block", "Filesystem"):
        errs.not_supported("spec.volumeMode", mode, ["Block", "Filesystem"])
    sources = [s for s in PV_SOURCES if spec.get(s) is not None]
    for extra in sources[1:]:
        errs.forbidden(f"spec.{extra}", "may not specify more than 1 volume type")
    if not sources:
        errs.required("spec", "must specify a volume type")
    host_path = as_dict(spec.get("hostPath"))
    if "hostPath" in sources[:1]:
        path = host_path.get("path") or ""
        if not path:
            errs.required("spec.hostPath.path")
        elif ".." in path.split("/"):
            errs.invalid("spec.hostPath.path", path, "must not contain '..'")
        elif posixpath.normpath(path) == "/" and policy == "Recycle":
            errs.forbidden("spec.persistentVolumeReclaimPolicy",
                           "may not be 'recycle' for a hostPath mount of '/'")


def validate_persistent_volume(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    spec = as_dict(obj.get("spec"))
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), False, name_is_dns_subdomain)
        _validate_pv_spec(errs, spec)
        return
    validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    _validate_pv_spec(errs, spec)
    old_spec = as_dict(old.get("spec"))
    if not all(semantic_equal(spec.get(s), old_spec.get(s)) for s in PV_SOURCES):
        errs.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation")
    validate_immutable(errs, spec.get("volumeMode"), old_spec.get("volumeMode"), "volumeMode")


def validate_storage_class(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), False, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    provisioner = obj.get("provisioner") or ""
    if not provisioner:
        errs.required("provisioner")
    else:
        validate_qualified_name(errs, provisioner.lower(), "provisioner")
    policy = obj.get("reclaimPolicy")
    if policy and policy not in SC_RECLAIM_POLICIES:
        errs.not_supported("reclaimPolicy", policy, SC_RECLAIM_POLICIES)
    mode = obj.get("volumeBindingMode")
    if mode and mode not in BINDING_MODES:
        errs.not_supported("volumeBindingMode", mode, BINDING_MODES)
    if old is None:
        return
    if not semantic_equal(obj.get("parameters") or {}, old.get("parameters") or {}):
        errs.forbidden("parameters", "updates to parameters are forbidden.")
    if provisioner != (old.get("provisioner") or ""):
        errs.forbidden("provisioner", "updates to provisioner are forbidden.")
    if obj.get("reclaimPolicy") != old.get("reclaimPolicy"):
        errs.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden.")
    validate_immutable(errs, obj.get("volumeBindingMode"), old.get("volumeBindingMode"),
                       "volumeBindingMode")
