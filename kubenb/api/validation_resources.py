"""Validation of container resource requirements: names, quantities, requests <= limits.

Mirrors validateResourceRequirements, validateContainerResourceName and
ValidateResourceQuantityValue (pkg/apis/core/validation, Kubernetes 1.36), including the
helper predicates (native, extended, overcommittable resources). Quantities print as
`Quantity.String()` does. Called by validation_container for every container.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList
from kubenb.api.quantity import canonical_quantity, parse_quantity
from kubenb.api.validation_meta import as_dict

STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
    "persistentvolumeclaims", "configmaps", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers",
}
_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_extended(name: str) -> bool:
    if _is_native(name) or name.startswith("requests."):
        return False
    return not names.qualified_name_errors("requests." + name)


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _validate_container_resource_name(errs: ErrorList, name: str, path: str) -> None:
    msgs = names.qualified_name_errors(name)
    for msg in msgs:
        errs.invalid(path, name, msg)
    if not msgs and "/" not in name and name not in STANDARD_RESOURCES and not _is_hugepages(name) \
            and not name.startswith("requests.hugepages-"):
        errs.invalid(path, name, "must be a standard resource type or fully qualified")
    if "/" not in name:
        if name not in _CONTAINER_RESOURCES and not _is_hugepages(name):
            errs.invalid(path, name, "must be a standard resource for containers")
    elif not _is_native(name) and not _is_extended(name):
        errs.invalid(path, name, "doesn't follow extended resource name standard")


def _validate_quantity_value(errs: ErrorList, name: str, value: Any, path: str) -> None:
    q = parse_quantity(value)
    if q < 0:
        errs.invalid(path, canonical_quantity(value), "must be greater than or equal to 0")
    if _is_extended(name) and (q * 1000) % 1000:
        errs.invalid(path, canonical_quantity(value), "must be an integer")


def validate_resource_requirements(errs: ErrorList, resources: Any, path: str) -> None:
    resources = as_dict(resources)
    limits, requests = as_dict(resources.get("limits")), as_dict(resources.get("requests"))
    lim_path, req_path = f"{path}.limits", f"{path}.requests"
    compute = hugepages = False
    for name in sorted(limits):
        _validate_container_resource_name(errs, name, f"{lim_path}[{name}]")
        _validate_quantity_value(errs, name, limits[name], f"{lim_path}[{name}]")
        compute |= name in ("cpu", "memory")
        hugepages |= _is_hugepages(name)
    for name in sorted(requests):
        value = requests[name]
        _validate_container_resource_name(errs, name, f"{req_path}[{name}]")
        _validate_quantity_value(errs, name, value, f"{req_path}[{name}]")
        text = canonical_quantity(value)
        if name in limits:
            limit, limit_text = parse_quantity(limits[name]), canonical_quantity(limits[name])
            if parse_quantity(value) != limit and not _overcommit_allowed(name):
                errs.invalid(req_path, text, f"must be equal to {name} limit of {limit_text}")
            elif parse_quantity(value) > limit:
                errs.invalid(req_path, text, f"must be less than or equal to {name} limit of {limit_text}")
        elif not _overcommit_allowed(name):
            errs.required(lim_path, "Limit must be set for non overcommitable resources")
        compute |= name in ("cpu", "memory")
        hugepages |= _is_hugepages(name)
    if hugepages and not compute:
        errs.forbidden(path, "HugePages require cpu or memory")
