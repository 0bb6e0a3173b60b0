"""Row functions for ResourceQuotas (printers.go printResourceQuota).

NAME AGE REQUEST LIMIT: every resource of `status.hard`, sorted, as `name: used/hard`
joined by `, ` — those named `limits.*` in LIMIT, the rest in REQUEST; a resource without
usage prints `0`. (LimitRange rows are NAME, CREATED AT: rows_rbac.role_row.)
Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.quantity import canonical_quantity, is_quantity

from .duration import age


def _text(value: Any) -> str:
    return canonical_quantity(value) if is_quantity(value) else "0"


def quota_row(obj: dict[str, Any], now: datetime) -> list[str]:
    meta, status = obj.get("metadata") or {}, obj.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    request, limit = [], []
    for name in sorted(hard):
        cell = f"{name}: {_text(used.get(name))}/{_text(hard[name])}"
        (limit if name.split(".")[0] == "limits" and "." in name else request).append(cell)
    return [meta.get("name", ""), age(meta.get("creationTimestamp"), now), ", ".join(request), ", ".join(limit)]
