"""Validation shared by every kind: object metadata, labels, selectors, immutability.

Mirrors apimachinery `api/validation/objectmeta.go`, `apis/meta/v1/validation` and
the name functions of `api/validation/generic.go`, appending to an `ErrorList` with
Kubernetes' field paths and words. Go iterates maps in random order; we iterate keys
sorted so messages are deterministic. The string checks that see the same few values on
every write (label keys and values, annotation keys, namespaces) remember their answers. Used by the per-kind modules
(validation_pod, validation_apps, validation_core) that `validation.validate` calls.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList, FieldError
from kubenb.api.objects import Obj

NameFn = Callable[[str, bool], list[str]]

FIELD_IMMUTABLE = "field is immutable"
IS_NEGATIVE = "must be greater than or equal to 0"
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return names.dns1123_subdomain_errors(names.mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return names.dns1123_label_errors(names.mask_trailing_dash(name) if prefix else name)


# Pure string checks, remembered: labels, annotation keys and namespaces repeat on every write.
@functools.lru_cache(maxsize=8192)
def _qualified_name_errors(key: str) -> tuple[str, ...]:
    return tuple(names.qualified_name_errors(key))


@functools.lru_cache(maxsize=8192)
def _label_value_errors(value: str) -> tuple[str, ...]:
    return tuple(names.label_value_errors(value))


@functools.lru_cache(maxsize=1024)
def _dns1123_label_errors(name: str) -> tuple[str, ...]:
    return tuple(names.dns1123_label_errors(name))


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return names.dns1035_label_errors(names.mask_trailing_dash(name) if prefix else name)


def as_dict(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def normalise(value: Any) -> Any:
    """Semantic.DeepEqual's view: null, {} and [] all mean unset."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = normalise(v)
            if v is not None and v != {} and v != []:
                out[k] = v
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def semantic_equal(a: Any, b: Any) -> bool:
    return normalise(a) == normalise(b)


def validate_dns1123_label(errs: ErrorList, value: str, path: str) -> None:
    for msg in names.dns1123_label_errors(value):
        errs.invalid(path, value, msg)


def validate_dns1123_subdomain(errs: ErrorList, value: str, path: str) -> None:
    for msg in names.dns1123_subdomain_errors(value):
        errs.invalid(path, value, msg)


def validate_qualified_name(errs: ErrorList, value: str, path: str) -> None:
    found = (_qualified_name_errors(value) if type(value) is str
             else names.qualified_name_errors(value))
    for msg in found:
        errs.invalid(path, value, msg)


def validate_nonnegative(errs: ErrorList, value: Any, path: str) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        errs.invalid(path, value, IS_NEGATIVE)


def validate_immutable(errs: ErrorList, new: Any, old: Any, path: str) -> None:
    if not semantic_equal(new, old):
        errs.invalid(path, new, FIELD_IMMUTABLE)


def validate_labels(errs: ErrorList, labels: Any, path: str) -> None:
    """ValidateLabels: every key a qualified name, every value a label value."""
    if not labels:
        return
    for key in sorted(as_dict(labels)):
        value = labels[key]
        validate_qualified_name(errs, key, path)
        for msg in _label_value_errors(value if isinstance(value, str) else str(value)):
            errs.invalid(path, value, msg)


def validate_annotations(errs: ErrorList, annotations: Any, path: str) -> None:
    """ValidateAnnotations: keys are qualified names (case-insensitively), 256 KiB in all."""
    annotations = as_dict(annotations)
    if not annotations:
        return
    for key in sorted(annotations):
        for msg in _qualified_name_errors(key.lower()):  # str.lower() is always a str
            errs.invalid(path, key, msg)
    total = sum(len(k.encode()) + len(str(v).encode()) for k, v in annotations.items())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.add(FieldError("TooLong", path,
                            detail=f"may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"))


def _validate_owner_references(errs: ErrorList, refs: Any, path: str) -> None:
    if not refs:
        return
    controller = ""
    for ref in as_list(refs):
        ref = as_dict(ref)
        api_version = ref.get("apiVersion") or ""
        if not api_version.rpartition("/")[2]:
            errs.invalid(f"{path}.apiVersion", api_version, "version must not be empty")
        for key in ("kind", "name", "uid"):
            if not ref.get(key):
                errs.invalid(f"{path}.{key}", ref.get(key) or "", "must not be empty")
        if api_version == "v1" and ref.get("kind") == "Event":
            errs.invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner")
        if ref.get("controller") is True:
            current = f"{ref.get('kind', '')}/{ref.get('name', '')}"
            if controller:
                errs.invalid(path, refs, "Only one reference can have Controller set to true. "
                             f'Found "true" in references for {controller} and {current}')
            else:
                controller = current


