"""YAML text exactly as kubectl's `-o yaml` writes it (sigs.k8s.io/yaml over go-yaml v2).

kubectl marshals the object to JSON, reads that back with go-yaml v2 and emits it with the
libyaml-derived emitter: keys in go-yaml's "natural" order, 2-space indent, sequences at
their parent key's indentation, `{}`/`[]` for empty collections, strings quoted only when
go-yaml's resolver or the emitter's scalar analysis demands it, and long scalars folded at
column 80. PyYAML differs in resolver, escapes and key order, so this is a small port of
the emitter's block-style path instead. Fed by `formats.to_yaml()`.
"""

from __future__ import annotations

from typing import Any

from kubenb.encoding.gonum import yaml_number
from kubenb.encoding.goyaml_scalars import (
    BASE60,
    BREAKS,
    ESCAPES,
    Analysis,
    printable,
    resolves_to_string,
    sort_keys,
)

_BEST_WIDTH = 80
_BEST_INDENT = 2


class _Emitter:
    """The block-style subset of go-yaml v2's emitter, with its indent/column bookkeeping."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0
        self.indent = -1
        self.indents: list[int] = []
        self.whitespace = True
        self.indention = True
        self.mapping_context = False
        self.simple_key_context = False

    # -- low-level writes -----------------------------------------------------------------
    def put(self, ch: str) -> None:
        self.out.append(ch)
        self.column += 1

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_break(self, ch: str) -> None:
        if ch == "\n":
            self.put_break()
        else:
            self.out.append(ch)
            self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (
                self.column == indent and not self.whitespace):
            self.put_break()
        while self.column < indent:
            self.put(" ")
        self.whitespace = self.indention = True

    def write_indicator(self, ind: str, need_ws: bool, is_ws: bool, is_indention: bool) -> None:
        if need_ws and not self.whitespace:
            self.put(" ")
        for ch in ind:
            self.put(ch)
        self.whitespace = is_ws
        self.indention = self.indention and is_indention

    def increase_indent(self, flow: bool, indentless: bool) -> None:
        self.indents.append(self.indent)
        if self.indent < 0:
            self.indent = _BEST_INDENT if flow else 0
        elif not indentless:
            self.indent += _BEST_INDENT

    def pop_indent(self) -> None:
        self.indent = self.indents.pop()

    # -- nodes ----------------------------------------------------------------------------
    def node(self, value: Any, mapping: bool = False, simple_key: bool = False) -> None:
        self.mapping_context, self.simple_key_context = mapping, simple_key
        if isinstance(value, dict):
            self.mapping(value)
        elif isinstance(value, list):
            self.sequence(value)
        elif isinstance(value, str):
            self.string(value)
        else:
            self.scalar(_plain_text(value), "plain", Analysis(_plain_text(value)))

    def mapping(self, value: dict[str, Any]) -> None:
        if not value:
            self.write_indicator("{", True, True, False)
            self.write_indicator("}", False, False, False)
            return
        self.increase_indent(False, False)
        for key in sort_keys(list(value)):
            self.write_indent()
            analysis = Analysis(key)
            if len(key.encode()) <= 128 and not analysis.multiline:
                self.node(key, mapping=True, simple_key=True)
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                self.node(key, mapping=True)
                self.write_indent()
                self.write_indicator(":", True, False, True)
            self.node(value[key], mapping=True)
        self.pop_indent()

    def sequence(self, value: list[Any]) -> None:
        if not value:
            self.write_indicator("[", True, True, False)
            self.write_indicator("]", False, False, False)
            return
        self.increase_indent(False, self.mapping_context and not self.indention)
        for item in value:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            self.node(item)
        self.pop_indent()

    def string(self, s: str) -> None:
        if "\n" in s:
            style = "literal"
        elif resolves_to_string(s) and not BASE60.match(s):
            style = "plain"
        else:
            style = "double"
        self.scalar(s, style, Analysis(s))

    def scalar(self, s: str, style: str, a: Analysis) -> None:
        if self.simple_key_context and a.multiline:
            style = "double"
        if style == "plain" and (not a.block_plain or (not s and self.simple_key_context)):
            style = "single"
        if style == "single" and not a.single_ok:
            style = "double"
        if style == "literal" and (not a.block_ok or self.simple_key_context):
            style = "double"
        self.increase_indent(True, False)
        breaks_ok = not self.simple_key_context
        {"plain": self.plain, "single": self.single, "double": self.double}.get(
            style, lambda v, _b: self.literal(v))(s, breaks_ok)
        self.pop_indent()

    # -- scalar writers -------------------------------------------------------------------
    def plain(self, s: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        spaces = False
        for i, ch in enumerate(s):
            if ch == " ":
                nxt = s[i + 1] if i + 1 < len(s) else ""
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and nxt != " ":
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                self.indention = spaces = False
        self.whitespace = self.indention = False

    def single(self, s: str, allow_breaks: bool) -> None:
        self.write_indicator("'", True, False, False)
        spaces = breaks = False
        last = len(s) - 1
        for i, ch in enumerate(s):
            if ch == " ":
                nxt = s[i + 1] if i + 1 < len(s) else ""
                if (allow_breaks and not spaces and self.column > _BEST_WIDTH and 0 < i < last
                        and nxt != " "):
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in BREAKS:
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break(ch)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                if ch == "'":
                    self.put("'")
                self.put(ch)
                self.indention = spaces = breaks = False
        self.write_indicator("'", False, False, False)
        self.whitespace = self.indention = False

    def double(self, s: str, allow_breaks: bool) -> None:
        self.write_indicator('"', True, False, False)
        spaces = False
        last = len(s) - 1
        for i, ch in enumerate(s):
            cp = ord(ch)
            if not printable(ch) or cp == 0xFEFF or ch in BREAKS or ch in '"\\':
                self.put("\\")
                if cp in ESCAPES:
                    self.put(ESCAPES[cp])
                elif cp <= 0xFF:
                    self.out.append(f"x{cp:02X}")
                    self.column += 3
                elif cp <= 0xFFFF:
                    self.out.append(f"u{cp:04X}")
                    self.column += 5
                else:
                    self.out.append(f"U{cp:08X}")
                    self.column += 9
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and 0 < i < last:
                    self.write_indent()
                    if i + 1 < len(s) and s[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
        self.write_indicator('"', False, False, False)
        self.whitespace = self.indention = False

    def literal(self, s: str) -> None:
        self.write_indicator("|", True, False, False)
        if s[:1] == " " or s[:1] in BREAKS:
            self.write_indicator(str(_BEST_INDENT), False, False, False)
        if s[-1] not in BREAKS:
            self.write_indicator("-", False, False, False)
        elif len(s) == 1 or s[-2] in BREAKS:
            self.write_indicator("+", False, False, False)
        self.put_break()
        self.indention = self.whitespace = True
        breaks = True
        for ch in s:
            if ch in BREAKS:
                self.write_break(ch)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = breaks = False


def _plain_text(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return yaml_number(value)
    raise TypeError(f"cannot print {type(value).__name__} as YAML")


def dump(obj: Any) -> str:
    """YAML for one JSON-like object, byte-for-byte as kubectl `-o yaml` prints it."""
    e = _Emitter()
    e.node(obj)
    e.indent = -1
    e.write_indent()  # document end: finish the last line
    return "".join(e.out)
