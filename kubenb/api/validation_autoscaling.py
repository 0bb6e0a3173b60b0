"""Validation of policy/v1 PodDisruptionBudget and autoscaling/v2 HorizontalPodAutoscaler.

Kubernetes pkg/apis/policy/validation (ValidatePodDisruptionBudgetSpec) and
pkg/apis/autoscaling/validation (ValidateHorizontalPodAutoscaler), in the API server's words.
Registered in kubenb/api/validation.py's per-kind table; runs after the defaults of
kubenb/api/defaults_autoscaling.py.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList, GoText
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    validate_label_selector,
    validate_nonnegative,
    validate_object_meta,
    validate_object_meta_update,
)

UNHEALTHY_POLICIES = ["AlwaysAllow", "IfHealthyBudget"]
METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
TARGET_TYPES = ("Utilization", "Value", "AverageValue")
MAX_STABILIZATION_SECONDS = 3600
MAX_PERIOD_SECONDS = 1800


def _spec_text(spec: Obj) -> str:
    """policy.PodDisruptionBudgetSpec as %#v prints it: pointers as addresses."""
    def ptr(go_type: str, present: bool, addr: int) -> str:
        return f"({go_type})(0xc000{addr:06x})" if present else f"({go_type})(nil)"

    return ("policy.PodDisruptionBudgetSpec{"
            f"MinAvailable:{ptr('*intstr.IntOrString', 'minAvailable' in spec, 0x12a340)}, "
            f"Selector:{ptr('*v1.LabelSelector', spec.get('selector') is not None, 0x12a360)}, "
            f"MaxUnavailable:{ptr('*intstr.IntOrString', 'maxUnavailable' in spec, 0x12a380)}, "
            "UnhealthyPodEvictionPolicy:"
            f"{ptr('*policy.UnhealthyPodEvictionPolicyType', 'unhealthyPodEvictionPolicy' in spec, 0x12a3a0)}"
            "}")


def _int_or_percent(errs: ErrorList, value: Any, path: str) -> None:
    """ValidatePositiveIntOrPercent + IsNotMoreThan100Percent."""
    if isinstance(value, str):
        problems = names.percent_errors(value)
        for msg in problems:
            errs.invalid(path, value, msg)
        if not problems:
            pct = int(value[:-1])
            validate_nonnegative(errs, pct, path)
            if pct > 100:
                errs.invalid(path, value, "must not be greater than 100%")
    elif isinstance(value, int) and not isinstance(value, bool):
        validate_nonnegative(errs, value, path)
    else:
        errs.invalid(path, value, "must be an integer or percentage (e.g '5%%')")


