"""The functions a kubectl go-template can call: Go's builtins plus `exists` and `base64decode`.

Each function is described by its Go signature (`SIGNATURES`: parameter kinds `value` =
reflect.Value, `any` = interface{}, `string`, and whether the last one is variadic), so that
`gotemplate.py` can check arity and argument types with Go's messages. Implementations take
already-evaluated arguments: `MISSING` is Go's invalid reflect.Value (a missing map key) and
`Elem(x)` a value still wrapped in `interface {}` (a map or slice element). They raise
`FuncError`, which the executor reports as `error calling NAME: …`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

from .gofmt import sprint_args, sprintf, sprintln_args
from .govalues import GoByte, GoInt, sprint, type_name


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Elem:
    """A value held in an `interface {}` slot (Go reflect.Value of Kind Interface)."""

    v: Any


class FuncError(Exception):
    """The error a template function returned."""


def indirect_interface(x: Any) -> Any:
    """Go's indirectInterface: unwrap `Elem`; a nil interface becomes invalid."""
    if isinstance(x, Elem):
        return MISSING if x.v is None else x.v
    return x


def is_true(x: Any) -> bool:
    """Go's truth of a value: non-zero, non-empty, non-nil."""
    x = indirect_interface(x)
    if x is MISSING or x is None:
        return False
    if isinstance(x, (bool, int, float)):
        return bool(x)
    if isinstance(x, (str, list, dict)):
        return len(x) > 0
    return True


# -- comparison ------------------------------------------------------------------------------
def _kind(x: Any) -> str:
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return "int"
    if isinstance(x, float):
        return "float"
    if isinstance(x, str):
        return "string"
    return "invalid"


def _eq(a: Any, *rest: Any) -> bool:
    a = indirect_interface(a)
    if not rest:
        raise FuncError("missing argument for comparison")
    k1 = _kind(a)
    for b in rest:
        b = indirect_interface(b)
        k2 = _kind(b)
        if k1 != k2:
            if a is not MISSING and b is not MISSING:
                raise FuncError("incompatible types for comparison")
            continue
        if k1 == "invalid":
            if a is MISSING or b is MISSING:
                if a is b:
                    return True
                continue
            raise FuncError(f"non-comparable type {sprint(b)}: {type_name(b)}")
        if a == b:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    a, b = indirect_interface(a), indirect_interface(b)
    k1, k2 = _kind(a), _kind(b)
    if "invalid" in (k1, k2):
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison")
    if k1 == "bool":
        raise FuncError("invalid type for comparison")
    return bool(a < b)


def _le(a: Any, b: Any) -> bool:
    return _lt(a, b) or _eq(a, b)


# -- indexing --------------------------------------------------------------------------------
def _index_arg(index: Any, cap: int) -> int:
    index = indirect_interface(index)
    if index is MISSING:
        raise FuncError("cannot index slice/array with nil")
    if isinstance(index, bool) or not isinstance(index, int):
        raise FuncError(f"cannot index slice/array with type {type_name(index)}")
    if index < 0 or index > cap:
        raise FuncError(f"index out of range: {index}")
    return int(index)


def _index(item: Any, *indexes: Any) -> Any:
    item = indirect_interface(item)
    if item is MISSING:
        raise FuncError("index of untyped nil")
    for index in indexes:
        if isinstance(item, Elem):
            if item.v is None:
                raise FuncError("index of nil pointer")
            item = item.v
        if isinstance(item, (list, str)):
            x = _index_arg(index, len(item))
            if x == len(item):
                raise FuncError(f"index out of range: {x}")
            item = Elem(item[x]) if isinstance(item, list) else GoByte(item.encode()[x])
        elif isinstance(item, dict):
            key = indirect_interface(index)
            if key is MISSING or key is None:
                key = ""
            if not isinstance(key, str):
                raise FuncError(f"value has type {type_name(key)}; should be string")
            item = Elem(item.get(key))
        else:
            raise FuncError(f"can't index item of type {type_name(item)}")
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    item = indirect_interface(item)
    if item is MISSING:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
    elif not isinstance(item, list):
        raise FuncError(f"can't slice item of type {type_name(item)}")
    idx = [0, len(item), len(item)]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(index, len(item))
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    if isinstance(item, str):
        return item.encode()[idx[0]:idx[1]].decode(errors="replace")
    return item[idx[0]:idx[1]]


def _len(item: Any) -> GoInt:
    if item is MISSING:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, Elem):
        if item.v is None:
            raise FuncError("len of nil pointer")
        item = item.v
    if isinstance(item, str):
        return GoInt(len(item.encode()))
    if isinstance(item, (list, dict)):
        return GoInt(len(item))
    raise FuncError(f"len of type {type_name(item)}")


