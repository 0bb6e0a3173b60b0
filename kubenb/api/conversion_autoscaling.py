"""autoscaling/v1 HorizontalPodAutoscaler <-> the stored autoscaling/v2 object.

Kubernetes keeps HPAs as autoscaling/v2 and serves autoscaling/v1 by conversion
(pkg/apis/autoscaling/v1/conversion.go). v1 has one target, `targetCPUUtilizationPercentage`,
and one status figure, `currentCPUUtilizationPercentage`; everything else a v2 object says
travels in annotations of the v1 object, written as Go's encoding/json writes them:

- `autoscaling.alpha.kubernetes.io/metrics`: the spec metrics other than a CPU Utilization
  target, in v1's (v2beta1-shaped) MetricSpec form;
- `autoscaling.alpha.kubernetes.io/current-metrics`: every status metric, v1 MetricStatus form;
- `autoscaling.alpha.kubernetes.io/behavior`: the behavior, with the Go field names of the
  internal type (`ScaleUp`, `StabilizationWindowSeconds` …), as upstream marshals it;
- `autoscaling.alpha.kubernetes.io/conditions`: the status conditions.

Reading those annotations back on a v1 write restores the v2 fields, then the annotations are
dropped; a v1 object without a CPU target and without other metrics gets the 80 % CPU default.
Both directions return new objects and never touch their input.
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api.defaults_autoscaling import DEFAULT_CPU_UTILIZATION
from kubenb.api.objects import Obj, clone

PREFIX = "autoscaling.alpha.kubernetes.io/"
METRICS = PREFIX + "metrics"
CURRENT_METRICS = PREFIX + "current-metrics"
BEHAVIOR = PREFIX + "behavior"
CONDITIONS = PREFIX + "conditions"
ROUND_TRIP = (METRICS, CURRENT_METRICS, BEHAVIOR, CONDITIONS)


def go_json(value: Any) -> str:
    """encoding/json.Marshal: compact, and <, >, & escaped as Go's HTML-safe encoder does."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _put(out: Obj, key: str, value: Any) -> None:
    """Set an `omitempty` field: a nil pointer or an empty string stays out."""
    if value is not None and value != "":
        out[key] = value


def _ref(ref: Obj | None) -> Obj:
    ref = ref or {}
    out = {"kind": ref.get("kind", ""), "name": ref.get("name", "")}
    _put(out, "apiVersion", ref.get("apiVersion"))
    return out


def _identifier(name: Any, selector: Any) -> Obj:
    out: Obj = {"name": name or ""}
    _put(out, "selector", selector)
    return out


# ---- v2 -> v1 ---------------------------------------------------------------------------

# v1's fields of one metric source (Resource also stands for ContainerResource), in v1's
# order: (v1 key, v2 target/current key, required: a zero Quantity "0" when unset)
_Fields = dict[str, tuple[tuple[str, str, bool], ...]]
SPEC_FIELDS: _Fields = {
    "Object": (("targetValue", "value", True), ("averageValue", "averageValue", False)),
    "Pods": (("targetAverageValue", "averageValue", True),),
    "Resource": (("targetAverageUtilization", "averageUtilization", False),
                 ("targetAverageValue", "averageValue", False)),
    "External": (("targetValue", "value", False), ("targetAverageValue", "averageValue", False)),
}
STATUS_FIELDS: _Fields = {
    "Object": (("currentValue", "value", True), ("averageValue", "averageValue", False)),
    "Pods": (("currentAverageValue", "averageValue", True),),
    "Resource": (("currentAverageUtilization", "averageUtilization", False),
                 ("currentAverageValue", "averageValue", True)),
    "External": (("currentValue", "value", True), ("currentAverageValue", "averageValue", False)),
}


def _source(m: Obj) -> tuple[str, str, str, Obj | None]:
    """(type, source key, family, source) of a metric; Resource's family holds
    ContainerResource."""
    typ = m.get("type", "")
    key = _source_key(typ)
    src = m.get(key)
    return (typ, key, "Resource" if typ == "ContainerResource" else typ,
            src if isinstance(src, dict) else None)


def _metric_v1(m: Obj, part: str, fields: _Fields) -> Obj:
    """A v2 MetricSpec (`part` "target") or MetricStatus ("current") in v1's form."""
    typ, key, family, src = _source(m)
    out: Obj = {"type": typ}
    if src is None or family not in fields:
        return out
    values = src.get(part) or {}
    metric = src.get("metric") or {}
    v1: Obj = {}
    if family == "Object":
        v1["target"] = _ref(src.get("describedObject"))
    if family == "Resource":
        v1["name"] = src.get("name", "")
    else:
        v1["metricName"] = metric.get("name", "")
    if family == "External":
        _put(v1, "metricSelector", metric.get("selector"))
    for i, (v1key, v2key, required) in enumerate(fields[family]):
        if required:
            v1[v1key] = values.get(v2key) or "0"
        else:
            _put(v1, v1key, values.get(v2key))
        if i == 0 and family in ("Object", "Pods"):
            _put(v1, "selector", metric.get("selector"))
    if typ == "ContainerResource":
        v1["container"] = src.get("container", "")
    out[key] = v1
    return out


