"""JSON patch (RFC 6902) as the API server applies it, and JSON merge patch (RFC 7386).

The server uses evanphx/json-patch v4, which is laxer than the RFC in a few places and we
follow it: `replace` on a missing object key adds the key, `copy`/`move` from a missing
object key yield null, negative array indices count from the end, and `test` treats a
missing value and null alike. A failing operation raises `PatchRejected` (422, "the server
rejected our request due to an error in our request"), carrying the library's words in
`.detail`. `patch.apply_patch` calls `apply_json_patch` and `apply_merge_patch`.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from kubenb.api.errors import BadRequest
from kubenb.api.patch_common import PatchError, PatchRejected

_INT = re.compile(r"[+-]?[0-9]+\Z")


class _OpFailed(Exception):
    """A json-patch operation failed; the message is evanphx/json-patch's."""


def _decode(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _atoi(key: str) -> int:
    if not _INT.match(key):
        raise _OpFailed(f'strconv.Atoi: parsing "{key}": invalid syntax')
    return int(key)


def _get(container: Any, key: str) -> Any:
    """The value at `key` (None when an object lacks it); bad array indices raise."""
    if isinstance(container, dict):
        return container.get(key)
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(container):
            raise _OpFailed(f"Unable to access invalid index: {idx}: invalid index referenced")
        idx += len(container)
    if idx >= len(container):
        raise _OpFailed(f"Unable to access invalid index: {idx}: invalid index referenced")
    return container[idx]


def _find(doc: Any, path: str) -> tuple[Any, str] | None:
    """The container holding the last token of `path`, and that token (None: missing)."""
    parts = path.split("/")
    if len(parts) < 2:
        return None
    node = doc
    for part in parts[1:-1]:
        try:
            node = _get(node, _decode(part))
        except _OpFailed:
            return None
        if not isinstance(node, (dict, list)):
            return None
    return node, _decode(parts[-1])


def _add(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    if not _INT.match(key):
        raise _OpFailed(f"value was not a proper array index: '{key}': "
                        f'strconv.Atoi: parsing "{key}": invalid syntax')
    idx, size = int(key), len(container) + 1
    if idx >= size or idx < -size:
        raise _OpFailed(f"Unable to access invalid index: {idx}: invalid index referenced")
    container.insert(idx + size if idx < 0 else idx, value)


def _remove(container: Any, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise _OpFailed(f"Unable to remove nonexistent key: {key}: missing value")
        del container[key]
        return
    idx = _atoi(key)
    if idx >= len(container) or idx < -len(container):
        raise _OpFailed(f"Unable to access invalid index: {idx}: invalid index referenced")
    del container[idx]


def _equal(a: Any, b: Any) -> bool:
    """Structural equality; scalars compare by their JSON text (1 and 1.0 differ)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return json.dumps(a) == json.dumps(b)


def _field(op: dict[str, Any], name: str, what: str) -> str:
    if op.get(name) is None:
        raise _OpFailed(f"{what}: missing value")
    return op[name]


_PATH_ERROR = {
    "add": "add operation failed to decode path",
    "remove": "remove operation failed to decode path",
    "replace": "replace operation failed to decode path: operation missing path field",
    "test": "test operation failed to decode path: operation missing path field",
    "move": "move operation failed to decode path: operation missing path field",
    "copy": "copy operation failed to decode path",
}


def _locate(doc: Any, path: str, kind: str, missing: str) -> tuple[Any, str]:
    found = _find(doc, path)
    if found is None:
        raise _OpFailed(f"{kind} operation does not apply: {missing}: missing value")
    return found


def _wrapped(prefix: str, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except _OpFailed as e:
        raise _OpFailed(f"{prefix}: {e}") from None


def _apply_op(doc: Any, op: dict[str, Any]) -> Any:
    """One operation, with evanphx/json-patch v4's checks and error texts."""
    kind = op.get("op") if isinstance(op.get("op"), str) else "unknown"
    value = op.get("value")
    if kind in ("move", "copy"):
        src = _field(op, "from", f"{kind} operation failed to decode from: "
                     "operation, missing from field")
        box, key = _locate(doc, src, kind, f"doc is missing from path: {src}")
        where = f"error in move for path: '{key}'" if kind == "move" else \
            f"error in copy for from: '{src}'"
        value = copy.deepcopy(_wrapped(where, _get, box, key))
        if kind == "move":
            _wrapped(where, _remove, box, key)
        path = _field(op, "path", _PATH_ERROR[kind])
        box, key = _locate(doc, path, kind, f"doc is missing destination path: {path}")
        where = f"error in move for path: '{path}'" if kind == "move" else \
            "error while adding value during copy"
        _wrapped(where, _add, box, key, value)
        return doc
    if kind not in ("add", "remove", "replace", "test"):
        raise _OpFailed(f"Unexpected kind: {kind}")
    path = _field(op, "path", _PATH_ERROR[kind])
    if path == "" and kind == "replace":
        if not isinstance(value, (dict, list)):
            raise _OpFailed("replace operation value must be object or array")
        return copy.deepcopy(value)
    if path == "" and kind == "test":
        if _equal(doc, value):
            return doc
        raise _OpFailed(f"testing value {path} failed: test failed")
    if kind == "add":
        box, key = _locate(doc, path, kind, f'doc is missing path: "{path}"')
        _wrapped(f"error in add for path: '{path}'", _add, box, key, copy.deepcopy(value))
    elif kind == "remove":
        box, key = _locate(doc, path, kind, f'doc is missing path: "{path}"')
        _wrapped(f"error in remove for path: '{path}'", _remove, box, key)
    elif kind == "replace":
        box, key = _locate(doc, path, kind, f"doc is missing path: {path}")
        try:
            _get(box, key)  # validates an array index; an object takes any key
        except _OpFailed:
            raise _OpFailed(f"replace operation does not apply: doc is missing key: {path}: "
                            "missing value") from None
        if isinstance(box, dict):
            box[key] = copy.deepcopy(value)
        else:
            box[_atoi(key) % len(box)] = copy.deepcopy(value)
    else:
        box, key = _locate(doc, path, kind, f"is missing path: {path}")
        current = _wrapped(f"error in test for path: '{path}'", _get, box, key)
        if not (current is None and value is None
                or current is not None and value is not None and _equal(current, value)):
            raise _OpFailed(f"testing value {path} failed: test failed")
    return doc


def apply_json_patch(obj: dict[str, Any], ops: Any) -> dict[str, Any]:
    """Apply an RFC 6902 operation list to a copy of `obj`."""
    if ops is None:
        ops = []
    if not isinstance(ops, list):
        raise BadRequest(f"error decoding patch: json: cannot unmarshal {_json_kind(ops)} "
                         "into Go value of type []handlers.jsonPatchOp")
    for op in ops:
        if not isinstance(op, dict):
            raise BadRequest(f"error decoding patch: json: cannot unmarshal {_json_kind(op)} "
                             "into Go value of type handlers.jsonPatchOp")
        for name in ("op", "path", "from"):
            if op.get(name) is not None and not isinstance(op[name], str):
                raise BadRequest(
                    f"error decoding patch: json: cannot unmarshal {_json_kind(op[name])} "
                    f"into Go struct field jsonPatchOp.{name} of type string")
    doc: Any = copy.deepcopy(obj)
    for op in ops:
        try:
            doc = _apply_op(doc, op)
        except _OpFailed as e:
            raise PatchRejected(str(e)) from None
    if not isinstance(doc, dict):
        raise PatchRejected("json: cannot unmarshal array into Go value of type map[string]interface {}")
    return doc


# ---- RFC 7386 ---------------------------------------------------------------------------

def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "value")


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune_nulls(v) for v in value]
    return value


def _merge_value(current: Any, patch: Any) -> Any:
    if not isinstance(current, dict):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merge_into(current, patch)
    return current


def merge_into(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    """RFC 7386 MergePatch of `patch` into `doc`, in place."""
    for k, v in patch.items():
        if v is None:
            doc.pop(k, None)
        elif doc.get(k) is None:
            doc[k] = _prune_nulls(v)
        else:
            doc[k] = _merge_value(doc[k], v)


def apply_merge_patch(obj: dict[str, Any], patch: Any) -> dict[str, Any]:
    """Apply a JSON merge patch to a copy of `obj`."""
    if patch is None:
        raise BadRequest("Invalid JSON Patch")
    if not isinstance(patch, dict):
        raise BadRequest(f"error decoding patch: json: cannot unmarshal {_json_kind(patch)} "
                         "into Go value of type map[string]interface {}")
    doc = copy.deepcopy(obj)
    merge_into(doc, patch)
    return doc


def create_merge_patch(original: dict[str, Any], modified: dict[str, Any]) -> dict[str, Any]:
    """The JSON merge patch that turns `original` into `modified` (evanphx getDiff)."""
    out: dict[str, Any] = {}
    for k, b in modified.items():
        if k not in original:
            out[k] = copy.deepcopy(b)
            continue
        a = original[k]
        if isinstance(a, dict) and isinstance(b, dict):
            sub = create_merge_patch(a, b)
            if sub:
                out[k] = sub
        elif not _json_same(a, b):
            out[k] = copy.deepcopy(b)
    for k in original:
        if k not in modified:
            out[k] = None
    return out


def _json_same(a: Any, b: Any) -> bool:
    """Equality of decoded JSON where every number is a float64, as in Go."""
    num = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, num) and isinstance(b, num):
        return float(a) == float(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_json_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_json_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


__all__ = ["PatchError", "apply_json_patch", "apply_merge_patch", "create_merge_patch",
           "merge_into"]
