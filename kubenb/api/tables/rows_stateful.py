"""Row functions for PersistentVolumeClaims and ControllerRevisions (printers.go).

Same contract as `rows_core.py`: every cell, wide ones included. PVC: NAME STATUS VOLUME
CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE, wide VOLUMEMODE; capacity and
access modes are shown only once the claim names a volume, Terminating replaces the phase
of a claim being deleted. ControllerRevision: NAME CONTROLLER REVISION AGE. Feeds
`columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.storage import claim_class

from .duration import age

_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def access_modes_string(modes: list[str] | None) -> str:
    """GetAccessModesAsString: the short forms in a fixed order, each once."""
    modes = modes or []
    return ",".join(short for long, short in _ACCESS_MODES if long in modes)


def pvc_row(obj: dict[str, Any], now: datetime) -> list[str]:
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    phase = "Terminating" if meta.get("deletionTimestamp") else status.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes_string(status.get("accessModes"))
        capacity = str((status.get("capacity") or {}).get("storage", "0"))
    vac = spec.get("volumeAttributesClassName") or "<unset>"
    return [meta.get("name", ""), phase, spec.get("volumeName", ""), capacity, modes,
            claim_class(obj), vac, age(meta.get("creationTimestamp"), now),
            spec.get("volumeMode") or "<unset>"]
