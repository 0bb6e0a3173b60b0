"""`kubectl explain` documentation of a custom resource, from its CRD's OpenAPI v3 schema.

What kubectl's explain template shows for the schema kube-apiserver publishes for a CRD:
apiVersion, kind and metadata documented as on every kind, then the schema's own properties
with the template's type names (`Object`, `[]Object`, `map[string]string`, `integer`,
for int-or-string too), `description`s, `enum`s and `required` marks. A `CustomField` carries the
nested schema of an object-typed field (custom schemas have no named definitions to refer to).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kubenb.api.explain.schema import API_VERSION, KIND, METADATA, Field, Schema
from kubenb.api.registry import ResourceType


@dataclass(frozen=True)
class CustomField(Field):
    sub: Schema | None = None


def type_name(s: dict[str, Any]) -> str:
    # int-or-string is published as anyOf integer/string, which the template calls Object
    typ = s.get("type") or ""
    if typ == "array":
        return "[]" + type_name(s.get("items") or {})
    if typ == "object" or not typ:
        extra = s.get("additionalProperties")
        if isinstance(extra, dict) and not s.get("properties"):
            return "map[string]" + type_name(extra)
        return "Object"
    return str(typ)


def _object_node(s: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema a field's documentation descends into (through arrays and maps)."""
    while True:
        if s.get("type") == "array" and isinstance(s.get("items"), dict):
            s = s["items"]
        elif isinstance(s.get("additionalProperties"), dict) and not s.get("properties"):
            s = s["additionalProperties"]
        else:
            return s if s.get("properties") else None


def _field(s: dict[str, Any], required: bool) -> CustomField:
    node = _object_node(s)
    enum = tuple(e if isinstance(e, str) else json.dumps(e) for e in s.get("enum") or ())
    # the nested schema is the field's own node: its description is the field's, not repeated
    sub = Schema("", schema_of(node).fields) if node is not None else None
    return CustomField(type_name(s), str(s.get("description") or ""), enum, required, sub)


def schema_of(s: dict[str, Any]) -> Schema:
    required = set(s.get("required") or ())
    fields = {name: _field(child, name in required)
              for name, child in (s.get("properties") or {}).items() if isinstance(child, dict)}
    return Schema(str(s.get("description") or ""), fields)


def custom_schema(rt: ResourceType) -> Schema:
    root = rt.custom.schemas.get(rt.version) or {}
    schema = schema_of(root)
    return Schema(schema.description, {"apiVersion": API_VERSION, "kind": KIND, "metadata": METADATA,
                                       **{k: v for k, v in schema.fields.items()
                                          if k not in ("apiVersion", "kind", "metadata")}})