def _source_key(typ: str) -> str:
    return typ[:1].lower() + typ[1:] if typ else ""


def _behavior_go(behavior: Obj) -> Obj:
    def rules(r: Obj | None) -> Obj | None:
        if r is None:
            return None
        return {"StabilizationWindowSeconds": r.get("stabilizationWindowSeconds"),
                "SelectPolicy": r.get("selectPolicy"),
                "Policies": [{"Type": p.get("type", ""), "Value": p.get("value", 0),
                              "PeriodSeconds": p.get("periodSeconds", 0)}
                             for p in r.get("policies") or []] or None}
    return {"ScaleUp": rules(behavior.get("scaleUp")),
            "ScaleDown": rules(behavior.get("scaleDown"))}


def _is_cpu_utilization(m: Obj, field: str) -> bool:
    res = m.get("resource") if m.get("type") == "Resource" else None
    return bool(res) and res.get("name") == "cpu" and \
        (res.get(field) or {}).get("averageUtilization") is not None


def to_v1(hpa: Obj) -> Obj:
    """The autoscaling/v1 view of a stored autoscaling/v2 HorizontalPodAutoscaler."""
    spec = hpa.get("spec") or {}
    status = hpa.get("status") or {}
    meta = clone(hpa.get("metadata") or {})
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k not in ROUND_TRIP}
    metrics = spec.get("metrics") or []
    v1spec: Obj = {"scaleTargetRef": _ref(spec.get("scaleTargetRef"))}
    _put(v1spec, "minReplicas", spec.get("minReplicas"))
    v1spec["maxReplicas"] = spec.get("maxReplicas", 0)
    for m in metrics:
        if m.get("type") == "Resource" and (m.get("resource") or {}).get("name") == "cpu":
            target = (m["resource"].get("target") or {}).get("averageUtilization")
            if target is not None:
                v1spec["targetCPUUtilizationPercentage"] = target
            break
    v1status: Obj = {}
    _put(v1status, "observedGeneration", status.get("observedGeneration"))
    _put(v1status, "lastScaleTime", status.get("lastScaleTime"))
    v1status["currentReplicas"] = status.get("currentReplicas", 0)
    v1status["desiredReplicas"] = status.get("desiredReplicas", 0)
    for m in status.get("currentMetrics") or []:
        res = m.get("resource") if m.get("type") == "Resource" else None
        if res and res.get("name") == "cpu":
            current = (res.get("current") or {}).get("averageUtilization")
            if current is not None:
                v1status["currentCPUUtilizationPercentage"] = current
    others = [_metric_v1(m, "target", SPEC_FIELDS) for m in metrics
              if not _is_cpu_utilization(m, "target")]
    if others:
        annotations[METRICS] = go_json(others)
    if status.get("currentMetrics"):
        annotations[CURRENT_METRICS] = go_json(
            [_metric_v1(m, "current", STATUS_FIELDS) for m in status["currentMetrics"]])
    if spec.get("behavior") is not None:
        annotations[BEHAVIOR] = go_json(_behavior_go(spec["behavior"]))
    if status.get("conditions"):
        annotations[CONDITIONS] = go_json([_condition(c) for c in status["conditions"]])
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1", "metadata": meta,
            "spec": v1spec, "status": v1status}


def _condition(c: Obj) -> Obj:
    out: Obj = {"type": c.get("type", ""), "status": c.get("status", ""),
                "lastTransitionTime": c.get("lastTransitionTime")}
    _put(out, "reason", c.get("reason"))
    _put(out, "message", c.get("message"))
    return out


# ---- v1 -> v2 ---------------------------------------------------------------------------

def _target_type(family: str, values: Obj) -> str:
    """The v2 target type a v1 metric source implies."""
    if family == "Resource":
        return "AverageValue" if values.get("averageUtilization") is None else "Utilization"
    if family == "Object":
        return "Value" if values.get("averageValue") is None else "AverageValue"
    if family == "External":
        return "AverageValue" if values.get("value") is None else "Value"
    return "AverageValue"


