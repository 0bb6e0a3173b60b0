"""The options every write takes: `dryRun` and `fieldValidation`, validated as the apiserver does.

kube-apiserver decodes a write's query into Create/Update/Patch/DeleteOptions and checks
them (k8s.io/apimachinery meta/v1/validation): a `dryRun` other than "All" or an unknown
`fieldValidation` is a 422 Invalid naming the options kind (`CreateOptions.meta.k8s.io ""
is invalid: dryRun: Unsupported value: []string{"x"}: supported values: "All"`).
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api.errors import FieldError, GoText, Invalid

OPTIONS_KIND = {"POST": "CreateOptions", "PUT": "UpdateOptions", "PATCH": "PatchOptions",
                "DELETE": "DeleteOptions"}
FIELD_VALIDATION = ("", "Ignore", "Strict", "Warn")  # sets.List order


def go_strings(values: list[str]) -> GoText:
    """A []string as Go's %#v prints it."""
    return GoText("[]string{" + ", ".join(json.dumps(v, ensure_ascii=False)
                                          for v in values) + "}")


def dry_run_errors(values: list[str]) -> list[FieldError]:
    if all(v == "All" for v in values):
        return []
    return [FieldError("NotSupported", "dryRun", go_strings(values), supported=["All"])]


def invalid_options(kind: str, errors: list[FieldError]) -> Invalid:
    return Invalid(kind, "meta.k8s.io", "", errors)


def check_write_query(method: str, query: Any) -> tuple[bool, str]:
    """(dry run, fieldValidation) of a write's query; Invalid if either is not allowed.
    `query(name)` lists a query parameter's values."""
    dry = list(query("dryRun"))
    validation = (list(query("fieldValidation")) or [""])[0]
    errors = dry_run_errors(dry)
    if method != "DELETE" and validation not in FIELD_VALIDATION:
        errors.append(FieldError("NotSupported", "fieldValidation", validation,
                                 supported=list(FIELD_VALIDATION)))
    if errors:
        raise invalid_options(OPTIONS_KIND.get(method, "CreateOptions"), errors)
    return bool(dry), validation
