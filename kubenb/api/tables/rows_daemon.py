"""Row functions for ReplicationController and ControllerRevision (printers.go
printReplicationController, printControllerRevision). Same contract as rows_apps.py;
feeds `columns.table()`. The DaemonSet row lives in rows_apps.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .duration import age
from .model import container_cells, format_labels


def replicationcontroller_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR (selector as a label map)."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    names, images = container_cells(((spec.get("template") or {}).get("spec")) or {})
    return [
        meta.get("name", ""), str(spec.get("replicas", 0)), str(status.get("replicas", 0)),
        str(status.get("readyReplicas", 0)), age(meta.get("creationTimestamp"), now),
        names, images, format_labels(spec.get("selector")),
    ]


def controllerrevision_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME CONTROLLER REVISION AGE; the controller as `<kind>.<group>/<name>`, lower-cased kind."""
    meta = obj.get("metadata") or {}
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    controller = "<none>"
    if owner is not None:
        group = (owner.get("apiVersion") or "").rpartition("/")[0]
        kind = f"{owner.get('kind', '')}.{group}" if group else owner.get("kind", "")
        controller = f"{kind.lower()}/{owner.get('name', '')}"
    return [meta.get("name", ""), controller, str(obj.get("revision", 0)),
            age(meta.get("creationTimestamp"), now)]
