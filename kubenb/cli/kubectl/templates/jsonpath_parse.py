"""The JSONPath dialect of k8s.io/client-go/util/jsonpath: text → a flat list of nodes.

A template is text with `{…}` actions. The parse result is the root `ListNode`: a sequence of
`TextNode`s and one `ListNode` per action, each action being a chain of field, array/slice,
filter, wildcard, recursive-descent, union, literal and `range`/`end` identifier nodes. The
grammar quirks are client-go's: `['a.b']` means `.a.b`, `[]` means `[0]`, `\\.` escapes a
dot in a field name, and only spaces (not tabs) may separate tokens. Errors are `JSONPathError`
with client-go's words ("unclosed action", "invalid array index x", …). `jsonpath.py` runs it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


class JSONPathError(Exception):
    """A client-go jsonpath parse or execution error, in its own words (no kubectl wrapping)."""


@dataclass(eq=False)
class ListNode:
    nodes: list[Node] = field(default_factory=list)


@dataclass(eq=False)
class TextNode:
    text: str


@dataclass(eq=False)
class FieldNode:
    name: str


@dataclass(eq=False)
class Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass(eq=False)
class ArrayNode:
    params: tuple[Param, Param, Param]


@dataclass(eq=False)
class FilterNode:
    left: ListNode
    right: ListNode
    op: str


@dataclass(eq=False)
class LiteralNode:
    """An int, float or bool literal (IntNode/FloatNode/BoolNode)."""

    value: int | float | bool


@dataclass(eq=False)
class WildcardNode:
    pass


@dataclass(eq=False)
class RecursiveNode:
    pass


@dataclass(eq=False)
class UnionNode:
    lists: list[ListNode]


@dataclass(eq=False)
class IdentifierNode:
    name: str


Node = ListNode | TextNode | FieldNode | ArrayNode | FilterNode | LiteralNode | \
    WildcardNode | RecursiveNode | UnionNode | IdentifierNode

_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$", re.ASCII)
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.DOTALL)
_INT64_MAX = 2**63 - 1


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or _is_digit(ch)


def _is_terminator(ch: str | None) -> bool:
    return ch is None or ch in " \t\r\n.,[]$@{}"


def go_rune_u(ch: str) -> str:
    """Go's `%#U`: `U+007E '~'` (the quoted form only for printable runes)."""
    text = f"U+{ord(ch):04X}"
    return f"{text} '{ch}'" if ch.isprintable() else text


