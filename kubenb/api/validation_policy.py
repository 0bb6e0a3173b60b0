"""Validation of LimitRanges and ResourceQuotas (ValidateLimitRange, ValidateResourceQuota of
pkg/apis/core/validation, 1.32), in the API server's words.

LimitRange: one item per type, no `default`/`defaultRequest` on a Pod item, quantities ≥ 0,
and min ≤ defaultRequest ≤ default ≤ max with upstream's messages (`min value 2 is greater
than max value 1`), ratios ≥ 1. ResourceQuota: `spec.hard` names must be standard quota
resources or fully qualified (`must be a standard resource for quota`), quantities ≥ 0,
scopes among the known ones. Called by `validation.validate`.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.quantity import canonical_quantity, is_quantity, parse_quantity
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    validate_object_meta,
    validate_object_meta_update,
)
from kubenb.api.validation_resources import STANDARD_RESOURCES

_SCOPES = ["BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating",
           "PriorityClass", "Terminating"]


def _meta(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))


def _quantities(errs: ErrorList, rl: Any, path: str) -> dict[str, Any]:
    out = {}
    for name, value in sorted(as_dict(rl).items()):
        for msg in names.qualified_name_errors(name):
            errs.invalid(f"{path}[{name}]", name, msg)
        if not is_quantity(value):
            continue
        if parse_quantity(value) < 0:
            errs.invalid(f"{path}[{name}]", canonical_quantity(value), "must be greater than or equal to 0")
        out[name] = parse_quantity(value)
    return out


# (smaller, larger, reported field, message): min <= defaultRequest <= default <= max
_ORDER = (
    ("min", "max", "min", "min value {} is greater than max value {}"),
    ("min", "defaultRequest", "defaultRequest", "min value {} is greater than default request value {}"),
    ("defaultRequest", "max", "defaultRequest", "default request value {} is greater than max value {}"),
    ("defaultRequest", "default", "defaultRequest", "default request value {} is greater than default limit value {}"),
    ("min", "default", "default", "min value {} is greater than default value {}"),
    ("default", "max", "default", "default value {} is greater than max value {}"),
)


def validate_limit_range(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    _meta(errs, obj, old)
    seen: set[str] = set()
    for i, item in enumerate(as_list(as_dict(obj.get("spec")).get("limits"))):
        item = as_dict(item)
        path = f"spec.limits[{i}]"
        kind = item.get("type") or ""
        if kind in seen:
            errs.duplicate(f"{path}.type", kind)
        seen.add(kind)
        q = {key: _quantities(errs, item.get(key), f"{path}.{key}")
             for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")}
        if kind == "Pod":
            for key in ("default", "defaultRequest"):
                for name in sorted(q[key]):
                    errs.forbidden(f"{path}.{key}[{name}]", "may not be specified when `type` is 'Pod'")
        text = {key: {n: canonical_quantity(as_dict(item.get(key))[n]) for n in q[key]} for key in q}
        for name in sorted(set().union(*q.values())):
            t = {key: text[key].get(name, "") for key in text}
            for small, big, at, words in _ORDER:
                lo, hi = q[small].get(name), q[big].get(name)
                if lo is not None and hi is not None and lo > hi:
                    errs.invalid(f"{path}.{at}[{name}]", t[at], words.format(t[small], t[big]))
            lo, hi = q["min"].get(name), q["max"].get(name)
            ratio = q["maxLimitRequestRatio"].get(name)
            if ratio is not None and ratio < 1:
                errs.invalid(f"{path}.maxLimitRequestRatio[{name}]", t["maxLimitRequestRatio"],
                             f"ratio {t['maxLimitRequestRatio']} is less than 1")
            if ratio is not None and lo and hi is not None and ratio > hi / lo:
                errs.invalid(f"{path}.maxLimitRequestRatio[{name}]", t["maxLimitRequestRatio"],
                             f"ratio {t['maxLimitRequestRatio']} is greater than max/min = {float(hi / lo):f}")


def validate_resource_quota(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    _meta(errs, obj, old)
    spec = as_dict(obj.get("spec"))
    for name, value in sorted(as_dict(spec.get("hard")).items()):
        path = f"spec.hard[{name}]"
        msgs = names.qualified_name_errors(name)
        for msg in msgs:
            errs.invalid(path, name, msg)
        if not msgs and "/" not in name and name not in STANDARD_RESOURCES \
                and not name.startswith(("hugepages-", "requests.hugepages-")):
            errs.invalid(path, name, "must be a standard resource for quota")
        if is_quantity(value) and parse_quantity(value) < 0:
            errs.invalid(path, canonical_quantity(value), "must be greater than or equal to 0")
    for i, scope in enumerate(as_list(spec.get("scopes"))):
        if scope not in _SCOPES:
            errs.not_supported(f"spec.scopes[{i}]", scope, _SCOPES)
