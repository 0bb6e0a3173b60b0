"""The lexer of Go's text/template (`{{ }}` delimiters), as kubectl's go-template uses it.

Turns a template into items: text, delimiters, spaces, fields (`.a`), variables (`$x`),
identifiers, keywords, literals, `|`, `(`, `)`, `:=`, `=`, `,`. It honours trim markers
(`{{- ` and ` -}}`), comments (`{{/* */}}`), raw strings and newlines inside actions.
Errors become an `error` item carrying Go's words ("unclosed action", "unterminated quoted
string", "bad number syntax: …"). `gotemplate_parse.py` consumes the items.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KEYWORDS = {".": "dot", "block": "block", "break": "break", "continue": "continue",
            "define": "define", "else": "else", "end": "end", "if": "if", "range": "range",
            "nil": "nil", "template": "template", "with": "with"}

_KEYWORD_TYPES = frozenset(KEYWORDS.values())
_SPACE = " \t\r\n"
_NUMBER = re.compile(
    r"[+-]?(0[xX](_?[0-9a-fA-F])*\.?(_?[0-9a-fA-F])*([pP][+-]?[0-9_]+)?"
    r"|0[oO](_?[0-7])+|0[bB](_?[01])+"
    r"|([0-9](_?[0-9])*)?\.?([0-9](_?[0-9])*)?([eE][+-]?[0-9_]+)?)i?")


@dataclass
class Item:
    typ: str
    pos: int
    val: str

    def __str__(self) -> str:
        if self.typ == "EOF":
            return "EOF"
        if self.typ == "error":
            return self.val
        if self.typ in _KEYWORD_TYPES:
            return f"<{self.val}>"
        from .govalues import go_quote
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


def is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or unicodedata.category(ch) == "Nd"


class Lexer:
    """Produces all items of a template up front (Go lexes lazily; the result is the same)."""

    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.items: list[Item] = []
        self.paren_depth = 0

    # -- helpers --------------------------------------------------------------------------
    def emit(self, typ: str) -> None:
        self.items.append(Item(typ, self.start, self.input[self.start:self.pos]))
        self.start = self.pos

    def error(self, msg: str) -> None:
        self.items.append(Item("error", self.start, msg))

    def peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def at_right_delim(self) -> tuple[bool, bool]:
        rest = self.input[self.pos:]
        if len(rest) >= 4 and rest[0] in _SPACE and rest[1] == "-" and rest[2:4] == "}}":
            return True, True
        return rest.startswith("}}"), False

    def at_terminator(self) -> bool:
        r = self.peek()
        if r == "" or r in _SPACE or r in ".,|:)(":
            return True
        return self.input.startswith("}}", self.pos)

    # -- states ---------------------------------------------------------------------------
    def run(self) -> list[Item]:
        state = self.lex_text
        while state is not None:
            state = state()
        return self.items

    def lex_text(self):  # noqa: ANN201 - state function
        x = self.input.find("{{", self.pos)
        if x < 0:
            self.pos = len(self.input)
            if self.pos > self.start:
                self.emit("text")
            self.emit("EOF")
            return None
        self.pos = x
        trim = 0
        after = self.input[x + 2:x + 4]
        if len(after) == 2 and after[0] == "-" and after[1] in _SPACE:
            trim = len(self.input[self.start:x]) - len(self.input[self.start:x].rstrip(_SPACE))
        if self.pos - trim > self.start:
            end = self.pos
            self.pos -= trim
            self.emit("text")
            self.pos = end
        self.start = self.pos
        return self.lex_left_delim

    def lex_left_delim(self):  # noqa: ANN201
        self.pos += 2
        rest = self.input[self.pos:self.pos + 2]
        trim = len(rest) == 2 and rest[0] == "-" and rest[1] in _SPACE
        after = 2 if trim else 0
        if self.input.startswith("/*", self.pos + after):
            self.pos += after
            self.start = self.pos
            return self.lex_comment
        self.emit("leftDelim")
        self.pos += after
        self.start = self.pos
        self.paren_depth = 0
        return self.lex_inside_action

    def lex_comment(self):  # noqa: ANN201
        self.pos += 2
        x = self.input.find("*/", self.pos)
        if x < 0:
            self.error("unclosed comment")
            return None
        self.pos = x + 2
        delim, trim = self.at_right_delim()
        if not delim:
            self.error("comment ends before closing delimiter")
            return None
        if trim:
            self.pos += 2
        self.pos += 2
        if trim:
            while self.peek() and self.peek() in _SPACE:
                self.pos += 1
        self.start = self.pos
        return self.lex_text

    def lex_right_delim(self):  # noqa: ANN201
        _, trim = self.at_right_delim()
        if trim:
            self.pos += 2
            self.start = self.pos
        self.pos += 2
        self.emit("rightDelim")
        if trim:
            while self.peek() and self.peek() in _SPACE:
                self.pos += 1
            self.start = self.pos
        return self.lex_text

    def lex_inside_action(self):  # noqa: ANN201
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self.lex_right_delim
            self.error("unclosed left paren")
            return None
        r = self.peek()
        if r == "":
            self.error("unclosed action")
            return None
        self.pos += 1
        if r in _SPACE:
            self.pos -= 1
            return self.lex_space
        if r == "=":
            self.emit("assign")
        elif r == ":":
            if self.peek() != "=":
                self.error("expected :=")
                return None
            self.pos += 1
            self.emit("declare")
        elif r == "|":
            self.emit("pipe")
        elif r == '"':
            return self.lex_quote
        elif r == "`":
            return self.lex_raw_quote
        elif r == "$":
            return self.lex_variable
        elif r == "'":
            return self.lex_char
        elif r == "." and self.peek() and not ("0" <= self.peek() <= "9"):
            return self.lex_field
        elif r in "+-." or "0" <= r <= "9":
            self.pos -= 1
            return self.lex_number
        elif is_alnum(r):
            self.pos -= 1
            return self.lex_identifier
        elif r == "(":
            self.emit("leftParen")
            self.paren_depth += 1
        elif r == ")":
            self.emit("rightParen")
            self.paren_depth -= 1
            if self.paren_depth < 0:
                self.error("unexpected right paren")
                return None
        elif ord(r) < 128 and r.isprintable():
            self.emit("char")
        else:
            from .jsonpath_parse import go_rune_u
            self.error(f"unrecognized character in action: {go_rune_u(r)}")
            return None
        return self.lex_inside_action

    def lex_space(self):  # noqa: ANN201
        n = 0
        while self.peek() and self.peek() in _SPACE:
            self.pos += 1
            n += 1
        rest = self.input[self.pos - 1:]
        if len(rest) >= 4 and rest[1] == "-" and rest[2:4] == "}}":
            self.pos -= 1
            if n == 1:
                return self.lex_right_delim
        self.emit("space")
        return self.lex_inside_action

    def lex_identifier(self):  # noqa: ANN201
        while self.peek() and is_alnum(self.peek()):
            self.pos += 1
        word = self.input[self.start:self.pos]
        if not self.at_terminator():
            from .jsonpath_parse import go_rune_u
            self.error(f"bad character {go_rune_u(self.peek())}")
            return None
        if word in KEYWORDS:
            self.emit(KEYWORDS[word])
        elif word in ("true", "false"):
            self.emit("bool")
        else:
            self.emit("identifier")
        return self.lex_inside_action

    def lex_field(self):  # noqa: ANN201
        return self._field_or_variable("field")

    def lex_variable(self):  # noqa: ANN201
        if self.at_terminator():
            self.emit("variable")
            return self.lex_inside_action
        return self._field_or_variable("variable")

    def _field_or_variable(self, typ: str):  # noqa: ANN202
        if self.at_terminator():
            self.emit("variable" if typ == "variable" else "dot")
            return self.lex_inside_action
        while self.peek() and is_alnum(self.peek()):
            self.pos += 1
        if not self.at_terminator():
            from .jsonpath_parse import go_rune_u
            self.error(f"bad character {go_rune_u(self.peek())}")
            return None
        self.emit(typ)
        return self.lex_inside_action

    def _quoted(self, end: str, typ: str, msg: str):  # noqa: ANN202
        while True:
            r = self.peek()
            if r == "\\" and end != "`":
                self.pos += 1
                r = self.peek()
                if r in ("", "\n"):
                    self.error(msg)
                    return None
                self.pos += 1
                continue
            if r == "" or (r == "\n" and end != "`"):
                self.error(msg)
                return None
            self.pos += 1
            if r == end:
                break
        self.emit(typ)
        return self.lex_inside_action

    def lex_quote(self):  # noqa: ANN201
        return self._quoted('"', "string", "unterminated quoted string")

    def lex_raw_quote(self):  # noqa: ANN201
        return self._quoted("`", "rawString", "unterminated raw quoted string")

    def lex_char(self):  # noqa: ANN201
        return self._quoted("'", "charConstant", "unterminated character constant")

    def lex_number(self):  # noqa: ANN201
        m = _NUMBER.match(self.input, self.pos)
        end = m.end() if m else self.pos
        if end < len(self.input) and is_alnum(self.input[end]):
            end += 1
            self.pos = end
            self.error(f"bad number syntax: {self._q(self.input[self.start:end])}")
            return None
        self.pos = end
        if self.pos == self.start or self.input[self.start:self.pos] in ("+", "-", "."):
            self.pos = max(self.pos, self.start + 1)
            self.error(f"bad number syntax: {self._q(self.input[self.start:self.pos])}")
            return None
        self.emit("number")
        return self.lex_inside_action

    @staticmethod
    def _q(s: str) -> str:
        from .govalues import go_quote
        return go_quote(s)


def lex(text: str) -> list[Item]:
    """All items of `text`, ending with an `EOF` or an `error` item."""
    return Lexer(text).run()
