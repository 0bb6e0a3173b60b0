"""The kinds CustomResourceDefinitions serve: one ResourceType per Established CRD, per store.

`custom_type(crd)` builds the ResourceType (group, served versions with the storage one
first, plural, singular, short names, categories, scope, status/scale subresources) whose
`custom` is a `CustomKind`: the per-version schemas and printer columns, and what the
apiserver's custom resource strategy does on every write — `prepare` (drop status on
create when status is a subresource, prune unknown fields, fill defaults), `validate`
(ObjectMeta, then the schema), `generation_changed`. `serve`/`unserve` add or remove the
kind in a store's registry; controllers/crd.py calls them as CRDs become Established or go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubenb.api import crd_schema
from kubenb.api.crd import storage_version
from kubenb.api.errors import ErrorList, Invalid
from kubenb.api.objects import Obj
from kubenb.api.patch import UnsupportedMediaType
from kubenb.api.registry import ResourceType
from kubenb.api.validation_core import validate_meta_only
from kubenb.api.validation_meta import as_dict, as_list

if TYPE_CHECKING:
    from kubenb.api.store import Store

_VERBS = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
_AGE = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp",
        "description": "CreationTimestamp is a timestamp representing the server time when "
                       "this object was created."}
_STEP = re.compile(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


@dataclass(frozen=True)
class CustomKind:
    """What serving one CRD's kind needs beyond the ResourceType."""

    crd_name: str
    group: str
    kind: str
    storage: str
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    columns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    status: frozenset[str] = frozenset()  # versions with the status subresource
    scale: dict[str, dict[str, Any]] = field(default_factory=dict)

    # ---- the write path --------------------------------------------------------------

    def schema(self, version: str | None = None) -> dict[str, Any]:
        return self.schemas.get(version or self.storage) or {"type": "object"}

    def prune(self, obj: Obj, version: str | None = None) -> list[str]:
        """Drop unknown fields of `obj` in place; their paths."""
        return crd_schema.prune(obj, self.schema(version))

    def prepare(self, obj: Obj, old: Obj | None) -> None:
        """Before validation: status as the strategy leaves it, pruning, defaulting."""
        if self.storage in self.status and old is None:
            obj.pop("status", None)
        self.prune(obj)
        crd_schema.default(obj, self.schema())

    def field_errors(self, obj: Obj, old: Obj | None, namespaced: bool) -> ErrorList:
        errs = ErrorList()
        validate_meta_only(namespaced)(errs, obj, old)
        errs.errors.extend(crd_schema.validate(obj, self.schema()))
        return errs

    def validate(self, obj: Obj, old: Obj | None, namespaced: bool) -> None:
        errs = self.field_errors(obj, old, namespaced)
        if errs:
            name = as_dict(obj.get("metadata")).get("name") or ""
            raise Invalid(self.kind, self.group, name, errs.errors)

    def generation_changed(self, new: Obj, old: Obj) -> bool:
        """Anything but metadata (and status, when it is a subresource) changed."""
        skip = {"metadata", "status"} if self.storage in self.status else {"metadata"}
        return ({k: v for k, v in new.items() if k not in skip}
                != {k: v for k, v in old.items() if k not in skip})

    # ---- scale ---------------------------------------------------------------------------

    def scale_paths(self) -> dict[str, Any]:
        return self.scale.get(self.storage) or {}

    def scale_numbers(self, obj: Obj) -> tuple[int, int, str]:
        """(spec replicas, status replicas, selector) at the scale subresource's paths."""
        paths = self.scale_paths()
        values = []
        for key in ("specReplicasPath", "statusReplicasPath"):
            found, value = json_path(obj, str(paths.get(key, "")))
            values.append(int(value) if found and isinstance(value, (int, float)) else 0)
        found, selector = json_path(obj, str(paths.get("labelSelectorPath") or "")) \
            if paths.get("labelSelectorPath") else (False, "")
        return values[0], values[1], str(selector) if found and selector else ""

    def set_replicas(self, obj: Obj, replicas: int) -> None:
        set_path(obj, str(self.scale_paths().get("specReplicasPath", ".spec.replicas")), replicas)