def unquote_extend(s: str) -> str:
    """client-go's UnquoteExtend: Go's strconv.Unquote, also for single-quoted strings."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise JSONPathError("invalid syntax")
    quote, body = s[0], s[1:-1]
    out: list[str] = []
    i = 0
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
              "v": "\v", "\\": "\\"}
    while i < len(body):
        c = body[i]
        if c == quote:
            raise JSONPathError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise JSONPathError("invalid syntax")
        e = body[i + 1]
        i += 2
        if e in simple:
            out.append(simple[e])
        elif e == quote:
            out.append(e)
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i:i + n]
            if len(digits) != n or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise JSONPathError("invalid syntax")
            out.append(chr(int(digits, 16)) if int(digits, 16) <= 0x10FFFF else "\ufffd")
            i += n
        elif e in "01234567":
            digits = body[i - 1:i + 2]
            if len(digits) != 3 or not all(d in "01234567" for d in digits) \
                    or int(digits, 8) > 255:
                raise JSONPathError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 2
        else:
            raise JSONPathError("invalid syntax")
    return "".join(out)


class _Parser:
    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.root = ListNode()

    # -- scanning -------------------------------------------------------------------------
    def next(self) -> str | None:
        if self.pos >= len(self.input):
            self.width = 0
            return None
        self.width = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def peek(self) -> str | None:
        r = self.next()
        self.backup()
        return r

    def backup(self) -> None:
        self.pos -= self.width

    def consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    # -- grammar --------------------------------------------------------------------------
    def parse(self) -> ListNode:
        while True:
            brace = self.input.find("{", self.pos)
            if brace < 0:
                self.pos = len(self.input)
                if self.pos > self.start:
                    self.root.nodes.append(TextNode(self.consume()))
                return self.root
            self.pos = brace
            if self.pos > self.start:
                self.root.nodes.append(TextNode(self.consume()))
            self.pos += 1
            self.consume()
            action = ListNode()
            self.root.nodes.append(action)
            self.inside_action(action)

    def inside_action(self, cur: ListNode) -> None:
        while True:
            rest = self.input[self.pos:self.pos + 3]
            if rest.startswith("}"):
                self.pos += 1
                self.consume()
                return
            if rest == "[?(":
                self.parse_filter(cur)
                continue
            if rest.startswith(".."):
                self.parse_recursive(cur)
                continue
            r = self.next()
            if r is None or r in "\r\n":
                raise JSONPathError("unclosed action")
            if r in " @$":
                self.consume()
            elif r == "[":
                self.parse_array(cur)
            elif r in "\"'":
                self.parse_quote(cur, r)
            elif r == ".":
                self.parse_field(cur)
            elif r in "+-" or _is_digit(r):
                self.backup()
                self.parse_number(cur)
            elif _is_alnum(r):
                self.backup()
                self.parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {go_rune_u(r)}")

    def parse_identifier(self, cur: ListNode) -> None:
        while not _is_terminator(self.next()):
            pass
        self.backup()
        value = self.consume()
        if value in ("true", "false"):
            cur.nodes.append(LiteralNode(value == "true"))
        else:
            cur.nodes.append(IdentifierNode(value))

    def parse_recursive(self, cur: ListNode) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], RecursiveNode):
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self.consume()
        cur.nodes.append(RecursiveNode())
        r = self.peek()
        if r is not None and _is_alnum(r):
            self.parse_field(cur)

    def parse_number(self, cur: ListNode) -> None:
        if self.peek() in ("+", "-"):
            self.next()
        while True:
            r = self.next()
            if r is None or not (r == "." or _is_digit(r)):
                self.backup()
                break
        value = self.consume()
        if re.fullmatch(r"[+-]?\d+", value, re.ASCII) and abs(int(value)) <= _INT64_MAX:
            cur.nodes.append(LiteralNode(int(value)))
            return
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", value, re.ASCII):
            cur.nodes.append(LiteralNode(float(value)))
            return
        raise JSONPathError(f"cannot parse number {value}")

    def parse_array(self, cur: ListNode) -> None:
        while True:
            r = self.next()
            if r is None or r == "\n":
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            cur.nodes.append(UnionNode([parse_action(f"[{p.strip(' ')}]") for p in parts]))
            return
        m = _DICT_KEY.match(text)
        if m:
            cur.nodes.extend(parse_action("." + m.group(1)).nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise JSONPathError(f"invalid array index {text}")
        groups = [g or "" for g in m.groups()]
        params = (Param(), Param(), Param())
        for i in range(3):
            value = groups[i][1:] if i > 0 and groups[i] else groups[i]
            if groups[i]:
                if i > 0 and value == "":
                    params[i].known = False
                else:
                    if not re.fullmatch(r"-?\d+", value, re.ASCII):
                        raise JSONPathError(f"array index {value} is not a number")
                    params[i].known, params[i].value = True, int(value)
            elif i == 1:
                params[i].known, params[i].value, params[i].derived = True, params[0].value + 1, True
        cur.nodes.append(ArrayNode(params))

    def parse_filter(self, cur: ListNode) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            r = self.next()
            if r is None or r == "\n":
                raise JSONPathError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")" and begin == end:
                break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(FilterNode(parse_action(text), ListNode(), "exists"))
        else:
            left, right = parse_action(m.group(1)), parse_action(m.group(3))
            cur.nodes.append(FilterNode(left, right, m.group(2)))

    def parse_quote(self, cur: ListNode, end: str) -> None:
        while True:
            r = self.next()
            if r is None or r == "\n":
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        try:
            text = unquote_extend(value)
        except JSONPathError as err:
            raise JSONPathError(f"unquote string {value} error {err}") from None
        cur.nodes.append(TextNode(text))

    def parse_field(self, cur: ListNode) -> None:
        self.consume()
        while True:
            r = self.next()
            if r == "\\":
                self.next()
            elif _is_terminator(r):
                self.backup()
                break
        value = self.consume()
        cur.nodes.append(WildcardNode() if value == "*" else FieldNode(value.replace("\\", "")))


def parse(text: str) -> ListNode:
    """Parse a whole template; raises JSONPathError."""
    return _Parser(text).parse()


def parse_action(text: str) -> ListNode:
    """Parse the inside of one action (client-go's parseAction)."""
    node = parse("{" + text + "}").nodes[0]
    assert isinstance(node, ListNode)
    return node

