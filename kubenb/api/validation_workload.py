"""Checks shared by the workload kinds that carry a label selector and a pod template.

Deployments, ReplicaSets, StatefulSets, DaemonSets, ReplicationControllers and Jobs each
check their spec in the order of their own upstream function, so each keeps its own
sequence; the steps they have in common live here, in the API server's words: a required,
non-empty selector, the selector/template-labels mismatch, and the template's
restartPolicy (with `activeDeadlineSeconds` forbidden where pods must keep running).
Called by validation_apps, validation_daemon, validation_stateful and validation_batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import selector_is_empty, validate_label_selector

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
