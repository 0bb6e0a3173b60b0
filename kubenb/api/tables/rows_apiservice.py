"""Row function for apiregistration.k8s.io/v1 APIService (kube-aggregator's printers:
NAME, SERVICE — `Local` or `namespace/name` —, AVAILABLE — the Available condition's status,
with its reason when not True —, AGE). Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .duration import age


def apiservice_row(svc: dict[str, Any], now: datetime) -> list[str]:
    meta = svc.get("metadata") or {}
    ref = (svc.get("spec") or {}).get("service")
    service = f'{ref.get("namespace", "")}/{ref.get("name", "")}' if ref else "Local"
    cond = next((c for c in (svc.get("status") or {}).get("conditions") or []
                 if c.get("type") == "Available"), None)
    available = "Unknown"
    if cond:
        available = cond.get("status", "Unknown")
        if available != "True":
            available = f"{available} ({cond.get('reason', '')})"
    return [meta.get("name", ""), service, available, age(meta.get("creationTimestamp"), now)]

