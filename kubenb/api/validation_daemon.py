"""Validation of apps/v1 DaemonSets and v1 ReplicationControllers (create and update).

Mirrors pkg/apis/apps/validation (ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy,
ValidateRollingUpdateDaemonSet, the immutable selector of ValidateDaemonSetUpdate) and
pkg/apis/core/validation (ValidateReplicationControllerSpec, ValidateNonEmptySelector,
ValidatePodTemplateSpecForRC; an RC's selector may change). Pod template checks come from
validation_pod, the selector-mismatch and restartPolicy steps from validation_workload; registered in validation._VALIDATORS.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_apps import _int_or_percent, _validate_positive_int_or_percent
from kubenb.api.validation_meta import (
    as_dict,
    name_is_dns_subdomain,
    selector_is_empty,
    selector_matches,
    validate_label_selector,
    validate_nonnegative,
    validate_object_meta,
    validate_object_meta_update,
)
from kubenb.api.validation_pod import validate_pod_template_spec
from kubenb.api.validation_workload import (
    invalid_template_labels,
    validate_template_restart,
    with_immutable_selector,
)

DAEMONSET_STRATEGY_TYPES = ["RollingUpdate", "OnDelete"]


def _not_more_than_100_percent(errs: ErrorList, value: Any, path: str) -> None:
    if isinstance(value, str) and not names.percent_errors(value) and int(value[:-1]) > 100:
        errs.invalid(path, value, "must not be greater than 100%")


def _validate_rolling_update(errs: ErrorList, ru: Obj, path: str) -> None:
    unavailable, surge = ru.get("maxUnavailable", 0), ru.get("maxSurge", 0)
    _validate_positive_int_or_percent(errs, unavailable, f"{path}.maxUnavailable")
    _validate_positive_int_or_percent(errs, surge, f"{path}.maxSurge")
    _not_more_than_100_percent(errs, unavailable, f"{path}.maxUnavailable")
    _not_more_than_100_percent(errs, surge, f"{path}.maxSurge")
    has_unavailable, has_surge = _int_or_percent(unavailable) != 0, _int_or_percent(surge) != 0
    if has_unavailable and has_surge:
        errs.invalid(f"{path}.maxSurge", surge, "may not be set when maxUnavailable is non-zero")
    elif not has_unavailable and not has_surge:
        errs.required(f"{path}.maxUnavailable", "cannot be 0 when maxSurge is 0")


def _validate_update_strategy(errs: ErrorList, strategy: Any, path: str) -> None:
    strategy = as_dict(strategy)
    stype = strategy.get("type")
    if stype == "OnDelete":
        return
    if stype == "RollingUpdate":
        if strategy.get("rollingUpdate") is None:
            errs.required(f"{path}.rollingUpdate")
        else:
            _validate_rolling_update(errs, as_dict(strategy["rollingUpdate"]), f"{path}.rollingUpdate")
        return
    # Go prints the internal struct, which has no JSON tags.
    ru = strategy.get("rollingUpdate")
    internal = None if not isinstance(ru, dict) else {
        "MaxUnavailable": ru.get("maxUnavailable", 0), "MaxSurge": ru.get("maxSurge", 0)}
    errs.not_supported(path, {"Type": stype or "", "RollingUpdate": internal}, DAEMONSET_STRATEGY_TYPES)


def validate_daemonset_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    spec = as_dict(spec)
    selector = spec.get("selector")
    convertible = validate_label_selector(errs, selector, f"{path}.selector") if selector is not None else True
    template = as_dict(spec.get("template"))
    labels = as_dict(template.get("metadata")).get("labels")
    # A missing selector selects nothing.
    if convertible and (selector is None or not selector_matches(selector, labels)):
        invalid_template_labels(errs, f"{path}.template", labels)
    if selector is not None and selector_is_empty(selector):
        errs.invalid(f"{path}.selector", selector, "empty selector is invalid for daemonset")
    validate_pod_template_spec(errs, template, f"{path}.template")
    validate_template_restart(errs, as_dict(template.get("spec")), f"{path}.template", deadline_kind="DaemonSet")
    validate_nonnegative(errs, spec.get("minReadySeconds", 0), f"{path}.minReadySeconds")
    _validate_update_strategy(errs, spec.get("updateStrategy"), f"{path}.updateStrategy")
    if spec.get("revisionHistoryLimit") is not None:
        validate_nonnegative(errs, spec["revisionHistoryLimit"], f"{path}.revisionHistoryLimit")


validate_daemonset = with_immutable_selector(validate_daemonset_spec)


def validate_replicationcontroller_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    spec = as_dict(spec)
    validate_nonnegative(errs, spec.get("minReadySeconds", 0), f"{path}.minReadySeconds")
    selector = as_dict(spec.get("selector"))
    if not selector:
        errs.required(f"{path}.selector")
    validate_nonnegative(errs, spec.get("replicas", 0), f"{path}.replicas")
    template = spec.get("template")
    if template is None:
        errs.required(f"{path}.template")
        return
    template = as_dict(template)
    labels = as_dict(template.get("metadata")).get("labels")
    if selector and not selector_matches({"matchLabels": selector}, labels):
        invalid_template_labels(errs, f"{path}.template", labels)
    validate_pod_template_spec(errs, template, f"{path}.template")
    validate_template_restart(errs, as_dict(template.get("spec")), f"{path}.template",
                              deadline_kind="ReplicationController")


def validate_replicationcontroller(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    validate_replicationcontroller_spec(errs, obj.get("spec"))