def validate_pdb_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    spec = as_dict(spec)
    if "minAvailable" in spec and "maxUnavailable" in spec:
        errs.invalid(path, GoText(_spec_text(spec)), "minAvailable and maxUnavailable cannot be both set")
    for key in ("minAvailable", "maxUnavailable"):
        if key in spec:
            _int_or_percent(errs, spec[key], f"{path}.{key}")
    if spec.get("selector") is not None:
        validate_label_selector(errs, spec["selector"], f"{path}.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POLICIES:
        errs.not_supported(f"{path}.unhealthyPodEvictionPolicy", policy, UNHEALTHY_POLICIES)


def validate_pdb(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    validate_pdb_spec(errs, obj.get("spec"))


# ---- HorizontalPodAutoscaler --------------------------------------------------------------

def _target(errs: ErrorList, target: Any, path: str) -> None:
    """validateMetricTarget."""
    target = as_dict(target)
    ttype = target.get("type")
    if not ttype:
        errs.required(f"{path}.type", "must specify a metric target type")
    elif ttype not in TARGET_TYPES:
        errs.invalid(f"{path}.type", ttype, "must be either Utilization, Value, or AverageValue")
    util = target.get("averageUtilization")
    if util is not None and isinstance(util, int) and util < 1:
        errs.invalid(f"{path}.averageUtilization", util, "must be greater than 0")
    if ttype == "Utilization" and util is None:
        errs.required(f"{path}.averageUtilization", "must set either a target raw value or a target utilization")


def _metric(errs: ErrorList, metric: Any, path: str) -> None:
    metric = as_dict(metric)
    mtype = metric.get("type")
    if not mtype:
        errs.required(f"{path}.type", "must specify a metric source type")
        return
    if mtype not in METRIC_TYPES:
        errs.invalid(f"{path}.type", mtype,
                     "must be either External, Object, Pods, Resource or ContainerResource")
        return
    key = mtype[0].lower() + mtype[1:]
    source = metric.get(key)
    if source is None:
        errs.required(f"{path}.{key}", "must populate information for the given metric source")
        return
    source = as_dict(source)
    if mtype in ("Resource", "ContainerResource"):
        if not source.get("name"):
            errs.required(f"{path}.{key}.name", "must specify a resource name")
        _target(errs, source.get("target"), f"{path}.{key}.target")


def _rules(errs: ErrorList, rules: Any, path: str) -> None:
    if rules is None:
        return
    rules = as_dict(rules)
    window = rules.get("stabilizationWindowSeconds")
    if isinstance(window, int):
        validate_nonnegative(errs, window, f"{path}.stabilizationWindowSeconds")
        if window > MAX_STABILIZATION_SECONDS:
            errs.invalid(f"{path}.stabilizationWindowSeconds", window,
                         f"must be less than or equal to {MAX_STABILIZATION_SECONDS}")
    for i, policy in enumerate(as_list(rules.get("policies"))):
        policy = as_dict(policy)
        ppath = f"{path}.policies[{i}]"
        ptype = policy.get("type")
        if ptype not in ("Pods", "Percent"):
            errs.invalid(f"{ppath}.type", ptype or "", "must be either Pods or Percent")
        period = policy.get("periodSeconds", 0)
        if not isinstance(period, int) or period <= 0:
            errs.invalid(f"{ppath}.periodSeconds", period, "must be greater than zero")
        elif period > MAX_PERIOD_SECONDS:
            errs.invalid(f"{ppath}.periodSeconds", period,
                         f"must be less than or equal to {MAX_PERIOD_SECONDS}")
        value = policy.get("value", 0)
        if not isinstance(value, int) or value <= 0:
            errs.invalid(f"{ppath}.value", value, "must be greater than zero")


def _path_segment_errors(name: str) -> list[str]:
    """path.IsValidPathSegmentName."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in "/%" if c in name]


def validate_hpa_spec(errs: ErrorList, spec: Any, path: str = "spec") -> None:
    spec = as_dict(spec)
    min_r, max_r = spec.get("minReplicas"), spec.get("maxReplicas", 0)
    if isinstance(min_r, int) and min_r < 1:
        errs.invalid(f"{path}.minReplicas", min_r, "must be greater than or equal to 1")
    if isinstance(max_r, int) and max_r < 1:
        errs.invalid(f"{path}.maxReplicas", max_r, "must be greater than 0")
    if isinstance(min_r, int) and isinstance(max_r, int) and max_r < min_r:
        errs.invalid(f"{path}.maxReplicas", max_r, "must be greater than or equal to `minReplicas`")
    ref = as_dict(spec.get("scaleTargetRef"))
    for key in ("kind", "name"):
        value = ref.get(key)
        if not value:
            errs.required(f"{path}.scaleTargetRef.{key}")
        else:
            for msg in _path_segment_errors(str(value)):
                errs.invalid(f"{path}.scaleTargetRef.{key}", value, msg)
    for i, metric in enumerate(as_list(spec.get("metrics"))):
        _metric(errs, metric, f"{path}.metrics[{i}]")
    behavior = spec.get("behavior")
    if behavior is not None:
        behavior = as_dict(behavior)
        _rules(errs, behavior.get("scaleUp"), f"{path}.behavior.scaleUp")
        _rules(errs, behavior.get("scaleDown"), f"{path}.behavior.scaleDown")


def validate_hpa(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    validate_hpa_spec(errs, obj.get("spec"))
