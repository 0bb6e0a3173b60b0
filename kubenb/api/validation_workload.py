"""Checks shared by the workload kinds that carry a label selector and a pod template.

Deployments, ReplicaSets, StatefulSets, DaemonSets, ReplicationControllers and Jobs each
check their spec in the order of their own upstream function, so each keeps its own
sequence; the steps they have in common live here, in the API server's words: a required,
non-empty selector, the selector/template-labels mismatch, and the template's
restartPolicy (with `activeDeadlineSeconds` forbidden where pods must keep running), and
the create/update frame of the kinds whose selector is immutable (`with_immutable_selector`).
Called by validation_apps, validation_daemon, validation_stateful and validation_batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    name_is_dns_subdomain,
    selector_is_empty,
    validate_immutable,
    validate_label_selector,
    validate_object_meta,
    validate_object_meta_update,
)

SELECTOR_MISMATCH = "`selector` does not match template `labels`"


def validate_required_selector(errs: ErrorList, selector: Any, path: str, kind: str) -> bool:
    """The selector at `path` is required, a valid LabelSelector and not empty (`empty
    selector is invalid for <kind>`). False when it cannot be read as a selector."""
    if selector is None:
        errs.required(path)
        return True
    convertible = validate_label_selector(errs, selector, path)
    if selector_is_empty(selector):
        errs.invalid(path, selector, f"empty selector is invalid for {kind}")
    return convertible


def invalid_template_labels(errs: ErrorList, template_path: str, labels: Any) -> None:
    """The error for template labels the selector does not select."""
    errs.invalid(f"{template_path}.metadata.labels", labels, SELECTOR_MISMATCH)


def validate_template_restart(
    errs: ErrorList, template_spec: Obj, template_path: str,
    allowed: Sequence[str] = ("Always",), deadline_kind: str | None = None,
) -> None:
    """The template's restartPolicy is one of `allowed`; with `deadline_kind`, its
    `activeDeadlineSeconds` is forbidden (`activeDeadlineSeconds in <kind> is not Supported`)."""
    policy = template_spec.get("restartPolicy")
    if policy not in allowed:
        errs.not_supported(f"{template_path}.spec.restartPolicy", policy or "", list(allowed))
    if deadline_kind is not None and template_spec.get("activeDeadlineSeconds") is not None:
        errs.forbidden(f"{template_path}.spec.activeDeadlineSeconds",
                       f"activeDeadlineSeconds in {deadline_kind} is not Supported")


SpecCheck = Callable[[ErrorList, Any], None]
ObjectCheck = Callable[[ErrorList, Obj, "Obj | None"], None]


def with_immutable_selector(validate_spec: SpecCheck) -> ObjectCheck:
    """ValidateDeployment / ValidateReplicaSet / ValidateDaemonSet and their Update forms:
    the object's metadata, its spec, and on update an unchanged `spec.selector`."""

    def validate(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
        if old is None:
            validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
            validate_spec(errs, obj.get("spec"))
            return
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
        validate_spec(errs, obj.get("spec"))
        validate_immutable(errs, as_dict(obj.get("spec")).get("selector"),
                           as_dict(old.get("spec")).get("selector"), "spec.selector")

    return validate
