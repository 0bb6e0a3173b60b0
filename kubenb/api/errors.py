"""API errors shaped like Kubernetes' `Status`.

The store raises these; controllers read their type to decide what to do (Conflict →
requeue, NotFound → done); the CLI turns them into kubectl's words; the HTTP server
serves `status()` as the response body. Messages follow k8s.io/apimachinery
`api/errors` and `util/validation/field` to the letter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

FieldErrorType = Literal[
    "Required",
    "Invalid",
    "NotSupported",
    "Duplicate",
    "Forbidden",
    "TooLong",
    "TooMany",
    "NotFound",
    "Internal",
]

# How each field error type is spelled in a message (field.ErrorType.String()).
_TYPE_TEXT: dict[str, str] = {
    "Required": "Required value",
    "Invalid": "Invalid value",
    "NotSupported": "Unsupported value",
    "Duplicate": "Duplicate value",
    "Forbidden": "Forbidden",
    "TooLong": "Too long",
    "TooMany": "Too many",
    "NotFound": "Not found",
    "Internal": "Internal error",
}
# The `reason` a cause carries in a Status (metav1.CauseType).
_CAUSE_REASON: dict[str, str] = {
    "Required": "FieldValueRequired",
    "Invalid": "FieldValueInvalid",
    "NotSupported": "FieldValueNotSupported",
    "Duplicate": "FieldValueDuplicate",
    "Forbidden": "FieldValueForbidden",
    "TooLong": "FieldValueTooLong",
    "TooMany": "FieldValueTooMany",
    "NotFound": "FieldValueNotFound",
    "Internal": "InternalError",
}
_NO_VALUE = object()


class GoText(str):
    """A bad value already spelled as Go prints it (%#v of a struct): shown as it is."""


def format_value(value: Any) -> str:
    """Format a bad value as field.Error does: strings quoted, numbers and bools bare."""
    if isinstance(value, GoText):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass
class FieldError:
    """One validation failure at a field path (`spec.replicas`)."""

    type: FieldErrorType
    field: str
    value: Any = _NO_VALUE
    detail: str = ""
    supported: list[str] | None = None

    def body(self) -> str:
        text = _TYPE_TEXT[self.type]
        if self.type in ("Required", "Forbidden", "TooLong", "Internal") or self.value is _NO_VALUE:
            body = text
        else:
            body = f"{text}: {format_value(self.value)}"
        if self.type == "NotSupported" and self.supported:
            body += ": supported values: " + ", ".join(json.dumps(s) for s in self.supported)
        elif self.detail:
            body += f": {self.detail}"
        return body

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}" if self.field else self.body()

    def cause(self) -> dict[str, str]:
        return {"reason": _CAUSE_REASON[self.type], "message": self.body(), "field": self.field}


class ApiError(Exception):
    """An error the API server would answer with a `Status`."""

    code: int = 500
    reason: str = "InternalError"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
        }
        if self.details:
            body["details"] = self.details
        body["code"] = self.code  # metav1.Status field order: details, then code
        return body

    def __str__(self) -> str:
        return self.message


def _details(resource: str, name: str) -> dict[str, Any]:
    plural, _, group = resource.partition(".")
    d: dict[str, Any] = {"name": name}
    if group:  # metav1.StatusDetails order: name, group, kind, uid, causes
        d["group"] = group
    d["kind"] = plural
    return d


class NotFound(ApiError):
    code, reason = 404, "NotFound"

    def __init__(self, resource: str, name: str) -> None:
        """`resource` is the qualified plural: `pods`, `deployments.apps`."""
        super().__init__(f'{resource} "{name}" not found', details=_details(resource, name))
        self.resource, self.name = resource, name


class NoRoute(NotFound):
    """A path the server has nothing at: the generic 404 Status (what kubectl meets when it
    asks for a kind the server does not serve there, e.g. a manifest without apiVersion)."""

    def __init__(self) -> None:
        super().__init__("", "")
        self.message = "the server could not find the requested resource"
        self.details = {}


class AlreadyExists(ApiError):
    code, reason = 409, "AlreadyExists"

    def __init__(self, resource: str, name: str) -> None:
        super().__init__(f'{resource} "{name}" already exists', details=_details(resource, name))
        self.resource, self.name = resource, name


class Conflict(ApiError):
    code, reason = 409, "Conflict"
    STALE = "the object has been modified; please apply your changes to the latest version and try again"

    def __init__(self, resource: str, name: str, why: str = STALE) -> None:
        super().__init__(
            f'Operation cannot be fulfilled on {resource} "{name}": {why}',
            details=_details(resource, name),
        )
        self.resource, self.name = resource, name


class Invalid(ApiError):
    code, reason = 422, "Invalid"

    def __init__(self, kind: str, group: str, name: str, errors: list[FieldError]) -> None:
        qualified = f"{kind}.{group}" if group else kind
        if len(errors) == 1:
            agg = str(errors[0])
        else:
            agg = "[" + ", ".join(str(e) for e in errors) + "]"
        details: dict[str, Any] = {"name": name} if name else {}  # omitempty
        if group:
            details["group"] = group
        if kind:
            details["kind"] = kind
        details["causes"] = [e.cause() for e in errors]
        super().__init__(f'{qualified} "{name}" is invalid: {agg}', details=details)
        self.kind, self.name, self.errors = kind, name, errors


class BadRequest(ApiError):
    code, reason = 400, "BadRequest"


class Forbidden(ApiError):
    code, reason = 403, "Forbidden"


def admission_forbidden(resource: str, name: str, why: str) -> Forbidden:
    """admission.NewForbidden: `pods "x" is forbidden: <why>` (`resource`: qualified plural)."""
    return Forbidden(f'{resource} "{name}" is forbidden: {why}', details=_details(resource, name))


class MethodNotAllowed(ApiError):
    code, reason = 405, "MethodNotAllowed"


class Expired(ApiError):
    """A watch asked to resume from a resourceVersion the store no longer remembers."""

    code, reason = 410, "Expired"


class InternalError(ApiError):
    code, reason = 500, "InternalError"


class TooManyRequests(ApiError):
    """429: try again later (an eviction a PodDisruptionBudget refuses)."""

    code, reason = 429, "TooManyRequests"


@dataclass
class ErrorList:
    """Collects field errors while validating; `raise_for(obj)` raises Invalid if any."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, error: FieldError) -> None:
        self.errors.append(error)

    def required(self, path: str, detail: str = "") -> None:
        self.add(FieldError("Required", path, detail=detail))

    def invalid(self, path: str, value: Any, detail: str = "") -> None:
        self.add(FieldError("Invalid", path, value, detail))

    def not_supported(self, path: str, value: Any, supported: list[str]) -> None:
        self.add(FieldError("NotSupported", path, value, supported=supported))

    def forbidden(self, path: str, detail: str) -> None:
        self.add(FieldError("Forbidden", path, detail=detail))

    def duplicate(self, path: str, value: Any) -> None:
        self.add(FieldError("Duplicate", path, value))

    def __bool__(self) -> bool:
        return bool(self.errors)
