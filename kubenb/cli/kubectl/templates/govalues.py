"""Go's view of unstructured JSON values: type names, `%v`, `%#v`, `strconv.Quote`, json.Marshal.

kubectl hands both template engines `map[string]interface{}` trees: objects are
`map[string]interface {}`, arrays `[]interface {}`, integers `int64`, other numbers `float64`.
Numbers written in a Go template are Go `int`/`float64` constants; `GoInt` marks the `int`s so
that `%T` and error messages name them as Go does. Used by `gofmt.py`, `jsonpath.py`,
`gotemplate*.py` and `customcolumns.py`.
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.encoding.gonum import go_float_g, json_number

MAP_TYPE = "map[string]interface {}"
SLICE_TYPE = "[]interface {}"


class GoInt(int):
    """An integer constant from a template (Go type `int`, not JSON's `int64`)."""


class GoByte(int):
    """A byte of a string (Go `uint8`), as JSONPath's wildcard yields them."""


def type_name(v: Any) -> str:
    """Go's `%T` of a value (`<nil>` for a nil interface)."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, GoByte):
        return "uint8"
    if isinstance(v, GoInt):
        return "int"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return MAP_TYPE
    if isinstance(v, (list, tuple)):
        return SLICE_TYPE
    return type(v).__name__


def go_float(f: float) -> str:
    """`%v` of a float64."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    return go_float_g(f)


def sprint(v: Any) -> str:
    """`fmt.Sprint(v)` of one value: `map[a:1 b:x]`, `[a b]`, `<nil>`, `1e+06`."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{sprint(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(sprint(x) for x in v) + "]"
    return str(v)


_QUOTE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                  "\t": "\\t", "\v": "\\v", "\\": "\\\\"}


def quote_rune(ch: str, quote: str) -> str:
    """One character as `strconv.Quote` (or `QuoteRune` with quote `'`) writes it."""
    if ch == quote:
        return "\\" + ch
    if ch in _QUOTE_ESCAPES:
        return _QUOTE_ESCAPES[ch]
    if ch.isprintable():
        return ch
    n = ord(ch)
    if n < 0x80:
        return f"\\x{n:02x}"
    if n > 0xFFFF:
        return f"\\U{n:08x}"
    return f"\\u{n:04x}"


def go_quote(s: str) -> str:
    """`strconv.Quote(s)`: a double-quoted Go string literal."""
    return '"' + "".join(quote_rune(ch, '"') for ch in s) + '"'


def sharp_v(v: Any, in_iface: bool = False) -> str:
    """`%#v` of an unstructured value (what kubectl's JSONPath debugging dump shows)."""
    if v is None:
        return "interface {}(nil)" if in_iface else "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, dict):
        body = ", ".join(f"{go_quote(k)}:{sharp_v(v[k], True)}" for k in sorted(v))
        return MAP_TYPE + "{" + body + "}"
    if isinstance(v, (list, tuple)):
        return SLICE_TYPE + "{" + ", ".join(sharp_v(x, True) for x in v) + "}"
    return repr(v)


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_string(s: str) -> str:
    """A JSON string as Go's encoding/json writes it (HTML-safe escapes)."""
    text = json.dumps(s, ensure_ascii=False)
    if any(ch in text for ch in _JSON_ESCAPES):
        text = "".join(_JSON_ESCAPES.get(ch, ch) for ch in text)
    return text


def json_compact(v: Any) -> str:
    """`json.Marshal(v)`: compact, map keys sorted."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return json_number(v)
    if isinstance(v, str):
        return json_string(v)
    if isinstance(v, dict):
        return "{" + ",".join(f"{json_string(k)}:{json_compact(v[k])}" for k in sorted(v)) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(json_compact(x) for x in v) + "]"
    raise TypeError(f"cannot marshal {type(v).__name__}")
