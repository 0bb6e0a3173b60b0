"""Row functions for autoscaling/v2 HorizontalPodAutoscaler and policy/v1 PodDisruptionBudget.

Same contract as `rows_core.py`: cells as printers.go computes them (printHorizontalPodAutoscaler
with formatHPAMetrics, printPodDisruptionBudget). Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .duration import age

MAX_METRICS = 2


def _source_cell(spec: dict[str, Any], current: dict[str, Any] | None) -> str:
    """`cpu: 45%/50%`, `memory: 10Mi/20Mi` for Resource / ContainerResource metrics."""
    name = spec.get("name", "")
    target = spec.get("target") or {}
    now = (current or {}).get("current") or {}
    if target.get("averageValue") is not None:
        value = now.get("averageValue")
        return f"{name}: {value if value is not None else '<unknown>'}/{target['averageValue']}"
    util = now.get("averageUtilization")
    shown = f"{util}%" if current is not None and util is not None else "<unknown>"
    want = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
    return f"{name}: {shown}/{want}"


def _value_cell(spec: dict[str, Any], current: dict[str, Any] | None) -> str:
    target = spec.get("target") or {}
    now = (current or {}).get("current") or {}
    if target.get("averageValue") is not None:
        value = now.get("averageValue") if current is not None else None
        return f"{value if value is not None else '<unknown>'}/{target['averageValue']} (avg)"
    value = now.get("value") if current is not None else None
    return f"{value if value is not None else '<unknown>'}/{target.get('value')}"


def format_hpa_metrics(specs: list[dict[str, Any]], statuses: list[dict[str, Any]]) -> str:
    """formatHPAMetrics: the TARGETS cell, two metrics at most then `+ N more...`."""
    if not specs:
        return "<none>"
    cells = []
    for i, spec in enumerate(specs):
        mtype = spec.get("type", "")
        key = mtype[:1].lower() + mtype[1:]
        status = statuses[i] if i < len(statuses) else {}
        current = status.get(key)
        source = spec.get(key) or {}
        if mtype in ("Resource", "ContainerResource"):
            cells.append(_source_cell(source, current))
        elif mtype in ("External", "Object"):
            cells.append(_value_cell(source, current))
        elif mtype == "Pods":
            value = ((current or {}).get("current") or {}).get("averageValue") or "<unknown>"
            cells.append(f"{value}/{(source.get('target') or {}).get('averageValue')}")
        else:
            cells.append("<unknown type>")
    text = ", ".join(cells[:MAX_METRICS])
    if len(cells) > MAX_METRICS:
        return f"{text} + {len(cells) - MAX_METRICS} more..."
    return text


def hpa_row(obj: dict[str, Any], now: datetime) -> list[Any]:
    """NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    min_pods = spec.get("minReplicas")
    return [
        meta.get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}",
        format_hpa_metrics(spec.get("metrics") or [], status.get("currentMetrics") or []),
        "<unset>" if min_pods is None else str(min_pods),
        str(spec.get("maxReplicas", 0)), str(status.get("currentReplicas", 0)),
        age(meta.get("creationTimestamp"), now),
    ]


def pdb_row(obj: dict[str, Any], now: datetime) -> list[Any]:
    """NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    min_a, max_u = spec.get("minAvailable"), spec.get("maxUnavailable")
    return [
        meta.get("name", ""), "N/A" if min_a is None else str(min_a),
        "N/A" if max_u is None else str(max_u), str(status.get("disruptionsAllowed", 0)),
        age(meta.get("creationTimestamp"), now),
    ]
