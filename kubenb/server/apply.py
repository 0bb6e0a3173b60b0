"""Server-side apply (`PATCH application/apply-patch+yaml`), approximated.

The apiserver tracks which manager owns which field (managedFields) and merges an applied
configuration by those ownerships. kubenb keeps no managedFields: the applied configuration
is merged onto the live object as a strategic merge patch (maps merge, keyed lists such as
containers merge by name, the configuration's values win), so fields another manager set
and the configuration does not mention survive, and there are no apply conflicts. The
configuration's status is ignored, as for any write of the main resource.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import BadRequest
from kubenb.api.objects import clone
from kubenb.api.patch import apply_patch
from kubenb.api.registry import ResourceType


def server_side_apply(live: dict[str, Any], applied: Any, rt: ResourceType,
                      api_version: str | None = None) -> dict[str, Any]:
    """`live` (in `api_version`, the path's) with the applied configuration merged in."""
    if not isinstance(applied, dict):
        raise BadRequest("error decoding YAML: the applied configuration is not an object")
    config = clone(applied)
    want = api_version or rt.api_version
    if config.get("kind", rt.kind) != rt.kind or config.get("apiVersion", want) != want:
        raise BadRequest(f"the kind or apiVersion in the data ({config.get('apiVersion')}, "
                         f"{config.get('kind')}) does not match the expected "
                         f"({want}, {rt.kind})")
    config.pop("status", None)
    meta = config.get("metadata") or {}
    for key in ("uid", "creationTimestamp", "generation", "managedFields"):
        meta.pop(key, None)
    return apply_patch(live, config, "strategic")
