"""Go's fmt package for template values: `Sprintf` (printf), `Sprint` (print), `Sprintln`.

Values are unstructured JSON (see `govalues.py`). Verbs: %v %+v %#v %T %s %q %x %X %d %b %o
%O %c %U %e %E %f %F %g %G %t %%, with flags `+ - # space 0`, width and precision (also `*`),
and `%[n]` argument indexes. A verb that does not fit its operand prints Go's
`%!d(string=x)`; missing and extra operands print `%!d(MISSING)` / `%!(EXTRA int=2)`.
Used by `gotemplate_funcs.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .govalues import go_float, go_quote, quote_rune, sharp_v, sprint, type_name


@dataclass
class _Spec:
    verb: str
    minus: bool = False
    plus: bool = False
    sharp: bool = False
    space: bool = False
    zero: bool = False
    width: int | None = None
    prec: int | None = None


def _pad(s: str, spec: _Spec, numeric: bool = False) -> str:
    if spec.width is None or len(s) >= spec.width:
        return s
    fill = spec.width - len(s)
    if spec.minus:
        return s + " " * fill
    if spec.zero and numeric:
        sign = s[0] if s[:1] in ("+", "-", " ") else ""
        return sign + "0" * fill + s[len(sign):]
    return " " * fill + s


def _bad(spec: _Spec, v: Any) -> str:
    if v is None:
        return f"%!{spec.verb}(<nil>)"
    return f"%!{spec.verb}({type_name(v)}={sprint(v)})"


def _sign(neg: bool, spec: _Spec) -> str:
    if neg:
        return "-"
    return "+" if spec.plus else (" " if spec.space else "")


def _fmt_int(n: int, spec: _Spec) -> str:
    verb = spec.verb
    if verb == "c":
        return _pad(chr(n) if 0 <= n <= 0x10FFFF else "\ufffd", spec)
    if verb == "q":
        ch = chr(n) if 0 <= n <= 0x10FFFF else "\ufffd"
        return _pad("'" + quote_rune(ch, "'") + "'", spec)
    if verb == "U":
        return _pad(f"U+{n:04X}", spec)
    base = {"d": 10, "v": 10, "x": 16, "X": 16, "o": 8, "O": 8, "b": 2}[verb]
    digits = {10: "{:d}", 16: "{:x}", 8: "{:o}", 2: "{:b}"}[base].format(abs(n))
    if verb == "X":
        digits = digits.upper()
    if spec.prec is not None:
        digits = digits.rjust(spec.prec, "0") if spec.prec else ("" if n == 0 else digits)
    prefix = ""
    if verb == "O" or (spec.sharp and verb == "o" and not digits.startswith("0")):
        prefix = "0o" if verb == "O" else "0"
    elif spec.sharp and verb in "xX":
        prefix = "0x" if verb == "x" else "0X"
    elif spec.sharp and verb == "b":
        prefix = "0b"
    body = _sign(n < 0, spec) + prefix + digits
    return _pad(body, spec, numeric=spec.prec is None)


def _fmt_float(f: float, spec: _Spec) -> str:
    verb = spec.verb
    if f != f or f in (float("inf"), float("-inf")):
        text = go_float(f)
        if text == "+Inf" and not spec.plus:
            text = "Inf"
        return _pad(text, spec)
    neg = f < 0 or (f == 0 and str(f).startswith("-"))
    a = abs(f)
    if verb == "v" or (verb in "gG" and spec.prec is None):
        body = go_float(a)
        if verb == "G":
            body = body.upper()
    elif verb in "eE":
        body = f"{a:.{6 if spec.prec is None else spec.prec}{verb}}"
    elif verb in "fF":
        body = f"{a:.{6 if spec.prec is None else spec.prec}f}"
    else:  # g/G with a precision
        body = f"{a:.{max(spec.prec or 0, 1)}{verb}}"
        if spec.sharp and "." not in body:
            body += "."
    return _pad(_sign(neg, spec) + body, spec, numeric=True)


def _fmt_str(s: str, spec: _Spec) -> str:
    verb = spec.verb
    if spec.prec is not None and verb in "sv":
        s = s[: spec.prec]
    if verb in "sv":
        return _pad(s, spec)
    if verb == "q":
        if spec.sharp and "`" not in s and all(c.isprintable() or c == "\t" for c in s):
            return _pad("`" + s + "`", spec)
        return _pad(go_quote(s), spec)
    # x / X: hex of the UTF-8 bytes
    data = s.encode()
    if spec.prec is not None:
        data = data[: spec.prec]
    fmt = "{:02x}" if verb == "x" else "{:02X}"
    pre = ("0x" if verb == "x" else "0X") if spec.sharp else ""
    sep = " " if spec.space else ""
    text = sep.join(pre + fmt.format(b) for b in data) if sep else pre + "".join(
        fmt.format(b) for b in data)
    return _pad(text, spec)


def format_value(v: Any, spec: _Spec) -> str:
    """One operand formatted by one verb, recursing into maps and slices like Go."""
    verb = spec.verb
    if verb == "T":
        return _pad(type_name(v), spec)
    if verb == "v" and spec.sharp:
        return _pad(sharp_v(v), spec)
    if v is None:
        return _pad("<nil>", spec) if verb == "v" else _bad(spec, v)
    if isinstance(v, bool):
        return _pad("true" if v else "false", spec) if verb in "vt" else _bad(spec, v)
    if isinstance(v, int):
        return _fmt_int(int(v), spec) if verb in "vdbcoOqxXU" else _bad(spec, v)
    if isinstance(v, float):
        return _fmt_float(v, spec) if verb in "veEfFgG" else _bad(spec, v)
    if isinstance(v, str):
        return _fmt_str(v, spec) if verb in "vsqxX" else _bad(spec, v)
    if isinstance(v, dict):
        items = " ".join(f"{format_value(k, spec)}:{format_value(v[k], spec)}" for k in sorted(v))
        return "map[" + items + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(format_value(x, spec) for x in v) + "]"
    return _bad(spec, v)


def _number(fmt: str, i: int, args: list[Any], argi: int) -> tuple[int | None, int, int, bool]:
    """Parse a width/precision (digits or `*`); returns value, new i, new argi, ok."""
    if i < len(fmt) and fmt[i] == "*":
        if argi < len(args) and isinstance(args[argi], int) and not isinstance(args[argi], bool):
            return int(args[argi]), i + 1, argi + 1, True
        return None, i + 1, argi + 1, False
    start = i
    while i < len(fmt) and fmt[i].isdigit():
        i += 1
    return (int(fmt[start:i]) if i > start else None), i, argi, True


def sprintf(fmt: str, args: list[Any]) -> str:
    """`fmt.Sprintf(fmt, args...)`."""
    out: list[str] = []
    argi = 0
    reordered = False
    i = 0
    n = len(fmt)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        spec = _Spec("v")
        while i < n and fmt[i] in "+-# 0":
            c = fmt[i]
            spec.plus |= c == "+"
            spec.minus |= c == "-"
            spec.sharp |= c == "#"
            spec.space |= c == " "
            spec.zero |= c == "0"
            i += 1
        if i < n and fmt[i] == "[":
            k = fmt.find("]", i)
            if k > i and fmt[i + 1:k].isdigit():
                argi, reordered, i = int(fmt[i + 1:k]) - 1, True, k + 1
        spec.width, i, argi, ok = _number(fmt, i, args, argi)
        if not ok:
            out.append("%!(BADWIDTH)")
        if spec.width is not None and spec.width < 0:
            spec.minus, spec.width = True, -spec.width
        if i < n and fmt[i] == ".":
            i += 1
            spec.prec, i, argi, ok = _number(fmt, i, args, argi)
            if not ok:
                out.append("%!(BADPREC)")
            if spec.prec is None:
                spec.prec = 0
            elif spec.prec < 0:
                spec.prec = None
        if i >= n:
            out.append("%!(NOVERB)")
            break
        spec.verb = fmt[i]
        i += 1
        if spec.verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            out.append(f"%!{spec.verb}(MISSING)")
            continue
        if spec.verb == "v" and spec.plus:
            spec.plus = False
        out.append(format_value(args[argi], spec))
        argi += 1
    if not reordered and argi < len(args):
        extra = ", ".join("<nil>" if a is None else f"{type_name(a)}={sprint(a)}"
                          for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def sprint_args(args: list[Any]) -> str:
    """`fmt.Sprint(args...)`: a space between operands when neither is a string."""
    out: list[str] = []
    prev_string = False
    for k, a in enumerate(args):
        is_string = isinstance(a, str)
        if k > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(sprint(a))
        prev_string = is_string
    return "".join(out)


def sprintln_args(args: list[Any]) -> str:
    """`fmt.Sprintln(args...)`: spaces between all operands and a newline."""
    return " ".join(sprint(a) for a in args) + "\n"
