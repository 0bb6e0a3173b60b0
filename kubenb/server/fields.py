"""Unknown fields in a written object, handled per `fieldValidation` as kube-apiserver does.

A built-in type decodes into a Go struct, so a field the type does not declare never
reaches storage. Which fields a type declares comes from the generated field tables of
`protobuf_schema` (inlined structs merged into their parent, as in JSON). With
`fieldValidation=Strict` an unknown field fails the write — create and update get
transformDecodeError's 400 (`Deployment in version "v1" cannot be handled as a Deployment:
strict decoding error: unknown field "spec.foo"`), a patch gets the 422 of
handlers/patch.go; with Warn (the default) each one becomes a `Warning: 299 - "unknown field
\\"spec.foo\\""` response header (kubectl prints `Warning: unknown field "spec.foo"`) and is
dropped; with Ignore it is dropped silently. A server-side apply configuration naming an
unknown field fails whatever the directive (`check_applied`: structured-merge-diff's
`field not declared in schema`, a 500 with no reason, as kube-apiserver answers).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import TYPE_CHECKING, Any

from kubenb.api.errors import ApiError, BadRequest, FieldError, GoText, Invalid
from kubenb.api.patch_schema import NO_META, Schema, schema_for_kind
from kubenb.server.protobuf_schema import MESSAGES

if TYPE_CHECKING:
    from kubenb.api.registry import ResourceType
    from kubenb.server.handler import ApiRequestHandler

_REPEATED, _INLINE = 1, 4
_TYPE_META = {"apiVersion": ("string", 0), "kind": ("string", 0)}


def message_of(rt: ResourceType) -> str:
    return f"k8s.io.api.{rt.group.split('.')[0] or 'core'}.{rt.version}.{rt.kind}"


@cache
def _fields(message: str) -> dict[str, tuple[str, int]]:
    """JSON name → (type, flags) of a message, inlined members merged in."""
    out: dict[str, tuple[str, int]] = {}
    for name, typ, flags in MESSAGES[message].values():
        if flags & _INLINE and typ in MESSAGES:
            out.update(_fields(typ))
        else:
            out[name] = (typ, flags)
    return out


def _walk(value: Any, table: dict[str, tuple[str, int]], path: str, found: list[str],
          keep: frozenset[str], nested_first: bool) -> None:
    if not isinstance(value, dict):
        return  # a type mismatch is not an unknown field
    own: list[str] = []
    for key in list(value):
        at = f"{path}.{key}" if path else key
        spec = table.get(key)
        if spec is None:
            if at not in keep:
                (own if nested_first else found).append(at)
                del value[key]
            continue
        typ, flags = spec
        if typ not in MESSAGES:
            continue  # scalars, maps of scalars, and free-form RawExtension/FieldsV1
        item = value[key]
        if flags & _REPEATED and isinstance(item, list):
            for i, element in enumerate(item):
                _walk(element, _fields(typ), f"{at}[{i}]", found, keep, nested_first)
        else:
            _walk(item, _fields(typ), at, found, keep, nested_first)
    found.extend(own)


def drop_unknown(obj: dict[str, Any], rt: ResourceType, keep: frozenset[str] = frozenset(),
                 nested_first: bool = False) -> list[str]:
    """Remove the fields `rt`'s type does not declare from `obj`; their paths in the order
    the JSON decoder meets them (or, `nested_first`, in the order the unstructured
    converter reports them: an object's own unknown fields after its members'). Paths in
    `keep` stay (what the stored object already had)."""
    if rt.custom is not None:  # a custom resource: what its CRD's schema does not specify
        version = str(obj.get("apiVersion", "")).rpartition("/")[2]
        return rt.custom.prune(obj, version if version in rt.versions else None)
    message = message_of(rt)
    if message not in MESSAGES:
        return []
    found: list[str] = []
    _walk(obj, {**_TYPE_META, **_fields(message)}, "", found, keep, nested_first)
    return found


def strict_text(paths: list[str]) -> str:
    return "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in paths)


def warn(h: ApiRequestHandler, paths: list[str]) -> None:
    """One `Warning` header per unknown field (k8s.io/apiserver warning.go's format)."""
    for p in dict.fromkeys(paths):
        value = "299 - " + json.dumps(f'unknown field "{p}"', ensure_ascii=False)
        h.warnings.append(value)
        h.add_header("Warning", value)


def check_body(h: ApiRequestHandler, rt: ResourceType, obj: dict[str, Any]) -> None:
    """A create or update body: drop unknown fields, failing or warning as asked."""
    directive = h.field_validation() or "Warn"
    paths = drop_unknown(obj, rt)
    if not paths or directive == "Ignore":
        return
    if directive == "Strict":
        version = str(obj.get("apiVersion", "")).rpartition("/")[2]
        raise BadRequest(f'{rt.kind} in version "{version}" cannot be handled as a '
                         f"{rt.kind}: {strict_text(paths)}")
    warn(h, paths)


def go_value(v: Any) -> str:
    """A decoded JSON value as Go's %+v prints it (maps with sorted keys)."""
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_value(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(go_value(x) for x in v) + "]"
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):  # shortest digits; exponent form from 1e21 (fmt's %v)
        if v.is_integer() and abs(v) < 1e21:
            return str(int(v))
        return repr(v)
    return str(v)


def check_patched(h: ApiRequestHandler, rt: ResourceType, current: dict[str, Any],
                  patched: dict[str, Any], patch: Any, patch_type: str) -> None:
    """A patched object: drop unknown fields; Strict fails as handlers/patch.go does (422
    `"" is invalid: patch: Invalid value: ...`, the value being the patch map for a
    strategic merge patch and the patched object's JSON otherwise)."""
    directive = h.field_validation() or "Warn"
    shown = (go_value(patch) if patch_type == "strategic" else
             json.dumps(patched, separators=(",", ":"), sort_keys=True, ensure_ascii=False))
    had = frozenset(drop_unknown(copy.deepcopy(current), rt))
    paths = drop_unknown(patched, rt, keep=had, nested_first=patch_type == "strategic")
    if not paths or directive == "Ignore":
        return
    if directive == "Strict":
        raise Invalid("", "", "", [FieldError("Invalid", "patch", GoText(json.dumps(
            shown, ensure_ascii=False)), strict_text(paths))])
    warn(h, paths)


class UnknownStatusError(ApiError):
    """A Go error the apiserver did not turn into a Status: 500 with no reason."""

    code, reason = 500, ""

    def status(self) -> dict[str, Any]:
        body = super().status()
        body.pop("reason", None)
        return body


def _smd_walk(value: Any, table: dict[str, tuple[str, int]], schema: Schema | None, path: str,
              found: list[str]) -> None:
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        at = f"{path}.{key}"
        spec = table.get(key)
        if spec is None:
            found.append(at)
            continue
        typ, flags = spec
        if typ not in MESSAGES:
            continue
        child, meta = schema.lookup(key) if schema is not None else (None, NO_META)
        if flags & _REPEATED and isinstance(item, list):
            for i, element in enumerate(item):
                k = meta.merge_key
                keyed = k and isinstance(element, dict) and k in element
                step = f"[{k}={json.dumps(element[k])}]" if keyed else f"[{i}]"
                _smd_walk(element, _fields(typ), child, at + step, found)
        else:
            _smd_walk(item, _fields(typ), child, at, found)


def check_applied(rt: ResourceType, config: Any) -> None:
    """A server-side apply configuration with fields the type lacks fails as
    structured-merge-diff's typed conversion does, whatever `fieldValidation` says."""
    message = message_of(rt)
    if not isinstance(config, dict):
        return
    found: list[str] = []
    if rt.custom is not None:  # the CRD's structural schema is the type
        found = ["." + p for p in rt.custom.prune(copy.deepcopy(config))]
    elif message not in MESSAGES:
        return
    else:
        _smd_walk(config, {**_TYPE_META, **_fields(message)}, schema_for_kind(rt.kind), "", found)
    if not found:
        return
    errors = [f"{p}: field not declared in schema" for p in found]
    text = errors[0] if len(errors) == 1 else "errors:\n  " + "\n  ".join(errors)
    meta = config.get("metadata") if isinstance(config.get("metadata"), dict) else {}
    group, _, version = rt.api_version.rpartition("/")
    raise UnknownStatusError(
        f"failed to create typed patch object ({meta.get('namespace', '')}/"
        f"{meta.get('name', '')}; {group}/{version}, Kind={rt.kind}): {text}")
