"""PATCH semantics: apply merge, JSON and strategic merge patches to Kubernetes objects.

The store's PATCH verb (and the HTTP server, which maps the request's Content-Type here)
calls `apply_patch(obj, body, patch_type)` and gets a new object back; the input is never
mutated. Validation, defaulting and the resourceVersion precondition stay with the store.
kubectl apply calls `three_way_strategic` to build its patch, and `merge_patch_diff` builds
JSON merge patches (`kubectl label`/`annotate` style). Errors carry the API server's words:

- malformed JSON → BadRequest "invalid JSON patch";
- a failing json-patch operation (test, missing path) → 422 Invalid "the server rejected
  our request due to an error in our request" (the library's detail in `.detail`);
- a bad strategic directive → BadRequest ("invalid patch format of retainKeys", …) or a
  500 with the bare text ("map: … does not contain declared merge key: name").

Strategic patches on kinds without a schema in `patch_schema` fall back to merge-patch
semantics (the real server answers 415 for custom resources; kubenb has none).
The algorithms live in `patch_json` (RFC 6902/7386), `patch_strategic` and `patch_diff`.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

from kubenb.api.errors import ApiError, BadRequest
from kubenb.api.patch_common import PatchError, PatchRejected, json_kind
from kubenb.api.patch_diff import three_way, three_way_json
from kubenb.api.patch_json import apply_json_patch, apply_merge_patch, create_merge_patch
from kubenb.api.patch_schema import schema_for_kind
from kubenb.api.patch_strategic import SERVER, merge_map

PatchType = Literal["merge", "json", "strategic"]

CONTENT_TYPES: dict[str, PatchType] = {
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
    "application/strategic-merge-patch+json": "strategic",
}

__all__ = [
    "CONTENT_TYPES",
    "PatchError",
    "PatchRejected",
    "PatchType",
    "UnsupportedMediaType",
    "apply_patch",
    "merge_patch_diff",
    "parse_patch",
    "three_way_strategic",
]


class UnsupportedMediaType(ApiError):
    code, reason = 415, "UnsupportedMediaType"


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def parse_patch(patch: Any) -> Any:
    """Decode a patch body given as bytes or str; dicts and lists pass through."""
    if isinstance(patch, (bytes, bytearray)):
        try:
            patch = patch.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("invalid JSON patch") from None
    if isinstance(patch, str):
        try:
            return json.loads(patch, parse_constant=_reject_constant)
        except ValueError:
            raise BadRequest("invalid JSON patch") from None
    return patch


def apply_strategic_patch(obj: dict[str, Any], patch: Any) -> dict[str, Any]:
    """Apply a strategic merge patch (already decoded) to a copy of `obj`."""
    if patch is None:
        return copy.deepcopy(obj)
    if not isinstance(patch, dict):
        raise BadRequest(
            f"json: cannot unmarshal {json_kind(patch)} into Go value of type "
            "map[string]interface {}"
        )
    schema = schema_for_kind(obj.get("kind"))
    if schema is None:
        return apply_merge_patch(obj, patch)
    return merge_map(copy.deepcopy(obj), copy.deepcopy(patch), schema, SERVER)


def apply_patch(obj: dict[str, Any], patch: dict[str, Any] | list[Any] | str | bytes,
                patch_type: str) -> dict[str, Any]:
    """Return `obj` with `patch` applied. `patch_type` is "merge", "json", "strategic" or
    the matching Content-Type (`application/strategic-merge-patch+json`, …)."""
    kind = CONTENT_TYPES.get(patch_type.split(";")[0].strip(), patch_type)
    if kind not in ("merge", "json", "strategic"):
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(CONTENT_TYPES)
        )
    body = parse_patch(patch)
    if kind == "merge":
        return apply_merge_patch(obj, body)
    if kind == "json":
        return apply_json_patch(obj, body)
    return apply_strategic_patch(obj, body)


def merge_patch_diff(original: dict[str, Any], modified: dict[str, Any]) -> dict[str, Any]:
    """The JSON merge patch that turns `original` into `modified`."""
    return create_merge_patch(original, modified)


def three_way_strategic(original: dict[str, Any] | None, modified: dict[str, Any],
                        current: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """kubectl apply's patch: `original` is the last-applied configuration (None if absent),
    `modified` the new manifest, `current` the live object. An empty dict means unchanged.
    Kinds without a schema get a JSON merge three-way patch, as kubectl does for them."""
    schema = schema_for_kind(kind or (modified or {}).get("kind"))
    if schema is None:
        return three_way_json(original or {}, modified, current)
    return three_way(original or {}, modified, current, schema)