# -- escaping --------------------------------------------------------------------------------
def _eval_args(args: tuple[Any, ...]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    shown = ["<no value>" if a is None or a is MISSING else a for a in args]
    return sprint_args(shown)


_HTML = {'"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;", "\0": "\ufffd"}
_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E",
       "&": "\\u0026", "=": "\\u003D"}


def _html(*args: Any) -> str:
    return "".join(_HTML.get(c, c) for c in _eval_args(args))


def _js_char(c: str) -> str:
    if c in _JS:
        return _JS[c]
    if c < " ":
        return f"\\u00{ord(c):02X}"
    if ord(c) >= 0x80 and not c.isprintable():
        return f"\\u{ord(c):04X}"
    return c


def _js(*args: Any) -> str:
    return "".join(_js_char(c) for c in _eval_args(args))


def _urlquery(*args: Any) -> str:
    return urllib.parse.quote_plus(_eval_args(args), safe="")


# -- kubectl's extras ------------------------------------------------------------------------
_B64 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def base64_std_decode(s: str) -> bytes:
    """Go's base64.StdEncoding.DecodeString (padding required; CR/LF ignored)."""
    raw = s.encode()
    chars = [(i, c) for i, c in enumerate(raw) if c not in b"\r\n"]
    out = bytearray()
    k = 0

    def bad(at: int) -> FuncError:
        return FuncError(f"base64 decode failed: illegal base64 data at input byte {at}")

    while k < len(chars):
        vals: list[int] = []
        while len(vals) < 4:
            if k == len(chars):
                raise bad(chars[k - len(vals)][0] if vals else len(raw))
            i, c = chars[k]
            k += 1
            if c in _B64:
                vals.append(_B64[c])
                continue
            if c != ord("=") or len(vals) < 2:
                raise bad(i)
            if len(vals) == 2:
                if k == len(chars) or chars[k][1] != ord("="):
                    raise bad(chars[k][0] if k < len(chars) else len(raw))
                k += 1
            if k < len(chars):
                raise bad(chars[k][0])
            break
        n = 0
        for v in vals:
            n = n << 6 | v
        n <<= 6 * (4 - len(vals))
        out.extend(n.to_bytes(3, "big")[: len(vals) - 1])
    return bytes(out)


def _base64decode(v: str) -> str:
    return base64_std_decode(v).decode(errors="replace")


def _exists(item: Any, *indices: Any) -> bool:
    v = item
    for index in indices:
        if v is None:
            return False
        if isinstance(v, (list, str)):
            if isinstance(index, bool) or not isinstance(index, int):
                return False
            if index < 0 or index >= len(v):
                return False
            v = v[index] if isinstance(v, list) else GoByte(v.encode()[index])
        elif isinstance(v, dict):
            if not isinstance(index, str):
                return False
            v = v.get(index)
        else:
            return False
    return v is not None


@dataclass(frozen=True)
class Signature:
    params: tuple[str, ...]
    variadic: bool
    impl: Any


SIGNATURES: dict[str, Signature] = {
    "and": Signature(("value", "value"), True, None),
    "or": Signature(("value", "value"), True, None),
    "call": Signature(("value", "value"), True, None),
    "not": Signature(("value",), False, lambda a: not is_true(a)),
    "len": Signature(("value",), False, _len),
    "index": Signature(("value", "value"), True, _index),
    "slice": Signature(("value", "value"), True, _slice),
    "print": Signature(("any",), True, lambda *a: sprint_args(list(a))),
    "println": Signature(("any",), True, lambda *a: sprintln_args(list(a))),
    "printf": Signature(("string", "any"), True, lambda f, *a: sprintf(f, list(a))),
    "html": Signature(("any",), True, _html),
    "js": Signature(("any",), True, _js),
    "urlquery": Signature(("any",), True, _urlquery),
    "eq": Signature(("value", "value"), True, _eq),
    "ne": Signature(("value", "value"), False, lambda a, b: not _eq(a, b)),
    "lt": Signature(("value", "value"), False, _lt),
    "le": Signature(("value", "value"), False, _le),
    "gt": Signature(("value", "value"), False, lambda a, b: not _le(a, b)),
    "ge": Signature(("value", "value"), False, lambda a, b: not _lt(a, b)),
    "exists": Signature(("any", "any"), True, _exists),
    "base64decode": Signature(("string",), False, _base64decode),
}
