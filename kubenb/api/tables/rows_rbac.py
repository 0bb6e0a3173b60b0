"""Row functions for rbac.authorization.k8s.io/v1 kinds (printers.go printRole,
printRoleBinding and their cluster-scoped twins). Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .duration import age


def role_row(role: dict[str, Any], now: datetime) -> list[str]:
    """NAME, CREATED AT (the creation time in RFC 3339, not an age)."""
    meta = role.get("metadata") or {}
    return [meta.get("name", ""), meta.get("creationTimestamp") or ""]


def _subjects(binding: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    users, groups, accounts = [], [], []
    for s in binding.get("subjects") or []:
        kind = s.get("kind")
        if kind == "User":
            users.append(s.get("name", ""))
        elif kind == "Group":
            groups.append(s.get("name", ""))
        elif kind == "ServiceAccount":
            accounts.append(f'{s.get("namespace", "")}/{s.get("name", "")}')
    return users, groups, accounts


def rolebinding_row(binding: dict[str, Any], now: datetime) -> list[str]:
    """NAME, ROLE (Kind/name), AGE; wide: USERS, GROUPS, SERVICEACCOUNTS."""
    meta = binding.get("metadata") or {}
    ref = binding.get("roleRef") or {}
    users, groups, accounts = _subjects(binding)
    return [meta.get("name", ""), f'{ref.get("kind", "")}/{ref.get("name", "")}',
            age(meta.get("creationTimestamp"), now),
            ", ".join(users), ", ".join(groups), ", ".join(accounts)]