def _validate_finalizers(errs: ErrorList, finalizers: Any, path: str) -> None:
    finalizers = as_list(finalizers)
    if not finalizers:
        return
    for f in finalizers:
        validate_qualified_name(errs, f, path)
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        errs.invalid(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set")
    for i, f in enumerate(finalizers):
        validate_kube_finalizer_name(errs, f, f"{path}[{i}]")


def validate_kube_finalizer_name(errs: ErrorList, name: str, path: str) -> None:
    if "/" not in name and name not in STANDARD_FINALIZERS:
        errs.invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")


def validate_object_meta(errs: ErrorList, meta: Any, namespaced: bool, name_fn: NameFn,
                         path: str = "metadata") -> None:
    """ValidateObjectMeta (core flavour: plus kube finalizer names)."""
    meta = as_dict(meta)
    generate_name = meta.get("generateName") or ""
    if generate_name:
        for msg in name_fn(generate_name, True):
            errs.invalid(f"{path}.generateName", generate_name, msg)
    name = meta.get("name") or ""
    if not name:
        errs.required(f"{path}.name", "name or generateName is required")
    else:
        for msg in name_fn(name, False):
            errs.invalid(f"{path}.name", name, msg)
    namespace = meta.get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.required(f"{path}.namespace")
        else:
            found = (_dns1123_label_errors(namespace) if type(namespace) is str
                     else name_is_dns_label(namespace, False))
            for msg in found:
                errs.invalid(f"{path}.namespace", namespace, msg)
    elif namespace:
        errs.forbidden(f"{path}.namespace", "not allowed on this type")
    generation = meta.get("generation", 0)
    if generation:
        validate_nonnegative(errs, generation, f"{path}.generation")
    # each check finds nothing in an absent or empty field: skip it (and its path string)
    if meta.get("labels"):
        validate_labels(errs, meta["labels"], f"{path}.labels")
    if meta.get("annotations"):
        validate_annotations(errs, meta["annotations"], f"{path}.annotations")
    if meta.get("ownerReferences"):
        _validate_owner_references(errs, meta["ownerReferences"], f"{path}.ownerReferences")
    if meta.get("finalizers"):
        _validate_finalizers(errs, meta["finalizers"], f"{path}.finalizers")


def validate_object_meta_update(errs: ErrorList, new: Any, old: Any, path: str = "metadata") -> None:
    """ValidateObjectMetaUpdate, minus what the store owns (resourceVersion, generation)."""
    new, old = as_dict(new), as_dict(old)
    for key in ("name", "namespace"):
        validate_immutable(errs, new.get(key) or "", old.get(key) or "", f"{path}.{key}")
    if new.get("uid"):
        validate_immutable(errs, new.get("uid"), old.get("uid") or "", f"{path}.uid")
    validate_labels(errs, new.get("labels"), f"{path}.labels")
    validate_annotations(errs, new.get("annotations"), f"{path}.annotations")
    _validate_owner_references(errs, new.get("ownerReferences"), f"{path}.ownerReferences")
    for i, f in enumerate(as_list(new.get("finalizers"))):
        validate_kube_finalizer_name(errs, f, f"{path}.finalizers[{i}]")


_SELECTOR_OPS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(errs: ErrorList, selector: Any, path: str) -> bool:
    """ValidateLabelSelector; returns whether LabelSelectorAsSelector would succeed."""
    before = len(errs.errors)
    selector = as_dict(selector)
    validate_labels(errs, selector.get("matchLabels"), f"{path}.matchLabels")
    for i, req in enumerate(as_list(selector.get("matchExpressions"))):
        req = as_dict(req)
        rpath = f"{path}.matchExpressions[{i}]"
        op, values = req.get("operator"), as_list(req.get("values"))
        if op in ("In", "NotIn"):
            if not values:
                errs.required(f"{rpath}.values", "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.forbidden(f"{rpath}.values",
                               "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        else:
            errs.invalid(f"{rpath}.operator", op or "", "not a valid selector operator")
        validate_qualified_name(errs, req.get("key") or "", f"{rpath}.key")
        for j, value in enumerate(values):
            for msg in names.label_value_errors(str(value)):
                errs.invalid(f"{rpath}.values[{j}]", value, msg)
    return len(errs.errors) == before


def selector_is_empty(selector: Any) -> bool:
    s = as_dict(selector)
    return not s.get("matchLabels") and not s.get("matchExpressions")


def selector_matches(selector: Any, labels: Mapping[str, str] | None) -> bool:
    """Does a LabelSelector (matchLabels + matchExpressions) select these labels?"""
    labels = labels or {}
    s = as_dict(selector)
    for key, value in as_dict(s.get("matchLabels")).items():
        if labels.get(key) != value:
            return False
    for req in as_list(s.get("matchExpressions")):
        req = as_dict(req)
        key, op, values = req.get("key"), req.get("operator"), as_list(req.get("values"))
        has = key in labels
        if op == "In" and not (has and labels[key] in values):
            return False
        if op == "NotIn" and has and labels[key] in values:
            return False
        if op == "Exists" and not has:
            return False
        if op == "DoesNotExist" and has:
            return False
    return True
