"""Validation of apps/v1 Deployments and ReplicaSets (create and update).

Mirrors pkg/apis/apps/validation (ValidateDeploymentSpec, ValidateReplicaSetSpec,
ValidatePodTemplateSpecForReplicaSet, ValidateRollingUpdateDeployment) and the
selector-immutability check of the apps/v1 registry strategies. Pod template checks
come from validation_pod, the selector and restartPolicy steps from validation_workload.
"""

from __future__ import annotations

import re
from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    selector_is_empty,
    selector_matches,
    validate_nonnegative,
)
from kubenb.api.validation_pod import validate_pod_template_spec
from kubenb.api.validation_workload import (
    invalid_template_labels,
    validate_required_selector,
    validate_template_restart,
    with_immutable_selector,
)

STRATEGY_TYPES = ["Recreate", "RollingUpdate"]


def _int_or_percent(value: Any) -> int:
    """getIntOrPercentValue: "25%" -> 25, 3 -> 3, "5" -> 5 (Atoi), anything else -> 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if not names.percent_errors(value):
            return int(value[:-1])
        if re.fullmatch(r"[+-]?[0-9]+", value):
            return int(value)
    return 0


def _validate_positive_int_or_percent(errs: ErrorList, value: Any, path: str) -> None:
    if isinstance(value, str):
        for msg in names.percent_errors(value):
            errs.invalid(path, value, msg)
    elif isinstance(value, int) and not isinstance(value, bool):
        validate_nonnegative(errs, value, path)
    else:
        errs.invalid(path, value, "must be an integer or percentage (e.g '5%%')")


def _validate_rolling_update(errs: ErrorList, ru: Obj, path: str) -> None:
    max_unavailable, max_surge = ru.get("maxUnavailable", 0), ru.get("maxSurge", 0)
    _validate_positive_int_or_percent(errs, max_unavailable, f"{path}.maxUnavailable")
    _validate_positive_int_or_percent(errs, max_surge, f"{path}.maxSurge")
    if _int_or_percent(max_unavailable) == 0 and _int_or_percent(max_surge) == 0:
        errs.invalid(f"{path}.maxUnavailable", max_unavailable, "may not be 0 when `maxSurge` is 0")
    if isinstance(max_unavailable, str) and not names.percent_errors(max_unavailable) \
            and int(max_unavailable[:-1]) > 100:
        errs.invalid(f"{path}.maxUnavailable", max_unavailable, "must not be greater than 100%")


def _validate_strategy(errs: ErrorList, strategy: Any, path: str) -> None:
    strategy = as_dict(strategy)
    stype = strategy.get("type")
    if stype == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.forbidden(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")
    elif stype == "RollingUpdate":
        if strategy.get("rollingUpdate") is None:
            errs.required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")
        else:
            _validate_rolling_update(errs, as_dict(strategy["rollingUpdate"]), f"{path}.rollingUpdate")
    else:
        # Go prints the internal struct, which has no JSON tags (errors.py sorts the keys).
        ru = strategy.get("rollingUpdate")
        internal = None if not isinstance(ru, dict) else {
            "MaxUnavailable": ru.get("maxUnavailable", 0), "MaxSurge": ru.get("maxSurge", 0)}
        errs.not_supported(path, {"Type": stype or "", "RollingUpdate": internal}, STRATEGY_TYPES)


def _validate_selector_and_template(errs: ErrorList, spec: Obj, path: str) -> None:
    selector = spec.get("selector")
    if not validate_required_selector(errs, selector, f"{path}.selector", "deployment"):
        errs.invalid(f"{path}.selector", selector, "invalid label selector")
        return
    template = as_dict(spec.get("template"))
    labels = as_dict(template.get("metadata")).get("labels")
    # A missing selector selects nothing; an empty one selects everything.
    if selector is None or (not selector_is_empty(selector) and not selector_matches(selector, labels)):
        invalid_template_labels(errs, f"{path}.template", labels)
    validate_pod_template_spec(errs, template, f"{path}.template")
    validate_template_restart(errs, as_dict(template.get("spec")), f"{path}.template", deadline_kind="ReplicaSet")


def validate_deployment_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    spec = as_dict(spec)
    validate_nonnegative(errs, spec.get("replicas", 0), f"{path}.replicas")
    _validate_selector_and_template(errs, spec, path)
    _validate_strategy(errs, spec.get("strategy"), f"{path}.strategy")
    min_ready = spec.get("minReadySeconds", 0)
    validate_nonnegative(errs, min_ready, f"{path}.minReadySeconds")
    if spec.get("revisionHistoryLimit") is not None:
        validate_nonnegative(errs, spec["revisionHistoryLimit"], f"{path}.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        validate_nonnegative(errs, deadline, f"{path}.progressDeadlineSeconds")
        if deadline <= min_ready:
            errs.invalid(f"{path}.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds")


def validate_replicaset_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    spec = as_dict(spec)
    validate_nonnegative(errs, spec.get("replicas", 0), f"{path}.replicas")
    validate_nonnegative(errs, spec.get("minReadySeconds", 0), f"{path}.minReadySeconds")
    _validate_selector_and_template(errs, spec, path)


validate_deployment = with_immutable_selector(validate_deployment_spec)


validate_replicaset = with_immutable_selector(validate_replicaset_spec)
