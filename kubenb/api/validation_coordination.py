"""Validation of coordination.k8s.io/v1 Leases (pkg/apis/coordination/validation).

A Lease is namespaced with a DNS-subdomain name; `leaseDurationSeconds` must be greater than
0 and `leaseTransitions` at least 0 when set. Registered in kubenb/api/validation.py's table.
"""

from __future__ import annotations

from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    name_is_dns_subdomain,
    validate_object_meta,
    validate_object_meta_update,
)


def validate_lease(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    spec = as_dict(obj.get("spec"))
    duration = spec.get("leaseDurationSeconds")
    if isinstance(duration, int) and duration <= 0:
        errs.invalid("spec.leaseDurationSeconds", duration, "must be greater than 0")
    transitions = spec.get("leaseTransitions")
    if isinstance(transitions, int) and transitions < 0:
        errs.invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0")
