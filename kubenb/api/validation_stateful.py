"""Validation of StatefulSets, ControllerRevisions and PersistentVolumeClaims (v1.32).

Mirrors pkg/apis/apps/validation (ValidateStatefulSet{,Spec,Update},
ValidatePodTemplateSpecForStatefulSet, ValidateControllerRevision{,Update}) and
pkg/apis/core/validation (ValidatePersistentVolumeClaim{,Spec,Update}), in their words.
As in 1.32, `spec.serviceName` is not checked at all (it became an optional, DNS-label
checked field in 1.33), the pod template is checked for its labels and annotations only
(the full pod spec check is a TODO upstream: claim-template volumes would fail it), and an
update may change only replicas, ordinals, template, updateStrategy,
persistentVolumeClaimRetentionPolicy and minReadySeconds. Called by `validation.validate`.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.quantity import parse_quantity
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    selector_is_empty,
    selector_matches,
    semantic_equal,
    validate_annotations,
    validate_immutable,
    validate_label_selector,
    validate_labels,
    validate_nonnegative,
    validate_object_meta,
    validate_object_meta_update,
)
from kubenb.api.validation_workload import (
    invalid_template_labels,
    validate_required_selector,
    validate_template_restart,
)

STS_UPDATE_FORBIDDEN = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")
_UPDATABLE = ("replicas", "ordinals", "template", "updateStrategy",
              "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
PVC_SPEC_IMMUTABLE = ("spec is immutable after creation except resources.requests and "
                      "volumeAttributesClassName for bound claims")


def _go_strategy(strategy: Obj) -> Obj:
    """The internal StatefulSetUpdateStrategy as Go prints it (errors.py sorts the keys)."""
    ru = strategy.get("rollingUpdate")
    internal = None if not isinstance(ru, dict) else {
        "Partition": ru.get("partition", 0), "MaxUnavailable": ru.get("maxUnavailable")}
    return {"Type": strategy.get("type") or "", "RollingUpdate": internal}


def _validate_strategy(errs: ErrorList, strategy: Any, path: str) -> None:
    strategy = as_dict(strategy)
    stype = strategy.get("type") or ""
    ru = strategy.get("rollingUpdate")
    if stype == "":
        errs.required(path)
    elif stype == "OnDelete":
        if ru is not None:
            errs.invalid(f"{path}.rollingUpdate", _go_strategy(strategy)["RollingUpdate"],
                         "only allowed for updateStrategy 'RollingUpdate'")
    elif stype == "RollingUpdate":
        if isinstance(ru, dict):
            validate_nonnegative(errs, ru.get("partition", 0), f"{path}.rollingUpdate.partition")
    else:
        errs.invalid(path, _go_strategy(strategy), "must be 'RollingUpdate' or 'OnDelete'")


def _validate_retention(errs: ErrorList, policy: Any, path: str) -> None:
    policy = as_dict(policy)
    for key in ("whenDeleted", "whenScaled"):
        value = policy.get(key) or ""
        if value not in ("Retain", "Delete"):
            errs.not_supported(f"{path}.{key}", value, ["Retain", "Delete"])


def validate_statefulset_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    """ValidateStatefulSetSpec (v1.32)."""
    spec = as_dict(spec)
    policy = spec.get("podManagementPolicy") or ""
    if policy == "":
        errs.required(f"{path}.podManagementPolicy")
    elif policy not in ("OrderedReady", "Parallel"):
        errs.invalid(f"{path}.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'")
    _validate_strategy(errs, spec.get("updateStrategy"), f"{path}.updateStrategy")
    _validate_retention(errs, spec.get("persistentVolumeClaimRetentionPolicy"),
                        f"{path}.persistentVolumeClaimRetentionPolicy")
    validate_nonnegative(errs, spec.get("replicas", 0), f"{path}.replicas")
    validate_nonnegative(errs, spec.get("minReadySeconds", 0), f"{path}.minReadySeconds")
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        validate_nonnegative(errs, ordinals.get("start", 0), f"{path}.ordinals.start")
    selector = spec.get("selector")
    convertible = validate_required_selector(errs, selector, f"{path}.selector", "statefulset")
    template = as_dict(spec.get("template"))
    if not convertible:
        errs.invalid(f"{path}.selector", selector, "")
    else:
        tmeta = as_dict(template.get("metadata"))
        labels = tmeta.get("labels")
        if selector is not None and not selector_is_empty(selector) and not selector_matches(selector, labels):
            invalid_template_labels(errs, f"{path}.template", labels)
        validate_labels(errs, labels, f"{path}.template.labels")
        validate_annotations(errs, tmeta.get("annotations"), f"{path}.template.annotations")
    validate_template_restart(errs, as_dict(template.get("spec")), f"{path}.template", deadline_kind="StatefulSet")


def validate_statefulset(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
        validate_statefulset_spec(errs, obj.get("spec"))
        return
    validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    validate_statefulset_spec(errs, obj.get("spec"))
    new_spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
    fixed_new = {k: v for k, v in new_spec.items() if k not in _UPDATABLE}
    fixed_old = {k: v for k, v in old_spec.items() if k not in _UPDATABLE}
    if not semantic_equal(fixed_new, fixed_old):
        errs.forbidden("spec", STS_UPDATE_FORBIDDEN)


# ---- ControllerRevision -----------------------------------------------------------------

def validate_controller_revision(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    if obj.get("data") is None:
        errs.required("data", "data is mandatory")
    validate_nonnegative(errs, obj.get("revision", 0), "revision")
    if old is not None:
        validate_immutable(errs, obj.get("data"), old.get("data"), "data")


# ---- PersistentVolumeClaim --------------------------------------------------------------

def validate_claim_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    """ValidatePersistentVolumeClaimSpec: access modes, storage request, volume mode."""
    spec = as_dict(spec)
    modes = as_list(spec.get("accessModes"))
    if not modes:
        errs.required(f"{path}.accessModes", "at least 1 access mode is required")
    if spec.get("selector") is not None:
        validate_label_selector(errs, spec["selector"], f"{path}.selector")
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.not_supported(f"{path}.accessModes", mode, ACCESS_MODES)
    requests = as_dict(as_dict(spec.get("resources")).get("requests"))
    if "storage" not in requests:
        errs.required(f"{path}.resources[storage]")
    else:
        try:
            if parse_quantity(requests["storage"]) <= 0:
                errs.invalid(f"{path}.resources[storage]", requests["storage"], "must be greater than zero")
        except (ValueError, TypeError):
            pass  # the decoder rejects it first
    mode = spec.get("volumeMode")
    if mode is not None and mode not in ("Block", "Filesystem"):
        errs.not_supported(f"{path}.volumeMode", mode, ["Block", "Filesystem"])


def validate_claim(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
        validate_claim_spec(errs, obj.get("spec"))
        return
    validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    validate_claim_spec(errs, obj.get("spec"))
    new_spec, old_spec = dict(as_dict(obj.get("spec"))), dict(as_dict(old.get("spec")))
    if not old_spec.get("volumeName"):  # the PV controller sets volumeName once
        old_spec["volumeName"] = new_spec.get("volumeName")
        if old_spec["volumeName"] is None:
            del old_spec["volumeName"]
    if (as_dict(old.get("status")).get("phase") == "Bound"):
        for spec in (new_spec, old_spec):
            spec.pop("volumeAttributesClassName", None)
            spec["resources"] = {k: v for k, v in as_dict(spec.get("resources")).items() if k != "requests"}
    if not semantic_equal(new_spec, old_spec):
        errs.forbidden("spec", PVC_SPEC_IMMUTABLE)
