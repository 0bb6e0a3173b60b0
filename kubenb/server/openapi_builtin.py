"""The OpenAPI v3 schemas kube-apiserver publishes for its built-in kinds, per group-version.

Built from the same field documentation `%kubectl explain` prints (api/explain/docs:
a description and typed fields per type name), so real `kubectl explain` over HTTP renders
the same text: each kind is a component carrying `x-kubernetes-group-version-kind`; a field
of another documented type is an `allOf` `$ref` to that type's component (explain prints the
component's last name segment: `<DeploymentSpec>`); `[]T` and `map[string]T` become arrays
and maps. A type without documentation here (IntOrString, Quantity, Affinity, …) is a
component without a `type`, which explain prints by name. The strategic-merge metadata
kubectl reads from the document when it computes an apply patch comes from
api/patch_schema (`x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.docs import Field, Schema
from kubenb.api.patch_schema import STRUCTS
from kubenb.api.registry import ResourceType

_META_PACKAGE = "io.k8s.apimachinery.pkg.apis.meta.v1"
_META_TYPES = {"ObjectMeta", "OwnerReference", "ManagedFieldsEntry", "LabelSelector",
               "LabelSelectorRequirement", "Condition", "MicroTime", "Time", "ListMeta"}
_SCALARS = ("string", "integer", "boolean", "number")


def _package(group: str, version: str) -> str:
    """`io.k8s.api.apps.v1` for apps/v1, `io.k8s.api.core.v1` for the core group."""
    name = group.split(".")[0] if group else "core"
    return f"io.k8s.api.{name}.{version}"


class _Builder:
    """Components for one group-version document: a kind's type and every type it reaches."""

    def __init__(self, schemas: dict[str, Schema], package: str) -> None:
        self.docs, self.package = schemas, package
        self.out: dict[str, Any] = {}

    def name(self, type_name: str) -> str:
        if type_name in _META_TYPES:
            return f"{_META_PACKAGE}.{type_name}"
        return f"{self.package}.{type_name}"

    def type_schema(self, type_: str) -> dict[str, Any]:
        if type_ in _SCALARS:
            return {"type": type_}
        if type_ == "Object":
            return {"type": "object"}
        if type_.startswith("[]"):
            return {"type": "array", "items": self.type_schema(type_[2:])}
        if type_.startswith("map[string]"):
            return {"type": "object", "additionalProperties": self.type_schema(type_[len("map[string]"):])}
        self.component(type_)
        return {"$ref": f"#/components/schemas/{self.name(type_)}"}

    def field(self, struct: str, field_name: str, f: Field) -> dict[str, Any]:
        prop = self.type_schema(f.type)
        if "$ref" in prop:
            prop = {"allOf": [prop]}
        if f.description:
            prop["description"] = f.description
        if f.enum:
            prop["enum"] = list(f.enum)
        meta = STRUCTS.get(struct, {}).get(field_name)
        if meta is not None and meta.strategies:
            prop["x-kubernetes-patch-strategy"] = ",".join(meta.strategies)
            if meta.merge_key:
                prop["x-kubernetes-patch-merge-key"] = meta.merge_key
        return prop

    def component(self, type_name: str) -> str:
        key = self.name(type_name)
        if key in self.out:
            return key
        doc = self.docs.get(type_name)
        self.out[key] = schema = {} if doc is None else {"type": "object"}
        if doc is None:
            return key
        if doc.description:
            schema["description"] = doc.description
        if doc.fields:
            schema["properties"] = {n: self.field(type_name, n, f) for n, f in doc.fields.items()}
            required = sorted(n for n, f in doc.fields.items() if f.required)
            if required:
                schema["required"] = required
        return key


def builtin_schemas(rts: list[ResourceType], group: str, version: str,
                    schemas: dict[str, Schema]) -> dict[str, Any]:
    """components/schemas of one built-in group-version: its documented kinds (custom
    resources are apiextensions' business, see openapi_custom)."""
    builder = _Builder(schemas, _package(group, version))
    for rt in rts:
        if rt.custom is not None or rt.kind not in schemas:
            continue
        key = builder.component(rt.kind)
        builder.out[key]["x-kubernetes-group-version-kind"] = [
            {"group": rt.group, "kind": rt.kind, "version": version}]
    return builder.out
