"""Row functions for apps/v1 workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet).

Same contract as `rows_core.py`: every cell, wide ones included, as printers.go computes it.
Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .duration import age
from .model import container_cells, format_label_selector, format_labels, selector_string


def _common(obj: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}


def _template_spec(spec: dict[str, Any]) -> dict[str, Any]:
    return ((spec.get("template") or {}).get("spec")) or {}


def deployment_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR."""
    meta, spec, status = _common(obj)
    names, images = container_cells(_template_spec(spec))
    return [
        meta.get("name", ""),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        str(status.get("updatedReplicas", 0)), str(status.get("availableReplicas", 0)),
        age(meta.get("creationTimestamp"), now),
        names, images, selector_string(spec.get("selector")),
    ]


def replicaset_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR."""
    meta, spec, status = _common(obj)
    names, images = container_cells(_template_spec(spec))
    return [
        meta.get("name", ""), str(spec.get("replicas", 0)), str(status.get("replicas", 0)),
        str(status.get("readyReplicas", 0)), age(meta.get("creationTimestamp"), now),
        names, images, format_label_selector(spec.get("selector")),
    ]


def statefulset_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME READY AGE CONTAINERS IMAGES."""
    meta, spec, status = _common(obj)
    names, images = container_cells(_template_spec(spec))
    return [
        meta.get("name", ""), f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        age(meta.get("creationTimestamp"), now), names, images,
    ]


def daemonset_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE CONTAINERS IMAGES SELECTOR."""
    meta, spec, status = _common(obj)
    names, images = container_cells(_template_spec(spec))
    return [
        meta.get("name", ""),
        *(str(status.get(k, 0)) for k in (
            "desiredNumberScheduled", "currentNumberScheduled", "numberReady",
            "updatedNumberScheduled", "numberAvailable")),
        format_labels(_template_spec(spec).get("nodeSelector")),
        age(meta.get("creationTimestamp"), now),
        names, images, format_label_selector(spec.get("selector")),
    ]
