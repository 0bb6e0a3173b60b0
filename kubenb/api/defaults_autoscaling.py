"""Defaults of autoscaling/v2 HorizontalPodAutoscaler, policy/v1 PodDisruptionBudget and
coordination.k8s.io/v1 Lease.

Kubernetes pkg/apis/autoscaling/v2/defaults.go: minReplicas 1, no metrics means 80 % CPU
utilization, and a behavior that is given gets every missing field from the defaults below
(a nil behavior stays nil: the controller then uses its built-in rules, which are the same
numbers). A PodDisruptionBudget has no spec defaults (an unset unhealthyPodEvictionPolicy
behaves as IfHealthyBudget); the zero status fields are served as zeros, as Go's int32
fields are. A Lease has no defaults, but its MicroTimes are stored as the apiserver
re-encodes them (UTC, microseconds: a client's `+02:00` offset becomes `Z`). Registered in
kubenb/api/defaults.py's per-kind table.
"""

from __future__ import annotations

import re

from kubenb.api.objects import Obj
from kubenb.clock import parse_time, rfc3339_micro

DEFAULT_CPU_UTILIZATION = 80
SCALE_DOWN_WINDOW = 300
SCALE_UP_WINDOW = 0


def scale_up_rules(rules: Obj | None) -> Obj:
    """GenerateHPAScaleUpRules: max(100 %, 4 pods) per 15 s, no window, selectPolicy Max."""
    rules = dict(rules or {})
    if not rules.get("policies"):
        rules["policies"] = [{"type": "Pods", "value": 4, "periodSeconds": 15},
                             {"type": "Percent", "value": 100, "periodSeconds": 15}]
    rules.setdefault("selectPolicy", "Max")
    if rules.get("stabilizationWindowSeconds") is None:
        rules["stabilizationWindowSeconds"] = SCALE_UP_WINDOW
    return rules


def scale_down_rules(rules: Obj | None) -> Obj:
    """GenerateHPAScaleDownRules: 100 % per 15 s after a 300 s window, selectPolicy Max."""
    rules = dict(rules or {})
    if not rules.get("policies"):
        rules["policies"] = [{"type": "Percent", "value": 100, "periodSeconds": 15}]
    rules.setdefault("selectPolicy", "Max")
    if rules.get("stabilizationWindowSeconds") is None:
        rules["stabilizationWindowSeconds"] = SCALE_DOWN_WINDOW
    return rules


def default_hpa(hpa: Obj) -> None:
    spec = hpa.setdefault("spec", {})
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization",
                                      "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        behavior["scaleUp"] = scale_up_rules(behavior.get("scaleUp"))
        behavior["scaleDown"] = scale_down_rules(behavior.get("scaleDown"))
    status = hpa.get("status")
    if not isinstance(status, dict):
        status = hpa["status"] = {}
    status.setdefault("currentReplicas", 0)
    status.setdefault("desiredReplicas", 0)


def default_pdb(pdb: Obj) -> None:
    pdb.setdefault("spec", {})
    status = pdb.get("status")
    if not isinstance(status, dict):
        status = pdb["status"] = {}
    for key in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
        status.setdefault(key, 0)


_MICRO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def default_lease(lease: Obj) -> None:
    spec = lease.get("spec")
    if not isinstance(spec, dict):
        return
    for key in ("acquireTime", "renewTime"):
        value = spec.get(key)
        if isinstance(value, str) and value and not _MICRO_TIME.fullmatch(value):
            try:
                spec[key] = rfc3339_micro(parse_time(value))
            except ValueError:
                continue  # left for the caller to see as written
