"""The OpenAPI v3 schema kube-apiserver publishes for a custom resource's group-version.

As apiextensions' openapi builder: the CRD version's structural schema under the definition
`com.example.stable.v1.CronTab` (the group reversed), with `apiVersion`, `kind` and
`metadata` (a reference to ObjectMeta) documented as on every kind and
`x-kubernetes-group-version-kind`; ObjectMeta and the types it refers to come along, built
from the documentation kubenb's own explain prints (api/docs.py), so `kubectl
explain` over HTTP renders the same text.
"""

from __future__ import annotations

import copy
from typing import Any

from kubenb.api.docs import META_SCHEMAS
from kubenb.api.registry import ResourceType

_CONVENTIONS = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md"
_META_PREFIX = "io.k8s.apimachinery.pkg.apis.meta.v1"
META = f"{_META_PREFIX}.ObjectMeta"
_SCALARS = ("string", "integer", "boolean", "number")


def _ref(name: str) -> str:
    return f"#/components/schemas/{_META_PREFIX}.{name}"


def _type(type_: str, out: dict[str, Any]) -> dict[str, Any]:
    if type_ in _SCALARS:
        return {"type": type_}
    if type_.startswith("[]"):
        return {"type": "array", "items": _type(type_[2:], out)}
    if type_.startswith("map[string]"):
        return {"type": "object", "additionalProperties": _type(type_[len("map[string]"):], out)}
    _component(type_, out)
    return {"$ref": _ref(type_)}


def _component(name: str, out: dict[str, Any]) -> None:
    """A documented type as an OpenAPI component (and the types it refers to)."""
    key = f"{_META_PREFIX}.{name}"
    if key in out:
        return
    doc = META_SCHEMAS.get(name)
    out[key] = schema = {"type": "object"}
    if doc is None:
        return
    if doc.description:
        schema["description"] = doc.description
    props: dict[str, Any] = {}
    for field_name, f in doc.fields.items():
        prop = _type(f.type, out)
        if "$ref" in prop:
            prop = {"allOf": [prop]}
        if f.description:
            prop["description"] = f.description
        if f.enum:
            prop["enum"] = list(f.enum)
        props[field_name] = prop
    schema["properties"] = props
    required = [n for n, f in doc.fields.items() if f.required]
    if required:
        schema["required"] = required


def _published(node: Any) -> Any:
    """A structural schema as the builder publishes it: int-or-string as anyOf integer/string."""
    if isinstance(node, dict):
        out = {k: _published(v) for k, v in node.items()}
        if node.get("x-kubernetes-int-or-string") and "anyOf" not in node:
            out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        return out
    if isinstance(node, list):
        return [_published(v) for v in node]
    return node


def definition_name(rt: ResourceType, version: str) -> str:
    return ".".join(reversed(rt.group.split("."))) + f".{version}.{rt.kind}"


def custom_schemas(rt: ResourceType, version: str) -> dict[str, Any]:
    """The components/schemas entries for one custom kind in one served version."""
    root = _published(copy.deepcopy(rt.custom.schemas.get(version) or {"type": "object"}))
    props = root.setdefault("properties", {})
    props["apiVersion"] = {"type": "string", "description": (
        "APIVersion defines the versioned schema of this representation of an object. Servers "
        "should convert recognized schemas to the latest internal value, and may reject "
        f"unrecognized values. More info: {_CONVENTIONS}#resources")}
    props["kind"] = {"type": "string", "description": (
        "Kind is a string value representing the REST resource this object represents. Servers "
        "may infer this from the endpoint the client submits requests to. Cannot be updated. In "
        f"CamelCase. More info: {_CONVENTIONS}#types-kinds")}
    props["metadata"] = {"allOf": [{"$ref": f"#/components/schemas/{META}"}], "description": (
        f"Standard object's metadata. More info: {_CONVENTIONS}#metadata")}
    root["x-kubernetes-group-version-kind"] = [
        {"group": rt.group, "kind": rt.kind, "version": version}]
    out: dict[str, Any] = {definition_name(rt, version): root}
    _component("ObjectMeta", out)
    return out
