"""Who writes, as kube-apiserver names it, and the options of server-side apply.

Every write through the API server is tracked in `metadata.managedFields`
(`kubenb.api.managed_fields`): the manager is the request's `fieldManager`, or else the
program name of its User-Agent (the text before the first `/`, printable characters, at most
128: `kubectl/v1.32.0 (linux/amd64) …` → `kubectl`). An apply patch must name its
`fieldManager` (422 `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value:
is required for apply patch`); `force` is refused on any other patch. The merge itself is
`kubenb.api.ssa`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubenb.api.errors import FieldError
from kubenb.api.managed_fields import Manager
from kubenb.server.options import invalid_options

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

MAX_MANAGER = 128


def manager_name(h: ApiRequestHandler) -> str:
    """The request's field manager: `fieldManager`, else the User-Agent's program name."""
    name = h.query("fieldManager")
    if name:
        return name
    agent = h.request.headers.get("User-Agent", "").split("/")[0]
    return "".join(c for c in agent if c.isprintable())[:MAX_MANAGER]


def writer(h: ApiRequestHandler, subresource: str | None = None) -> Manager:
    return Manager(manager_name(h), subresource or "")


def check_patch_options(h: ApiRequestHandler, apply: bool) -> bool:
    """`force` of a patch (only an apply may carry it); an apply without `fieldManager` or
    a manager name over 128 characters is Invalid."""
    errors = []
    force = h.query("force")
    if apply and not h.query("fieldManager"):
        errors.append(FieldError("Required", "fieldManager", detail="is required for apply patch"))
    if not apply and force is not None:
        errors.append(FieldError("Forbidden", "force",
                                 detail="may not be specified for non-apply patch"))
    name = h.query("fieldManager") or ""
    if len(name) > MAX_MANAGER:
        errors.append(FieldError("TooLong", "fieldManager", name,
                                 detail=f"must have at most {MAX_MANAGER} characters"))
    if errors:
        raise invalid_options("PatchOptions", errors)
    return (force or "").lower() in ("true", "1")
