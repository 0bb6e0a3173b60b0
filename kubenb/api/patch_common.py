"""Small pieces shared by the patch modules: error types and Go-style value printing.

The API server reports some patch failures with the bare Go error text (HTTP 500 with an
empty reason) and others with fixed Status messages; the messages quote JSON values as Go's
`%v` prints them (`map[name:a value:b]`). `patch`, `patch_json`, `patch_strategic` and
`patch_diff` raise these.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ApiError, InternalError, Invalid

REJECTED = "the server rejected our request due to an error in our request"


class PatchError(InternalError):
    """A patch failure the server passes through as a plain error: 500, reason left empty.

    kubectl prints it as `Error from server: <message>`.
    """

    reason = ""


class PatchRejected(Invalid):
    """422 Invalid with the generic text the server uses for json-patch and SMP failures.

    `detail` keeps the library's own words (`testing value /x failed: test failed`); the
    server does not send them, but they help when debugging.
    """

    def __init__(self, detail: str = "") -> None:
        # Invalid.__init__ builds `Kind "name" is invalid: …`; this Status has no such parts.
        ApiError.__init__(self, REJECTED)
        self.kind, self.name, self.errors = "", "", []
        self.detail = detail


def json_kind(value: Any) -> str:
    """The JSON type name Go's decoder reports (`cannot unmarshal number into …`)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array"}.get(type(value), "object")


def go_type(value: Any) -> str:
    """reflect.TypeOf(v).String() for a decoded JSON value."""
    if value is None:
        return "<nil>"
    return {
        dict: "map[string]interface {}",
        list: "[]interface {}",
        str: "string",
        bool: "bool",
        int: "int64",
        float: "float64",
    }.get(type(value), type(value).__name__)


def go_fmt(value: Any) -> str:
    """Format a decoded JSON value as Go's `%v` does."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_fmt(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_fmt(v) for v in value) + "]"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return repr(value).replace("e+0", "e+").replace("e-0", "e-")
    return str(value)


def same(a: Any, b: Any) -> bool:
    """Go interface equality on scalars: same dynamic type and equal value."""
    return type(a) is type(b) and a == b


def index_of(items: list[Any], value: Any) -> int:
    """Index of the first item equal to `value` (Go interface equality), or -1."""
    for i, item in enumerate(items):
        if same(item, value):
            return i
    return -1


def no_merge_key(m: dict[str, Any], key: str) -> PatchError:
    return PatchError(f"map: {go_fmt(m)} does not contain declared merge key: {key}")


def bad_arg_type(expected: str, actual: Any) -> PatchError:
    return PatchError(f"expected a {expected}, but received a {go_type(actual)}")