_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_priority(version: str) -> tuple[int, int, int, str]:
    """Sort key of apimachinery's CompareKubeAwareVersionStrings: GA before beta before alpha,
    higher numbers first, then versions of other shapes by name."""
    m = _KUBE_VERSION.match(version)
    if m is None:
        return (3, 0, 0, version)
    stage = {None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    return (stage, -int(m.group(1)), -int(m.group(3) or 0), version)


def check_patch_type(rt: ResourceType, patch_type: str) -> None:
    """Custom resources take no strategic merge patch: the 415 kube-apiserver answers."""
    if rt.custom is not None and patch_type in ("strategic", "application/strategic-merge-patch+json"):
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")


def json_path(obj: Any, path: str) -> tuple[bool, Any]:
    """(found, value) of a simple JSONPath (`.spec.replicas`, `.status.conditions[0].type`)."""
    path = path.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]
    value = obj
    pos = 0
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            return False, None
        pos = m.end()
        if m.group(2) is not None:
            i = int(m.group(2))
            if not isinstance(value, list) or i >= len(value):
                return False, None
            value = value[i]
        else:
            key = next(g for g in (m.group(1), m.group(3), m.group(4)) if g is not None)
            if not isinstance(value, dict) or key not in value:
                return False, None
            value = value[key]
    return True, value


def set_path(obj: dict[str, Any], path: str, value: Any) -> None:
    keys = [k for k in path.strip(".").split(".") if k]
    for k in keys[:-1]:
        nxt = obj.get(k)
        if not isinstance(nxt, dict):
            nxt = obj[k] = {}
        obj = nxt
    obj[keys[-1]] = value


def printer_columns(crd_version: Obj) -> list[dict[str, Any]]:
    cols = as_list(crd_version.get("additionalPrinterColumns"))
    return [as_dict(c) for c in cols] if cols else [_AGE]


def _served(crd: Obj) -> list[Obj]:
    return [as_dict(v) for v in as_list(as_dict(crd.get("spec")).get("versions"))
            if as_dict(v).get("served")]


def custom_type(crd: Obj) -> ResourceType:
    spec = as_dict(crd.get("spec"))
    names = as_dict(as_dict(crd.get("status")).get("acceptedNames")) or as_dict(spec.get("names"))
    storage = storage_version(crd) or ""
    versions = _served(crd)
    served = [str(v.get("name")) for v in versions]
    # in kube-aware version order: the first is the preferred version discovery names and
    # the store keeps objects in (with `conversion: None` versions differ in apiVersion only)
    ordered = sorted(served, key=version_priority)
    by_name = {str(v.get("name")): v for v in versions}
    stored = by_name.get(storage, {})
    subs = as_dict(stored.get("subresources"))
    kind = CustomKind(
        crd_name=crd["metadata"]["name"], group=str(spec.get("group", "")),
        kind=str(names.get("kind", "")), storage=storage,
        schemas={n: as_dict(as_dict(v.get("schema")).get("openAPIV3Schema")) for n, v in by_name.items()},
        columns={n: printer_columns(v) for n, v in by_name.items()},
        status=frozenset(n for n, v in by_name.items() if "status" in as_dict(v.get("subresources"))),
        scale={n: as_dict(as_dict(v.get("subresources")).get("scale"))
               for n, v in by_name.items() if "scale" in as_dict(v.get("subresources"))},
    )
    return ResourceType(
        group=kind.group, version=ordered[0] if ordered else storage, kind=kind.kind,
        plural=str(names.get("plural", "")), singular=str(names.get("singular", "")),
        namespaced=spec.get("scope") == "Namespaced",
        short_names=tuple(as_list(names.get("shortNames"))),
        categories=tuple(as_list(names.get("categories"))),
        subresources=tuple(s for s in ("scale", "status") if s in subs),
        verbs=_VERBS, has_status="status" in subs, other_versions=tuple(ordered[1:]),
        custom=kind)


def serve(store: Store, crd: Obj) -> ResourceType:
    rt = custom_type(crd)
    store.serve_kind(rt)
    return rt


def served_by(store: Store, crd_name: str) -> ResourceType | None:
    for rt in store.registry:
        if rt.custom is not None and rt.custom.crd_name == crd_name:
            return rt
    return None
