"""Row functions for PersistentVolumes and StorageClasses (printers.go).

Same contract as `rows_core.py`: every cell, wide ones included. PV: NAME CAPACITY
ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE,
wide VOLUMEMODE (Terminating replaces the phase of a volume being deleted, CLAIM is
`<namespace>/<name>` of the claim reference). StorageClass: NAME (with ` (default)` for the
default class) PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE.
Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.storage import is_default_class, volume_class

from .duration import age
from .rows_stateful import access_modes_string


def pv_row(obj: dict[str, Any], now: datetime) -> list[str]:
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace') or ''}/{ref.get('name') or ''}" if isinstance(ref, dict) else ""
    phase = "Terminating" if meta.get("deletionTimestamp") else status.get("phase", "")
    return [meta.get("name", ""), str((spec.get("capacity") or {}).get("storage", "0")),
            access_modes_string(spec.get("accessModes")), spec.get("persistentVolumeReclaimPolicy", ""),
            phase, claim, volume_class(obj), spec.get("volumeAttributesClassName") or "<unset>",
            status.get("reason", ""), age(meta.get("creationTimestamp"), now),
            spec.get("volumeMode") or "<unset>"]


def storage_class_row(obj: dict[str, Any], now: datetime) -> list[str]:
    meta = obj.get("metadata") or {}
    name = meta.get("name", "") + (" (default)" if is_default_class(obj) else "")
    expand = "true" if obj.get("allowVolumeExpansion") else "false"
    return [name, obj.get("provisioner", ""), obj.get("reclaimPolicy") or "Delete",
            obj.get("volumeBindingMode") or "Immediate", expand,
            age(meta.get("creationTimestamp"), now)]