def _metric_v2(m: Obj, part: str, fields: _Fields) -> Obj:
    """A v1 MetricSpec (`part` "target") or MetricStatus ("current") in v2's form."""
    typ, key, family, src = _source(m)
    out: Obj = {"type": typ}
    if src is None or family not in fields:
        return out
    given = {v2key: src.get(v1key) or ("0" if required else None)
             for v1key, v2key, required in fields[family]}
    values: Obj = {"type": _target_type(family, given)} if part == "target" else {}
    values.update((k, given[k]) for k in ("value", "averageValue", "averageUtilization")
                  if given.get(k) is not None)
    v2: Obj = {}
    if family == "Resource":
        v2["name"] = src.get("name", "")
    else:
        selector = src.get("metricSelector" if family == "External" else "selector")
        v2["metric"] = _identifier(src.get("metricName"), selector)
    v2[part] = values
    if family == "Object":
        v2["describedObject"] = _ref(src.get("target"))
    if typ == "ContainerResource":
        v2["container"] = src.get("container", "")
    out[key] = v2
    return out


def _target(typ: str, utilization: Any) -> Obj:
    return {"type": typ, "averageUtilization": utilization}


def _behavior_v2(go: Any) -> Obj | None:
    if not isinstance(go, dict):
        return None

    def rules(r: Any) -> Obj | None:
        if not isinstance(r, dict):
            return None
        out: Obj = {}
        if r.get("StabilizationWindowSeconds") is not None:
            out["stabilizationWindowSeconds"] = r["StabilizationWindowSeconds"]
        if r.get("SelectPolicy") is not None:
            out["selectPolicy"] = r["SelectPolicy"]
        if r.get("Policies"):
            out["policies"] = [{"type": p.get("Type", ""), "value": p.get("Value", 0),
                                "periodSeconds": p.get("PeriodSeconds", 0)}
                               for p in r["Policies"] if isinstance(p, dict)]
        return out
    behavior = {k: v for k, v in (("scaleUp", rules(go.get("ScaleUp"))),
                                  ("scaleDown", rules(go.get("ScaleDown")))) if v is not None}
    return behavior or None


def _decoded_list(annotations: dict[str, Any], key: str) -> list[Obj] | None:
    """A round-trip annotation's list, or None when absent or not well-formed JSON."""
    try:
        value = json.loads(annotations[key])
    except (KeyError, TypeError, ValueError):
        return None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else None


def from_v1(obj: Obj) -> Obj:
    """The autoscaling/v2 object an autoscaling/v1 HorizontalPodAutoscaler stands for."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    status = obj.get("status") if isinstance(obj.get("status"), dict) else {}
    meta = clone(obj.get("metadata")) if isinstance(obj.get("metadata"), dict) else {}
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    v2spec: Obj = {"scaleTargetRef": _ref(spec.get("scaleTargetRef"))}
    if spec.get("minReplicas") is not None:
        v2spec["minReplicas"] = spec["minReplicas"]
    v2spec["maxReplicas"] = spec.get("maxReplicas", 0)
    metrics: list[Obj] = []
    if spec.get("targetCPUUtilizationPercentage") is not None:
        metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": _target(
            "Utilization", spec["targetCPUUtilizationPercentage"])}}]
    others = _decoded_list(annotations, METRICS)
    if others is not None:
        metrics = [_metric_v2(m, "target", SPEC_FIELDS) for m in others] + metrics[:1]
    try:
        behavior = _behavior_v2(json.loads(annotations.get(BEHAVIOR) or "null"))
    except (TypeError, ValueError):
        behavior = None
    if not metrics:
        metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": _target(
            "Utilization", DEFAULT_CPU_UTILIZATION)}}]
    v2spec["metrics"] = metrics
    if behavior is not None:
        v2spec["behavior"] = behavior
    v2status: Obj = {}
    for key in ("observedGeneration", "lastScaleTime"):
        if status.get(key) is not None:
            v2status[key] = status[key]
    v2status["currentReplicas"] = status.get("currentReplicas", 0)
    v2status["desiredReplicas"] = status.get("desiredReplicas", 0)
    if status.get("currentCPUUtilizationPercentage") is not None:
        v2status["currentMetrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "current": {
                "averageUtilization": status["currentCPUUtilizationPercentage"]}}}]
    current = _decoded_list(annotations, CURRENT_METRICS)
    if current is not None:
        v2status["currentMetrics"] = [_metric_v2(m, "current", STATUS_FIELDS) for m in current]
    conditions = _decoded_list(annotations, CONDITIONS)
    if conditions is not None:
        v2status["conditions"] = [{k: v for k, v in _condition(c).items() if v is not None}
                                  for c in conditions]
    kept = {k: v for k, v in annotations.items() if k not in ROUND_TRIP}
    if kept:
        meta["annotations"] = kept
    else:
        meta.pop("annotations", None)
    return {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2", "metadata": meta,
            "spec": v2spec, "status": v2status}
