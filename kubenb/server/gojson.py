"""JSON request bodies read the way Go's encoding/json reads them, errors worded alike.

kube-apiserver decodes bodies with encoding/json (and its sigs.k8s.io/json fork): the
scanner refuses nesting deeper than 10,000 (`invalid character '{' exceeded max depth`),
and every syntax error has a fixed wording (`invalid character 'x' looking for beginning
of value`, `unexpected end of JSON input`). `loads(data)` parses with Python's fast
decoder and only when that fails (bad syntax, NaN/Infinity which Go refuses, nesting
beyond Python's recursion limit) walks the bytes itself: `GoSyntaxError` carries Go's
message, and valid but deeply nested bodies are built without recursion.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 10000  # encoding/json maxNestingDepth
_WS = " \t\n\r"
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_LITERALS = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}
_ESCAPES = '"\\/bfnrtu'


class GoSyntaxError(ValueError):
    """Bad JSON; `str()` is what Go's encoding/json says about it."""


def quote_char(ch: str) -> str:
    """A character as Go's scanner quotes it in an error (quoteChar of its first byte)."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    b = ch.encode("utf-8", "surrogatepass")[0]
    c = chr(b)
    escapes = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v", "\\": "\\\\"}
    if c in escapes:
        return f"'{escapes[c]}'"
    if b < 0x20 or b == 0x7F:
        return f"'\\x{b:02x}'"
    if 0x80 <= b <= 0xA0 or b == 0xAD:
        return f"'\\u{b:04x}'"
    return f"'{c}'"


def _bad(ch: str, context: str) -> GoSyntaxError:
    return GoSyntaxError(f"invalid character {quote_char(ch)} {context}")


_EOF = GoSyntaxError("unexpected end of JSON input")


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def loads(data: bytes | str) -> Any:
    """Parse a request body as Go would; GoSyntaxError with Go's words if it is not JSON."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return _Parser(text).parse()


def syntax_error(data: bytes | str) -> str | None:
    """Go's message for `data`, or None when it is valid JSON."""
    try:
        loads(data)
    except GoSyntaxError as e:
        return str(e)
    return None


class _Obj:
    """An object being read, and the key its next value goes under."""

    __slots__ = ("d", "key")

    def __init__(self) -> None:
        self.d: dict[str, Any] = {}
        self.key = ""


class _Parser:
    """An explicit-stack JSON reader that fails exactly where Go's scanner does."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def ws(self) -> None:
        s, i, n = self.s, self.i, len(self.s)
        while i < n and s[i] in _WS:
            i += 1
        self.i = i

    def peek(self) -> str:
        self.ws()
        if self.i >= len(self.s):
            raise _EOF
        return self.s[self.i]

    def parse(self) -> Any:
        stack: list[Any] = []  # containers being filled: a list or an _Obj
        value: Any = None
        while True:
            value = self.scalar_or_open(stack)
            while True:
                if not stack:
                    self.ws()
                    if self.i < len(self.s):
                        raise _bad(self.s[self.i], "after top-level value")
                    return value
                top = stack[-1]
                if isinstance(top, list):
                    top.append(value)
                    c = self.peek()
                    self.i += 1
                    if c == ",":
                        break
                    if c != "]":
                        raise _bad(c, "after array element")
                else:
                    top.d[top.key] = value
                    c = self.peek()
                    self.i += 1
                    if c == ",":
                        self.key(top, first=False)
                        break
                    if c != "}":
                        raise _bad(c, "after object key:value pair")
                value = stack.pop()
                value = value if isinstance(value, list) else value.d

    def key(self, top: _Obj, first: bool) -> bool:
        """Read `"key":` into top.key; False when the object closes at once (`{}`)."""
        c = self.peek()
        if c == "}" and first:
            self.i += 1
            return False
        if c != '"':
            raise _bad(c, "looking for beginning of object key string")
        top.key = self.string()
        c = self.peek()
        if c != ":":
            raise _bad(c, "after object key")
        self.i += 1
        return True

    def scalar_or_open(self, stack: list[Any]) -> Any:
        """The next complete value: a scalar, or an empty container; a container with
        content is pushed on `stack` and its first element is read instead."""
        while True:
            c = self.peek()
            if c in "{[":
                if len(stack) >= MAX_DEPTH:
                    raise _bad(c, "exceeded max depth")
                self.i += 1
                if c == "[":
                    stack.append([])
                    if self.peek() == "]":
                        self.i += 1
                        return stack.pop()
                    continue
                top = _Obj()
                stack.append(top)
                if not self.key(top, first=True):
                    return stack.pop().d
                continue
            if c == '"':
                return self.string()
            if c == "-" or c.isdigit() and c.isascii():
                return self.number()
            if c in _LITERALS:
                return self.literal(c)
            raise _bad(c, "looking for beginning of value")

    def string(self) -> str:
        m = _STRING.match(self.s, self.i)
        if m is not None:
            self.i = m.end()
            return json.loads(m.group())
        s, i, n = self.s, self.i + 1, len(self.s)
        while i < n:
            c = s[i]
            if c == '"':
                break
            if c < " ":
                raise _bad(c, "in string literal")
            if c == "\\":
                if i + 1 >= n:
                    raise _EOF
                e = s[i + 1]
                if e not in _ESCAPES:
                    raise _bad(e, "in string escape code")
                if e == "u":
                    for k in range(i + 2, i + 6):
                        if k >= n:
                            raise _EOF
                        if s[k] not in "0123456789abcdefABCDEF":
                            raise _bad(s[k], "in \\u hexadecimal character escape")
                i += 2
                continue
            i += 1
        raise _EOF

    def number(self) -> int | float:
        s, start, n = self.s, self.i, len(self.s)
        i = start + (1 if s[start] == "-" else 0)
        if i >= n:
            raise _EOF
        if not "0" <= s[i] <= "9":
            raise _bad(s[i], "in numeric literal")
        i = i + 1 if s[i] == "0" else _digits(s, i)
        if i < n and s[i] == ".":
            if i + 1 >= n:
                raise _EOF
            if not "0" <= s[i + 1] <= "9":
                raise _bad(s[i + 1], "after decimal point in numeric literal")
            i = _digits(s, i + 1)
        if i < n and s[i] in "eE":
            i += 1
            if i < n and s[i] in "+-":
                i += 1
            if i >= n:
                raise _EOF
            if not "0" <= s[i] <= "9":
                raise _bad(s[i], "in exponent of numeric literal")
            i = _digits(s, i)
        self.i = i
        return json.loads(s[start:i])

    def literal(self, c: str) -> Any:
        word, value = _LITERALS[c]
        for k, want in enumerate(word[1:], start=1):
            j = self.i + k
            if j >= len(self.s):
                raise _EOF
            if self.s[j] != want:
                raise _bad(self.s[j], f"in literal {word} (expecting {quote_char(want)})")
        self.i += len(word)
        return value


def _digits(s: str, i: int) -> int:
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    return i

