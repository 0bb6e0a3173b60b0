"""`kubectl describe horizontalpodautoscaler` (autoscaling/v2) and `kubectl describe
poddisruptionbudget` (policy/v1): describe.go HorizontalPodAutoscalerDescriber
(describeHorizontalPodAutoscalerV2, printDirectionBehavior) and PodDisruptionBudgetDescriber.

The HPA text lists each metric as `( current / target )`; the current value comes from
`status.currentMetrics[i]` of the same index and type, `<unknown>` when it is missing (a
missing target, metrics not yet read). Fed by the CLI's describe command with the object's
events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.tables.model import format_label_selector
from kubenb.cli.kubectl.describe.common import annotations_multiline, labels_multiline
from kubenb.cli.kubectl.describe.events import write_events
from kubenb.cli.kubectl.describe.writer import (
    DEFAULT_KUBECTL_MINOR,
    DescribeWriter,
    int_or_string,
    meta,
    quantity_text,
    rfc1123z,
)

UNKNOWN = "<unknown>"


def _q(value: Any) -> str:
    """`Quantity.String()` of an optional quantity (`<nil>` for a nil pointer, as Go prints it)."""
    return "<nil>" if value is None else quantity_text(value)


def _current(statuses: list[dict[str, Any]], i: int, key: str) -> dict[str, Any] | None:
    """`status.currentMetrics[i].<key>.current`, or None when kubectl would see nil."""
    if i >= len(statuses) or not statuses[i].get(key):
        return None
    return (statuses[i][key] or {}).get("current") or {}


def _resource_metric(w: DescribeWriter, source: dict[str, Any], current: dict[str, Any] | None) -> None:
    """The tail of a Resource / ContainerResource line (after `resource cpu on pods`)."""
    target = source.get("target") or {}
    if target.get("averageValue") is not None:
        now = _q(current.get("averageValue")) if current is not None else UNKNOWN
        w.write(0, f":\t{now} / {_q(target['averageValue'])}\n")
        return
    now = UNKNOWN
    if current is not None and current.get("averageUtilization") is not None:
        now = f"{current['averageUtilization']}% ({_q(current.get('averageValue'))})"
    want = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
    w.write(1, f"(as a percentage of request):\t{now} / {want}\n")


def _write_metric(w: DescribeWriter, metric: dict[str, Any], statuses: list[dict[str, Any]], i: int) -> None:
    mtype = metric.get("type", "")
    key = mtype[:1].lower() + mtype[1:]
    source = metric.get(key) or {}
    target = source.get("target") or {}
    name = (source.get("metric") or {}).get("name", "")
    current = _current(statuses, i, key)
    if mtype == "External":
        if target.get("averageValue") is not None:
            now = UNKNOWN
            if current is not None and current.get("averageValue") is not None:
                now = _q(current["averageValue"])
            w.write(1, f'"{name}" (target average value):\t{now} / {_q(target["averageValue"])}\n')
        else:
            now = _q(current.get("value")) if current is not None else UNKNOWN
            w.write(1, f'"{name}" (target value):\t{now} / {_q(target.get("value"))}\n')
    elif mtype == "Pods":
        now = _q(current.get("averageValue")) if current is not None else UNKNOWN
        w.write(1, f'"{name}" on pods:\t{now} / {_q(target.get("averageValue"))}\n')
    elif mtype == "Object":
        obj = source.get("describedObject") or {}
        w.write(1, f'"{name}" on {obj.get("kind", "")}/{obj.get("name", "")} ')
        if target.get("type") == "AverageValue":
            now = _q(current.get("averageValue")) if current is not None else UNKNOWN
            w.write(0, f"(target average value):\t{now} / {_q(target.get('averageValue'))}\n")
        else:
            now = _q(current.get("value")) if current is not None else UNKNOWN
            w.write(0, f"(target value):\t{now} / {_q(target.get('value'))}\n")
    elif mtype == "Resource":
        w.write(1, f"resource {source.get('name', '')} on pods")
        _resource_metric(w, source, current)
    elif mtype == "ContainerResource":
        w.write(1, f'resource {source.get("name", "")} of container "{source.get("container", "")}" on pods')
        _resource_metric(w, source, current)
    else:
        w.write(1, f'<unknown metric type "{mtype}">\n')


def _write_direction(w: DescribeWriter, direction: str, rules: dict[str, Any] | None) -> None:
    """printDirectionBehavior."""
    if rules is None:
        return
    w.write(1, f"{direction}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    policies = rules.get("policies") or []
    if policies:
        w.write(2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(2, "Policies:\n")
        for p in policies:
            w.write(3, f"- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\t"
                       f"Period: {p.get('periodSeconds', 0)} seconds\n")


def describe_hpa(
    hpa: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
    kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe hpa` text of an autoscaling/v2 HorizontalPodAutoscaler."""
    m, spec, status = meta(hpa), hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
    w.write(0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    statuses = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        _write_metric(w, metric, statuses, i)
    min_replicas = spec.get("minReplicas")
    w.write(0, f"Min replicas:\t{'<unset>' if min_replicas is None else min_replicas}\n")
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    behavior = spec.get("behavior")
    if behavior is not None:
        w.write(0, "Behavior:\n")
        _write_direction(w, "Scale Up", behavior.get("scaleUp"))
        _write_direction(w, "Scale Down", behavior.get("scaleDown"))
    w.write(0, f"{ref.get('kind', '')} pods:\t")
    w.write(0, f"{status.get('currentReplicas', 0)} current / {status.get('desiredReplicas', 0)} desired\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t"
                       f"{c.get('message', '')}\n")
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()


def describe_pdb(
    pdb: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
    kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe pdb` text of a policy/v1 PodDisruptionBudget."""
    m, spec, status = meta(pdb), pdb.get("spec") or {}, pdb.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    if spec.get("minAvailable") is not None:
        w.write(0, f"Min available:\t{int_or_string(spec['minAvailable'])}\n")
    elif spec.get("maxUnavailable") is not None:
        w.write(0, f"Max unavailable:\t{int_or_string(spec['maxUnavailable'])}\n")
    selector = spec.get("selector")
    w.write(0, f"Selector:\t{'<unset>' if selector is None else format_label_selector(selector)}\n")
    w.write(0, "Status:\n")
    w.write(2, f"Allowed disruptions:\t{status.get('disruptionsAllowed', 0)}\n")
    w.write(2, f"Current:\t{status.get('currentHealthy', 0)}\n")
    w.write(2, f"Desired:\t{status.get('desiredHealthy', 0)}\n")
    w.write(2, f"Total:\t{status.get('expectedPods', 0)}\n")
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()
