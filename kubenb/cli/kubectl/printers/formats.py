"""The non-table output formats of `kubectl get`/`create`: `-o name`, `-o json`, `-o yaml`.

Objects are unstructured Kubernetes JSON dicts. JSON is Go's `json.MarshalIndent` with a
4-space indent, keys sorted, and Go's escaping (`<`, `>`, `&`, U+2028/9 as `\\uXXXX`). YAML
comes from `goyaml.dump`. Several objects print as one `List`, as `kubectl get` does when
it was not asked for a single named object. Callers write the returned text to stdout.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kubenb.encoding import goyaml
from kubenb.encoding.gonum import json_number

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
               "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_string(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)
    if any(ch in text for ch in _GO_ESCAPES):
        text = "".join(_GO_ESCAPES.get(ch, ch) for ch in text)
    return text


def _encode(value: Any, indent: str, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + "    "
        out.append("{\n")
        for i, key in enumerate(sorted(value)):
            out.append(f"{inner}{_json_string(key)}: ")
            _encode(value[key], inner, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(indent + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = indent + "    "
        out.append("[\n")
        for i, item in enumerate(value):
            out.append(inner)
            _encode(item, inner, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(indent + "]")
    elif isinstance(value, str):
        out.append(_json_string(value))
    elif value is None:
        out.append("null")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif isinstance(value, (int, float)):
        out.append(json_number(value))
    else:
        raise TypeError(f"cannot print {type(value).__name__} as JSON")


def to_json(obj: Any) -> str:
    """`-o json` of one object (or an already-built List), with the trailing newline."""
    out: list[str] = []
    _encode(obj, "", out)
    out.append("\n")
    return "".join(out)


def to_yaml(obj: Any) -> str:
    """`-o yaml` of one object (or an already-built List)."""
    return goyaml.dump(obj)


def as_list(objects: Sequence[dict[str, Any]], resource_version: str = "") -> dict[str, Any]:
    """The `v1` `List` that `kubectl get -o json|yaml` prints for zero or several objects."""
    return {"apiVersion": "v1", "items": list(objects), "kind": "List",
            "metadata": {"resourceVersion": resource_version}}


def printable(objects: Sequence[dict[str, Any]], single: bool) -> dict[str, Any]:
    """What `get -o json|yaml` prints: the object itself if one was named, else a List."""
    if single and len(objects) == 1:
        return objects[0]
    return as_list(objects)


def object_name(obj: dict[str, Any]) -> str:
    """`-o name`: `<kind lower>[.<group>]/<name>`, e.g. `deployment.apps/x`, `pod/p`."""
    api_version = obj.get("apiVersion") or ""
    group = api_version.split("/")[0] if "/" in api_version else ""
    kind = obj.get("kind", "").lower()
    prefix = f"{kind}.{group}" if group else kind
    return f"{prefix}/{(obj.get('metadata') or {}).get('name', '')}"


def to_name(objects: Sequence[dict[str, Any]], operation: str = "") -> str:
    """`-o name` lines (List items are expanded); with `operation`, `pod/x created`."""
    lines = []
    for obj in objects:
        items = obj.get("items") if obj.get("kind", "").endswith("List") else None
        for item in items if items is not None else [obj]:
            name = object_name(item)
            lines.append(f"{name} {operation}\n" if operation else f"{name}\n")
    return "".join(lines)
