"""The parser of Go's text/template: items from `gotemplate_lex.py` → a node tree.

The nodes (`gotemplate_nodes.py`) mirror text/template/parse. Variables are checked at parse
time, functions against kubectl's set. `{{define}}`/`{{block}}` bodies land in `Tree.defs`. Parse errors are `ParseError("template: output:1: …")`.
`gotemplate.py` executes the tree.
"""

from __future__ import annotations

import re
from typing import Any

from .gotemplate_lex import Item, lex
from .gotemplate_nodes import (
    ActionNode,
    BoolNode,
    BranchNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    ElseNode,
    EndNode,
    FieldNode,
    IdentifierNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    StringNode,
    TemplateNode,
    TextNode,
    Tree,
    VariableNode,
)
from .govalues import GoInt, go_quote
from .jsonpath_parse import JSONPathError, unquote_extend


class ParseError(Exception):
    """A template that does not parse, already in Go's `template: NAME:LINE: msg` form."""


_OCTAL = re.compile(r"[+-]?0[0-7_]+")


def parse_number(text: str) -> tuple[Any, bool]:
    """A Go number literal → (value, ok). An integral literal with `.`/`e` stays a float."""
    body = text.replace("_", "") if re.match(r"[+-]?0[xXoObB]", text) or "_" not in text \
        else text
    if body.endswith("i"):
        return None, False
    n: int | None = None
    try:
        if _OCTAL.fullmatch(text):
            n = int(text.replace("_", ""), 8)
        else:
            n = int(body, 0)
    except ValueError:
        n = None
    if n is not None:
        return (GoInt(n) if -(2**63) <= n < 2**63 else None), True
    try:
        if re.match(r"[+-]?0[xX]", body):
            f = float.fromhex(body)
        else:
            if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", body):
                return None, False
            f = float(body)
    except ValueError:
        return None, False
    return f, True


class Parser:
    """A recursive-descent parser over the lexer's items (Go's parse.Tree)."""

    def __init__(self, text: str, funcs: set[str], name: str = "output") -> None:
        self.text = text
        self.name = name
        self.funcs = funcs
        self.items = lex(text)
        self.i = 0
        self.last: Item = self.items[0]
        self.vars: list[str] = ["$"]
        self.range_depth = 0
        self.defs: dict[str, ListNode] = {}

    # -- tokens ---------------------------------------------------------------------------
    def next(self) -> Item:
        item = self.items[min(self.i, len(self.items) - 1)]
        self.i += 1
        self.last = item
        return item

    def backup(self, n: int = 1) -> None:
        self.i -= n

    def peek(self) -> Item:
        item = self.items[min(self.i, len(self.items) - 1)]
        self.last = item
        return item

    def next_non_space(self) -> Item:
        item = self.next()
        while item.typ == "space":
            item = self.next()
        return item

    def peek_non_space(self) -> Item:
        item = self.next_non_space()
        self.backup()
        return item

    def errorf(self, msg: str) -> None:
        line = 1 + self.text.count("\n", 0, self.last.pos)
        raise ParseError(f"template: {self.name}:{line}: {msg}")

    def expect(self, typ: str, context: str) -> Item:
        item = self.next_non_space()
        if item.typ != typ:
            self.unexpected(item, context)
        return item

    def unexpected(self, item: Item, context: str) -> None:
        if item.typ == "error":
            self.errorf(item.val)
        self.errorf(f"unexpected {item} in {context}")

    # -- structure ------------------------------------------------------------------------
    def parse(self) -> Tree:
        root = ListNode(0)
        while self.peek().typ != "EOF":
            if self.peek().typ == "leftDelim":
                self.next()
                if self.next_non_space().typ == "define":
                    self.parse_definition()
                    continue
                self.i = self._delim_index
            node = self.text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                self.errorf(f"unexpected {node}")
            root.nodes.append(node)
        return Tree(root, self.defs, self.text)

    @property
    def _delim_index(self) -> int:
        j = self.i - 1
        while self.items[j].typ != "leftDelim":
            j -= 1
        return j

    def parse_definition(self) -> None:
        name = self.template_name(self.next_non_space(), "define clause")
        self.expect("rightDelim", "define clause")
        body, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in define clause")
        self.defs[name] = body

    def template_name(self, item: Item, context: str) -> str:
        if item.typ in ("string", "rawString"):
            return self.unquote(item)
        self.unexpected(item, context)
        return ""

    def item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().typ != "EOF":
            node = self.text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                return lst, node
            lst.nodes.append(node)
        self.errorf("unexpected EOF")
        raise AssertionError

    def text_or_action(self) -> Node:
        item = self.next_non_space()
        if item.typ == "text":
            return TextNode(item.pos, item.val)
        if item.typ == "leftDelim":
            return self.action()
        self.unexpected(item, "input")
        raise AssertionError

    def action(self) -> Node:
        item = self.next_non_space()
        typ = item.typ
        if typ == "block":
            return self.block_control()
        if typ in ("break", "continue"):
            self.expect_end_of(typ)
            if self.range_depth == 0:
                self.errorf(f"{{{{{typ}}}}} outside {{{{range}}}}")
            return BreakNode(item.pos) if typ == "break" else ContinueNode(item.pos)
        if typ == "else":
            peek = self.peek_non_space()
            if peek.typ in ("if", "with"):
                return ElseNode(peek.pos)
            return ElseNode(self.expect("rightDelim", "else").pos)
        if typ == "end":
            return EndNode(self.expect("rightDelim", "end").pos)
        if typ in ("if", "range", "with"):
            return self.branch(typ)
        if typ == "template":
            return self.template_control()
        self.backup()
        pos = self.peek().pos
        return ActionNode(pos, self.pipeline("command", "rightDelim"))

    def expect_end_of(self, typ: str) -> None:
        item = self.next_non_space()
        if item.typ != "rightDelim":
            self.unexpected(item, f"{{{{{typ}}}}}")

    def branch(self, kind: str) -> BranchNode:
        mark = len(self.vars)
        try:
            pipe = self.pipeline(kind, "rightDelim")
            if kind == "range":
                self.range_depth += 1
            body, nxt = self.item_list()
            if kind == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                if kind in ("if", "with") and self.peek().typ == kind:
                    self.next()
                    else_list = ListNode(nxt.pos, [self.branch(kind)])
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return BranchNode(pipe.pos, kind, pipe, body, else_list)
        finally:
            del self.vars[mark:]

    def template_control(self) -> TemplateNode:
        item = self.next_non_space()
        name = self.template_name(item, "template clause")
        pipe = None
        if self.next_non_space().typ != "rightDelim":
            self.backup()
            pipe = self.pipeline("template clause", "rightDelim")
        return TemplateNode(item.pos, name, pipe)

    def block_control(self) -> TemplateNode:
        item = self.next_non_space()
        name = self.template_name(item, "block clause")
        pipe = None
        if self.next_non_space().typ != "rightDelim":
            self.backup()
            pipe = self.pipeline("block clause", "rightDelim")
        body, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in block clause")
        self.defs[name] = body
        return TemplateNode(item.pos, name, pipe)

    # -- pipelines ------------------------------------------------------------------------
    def pipeline(self, context: str, end: str) -> PipeNode:
        pipe = PipeNode(self.peek_non_space().pos)
        while True:  # declarations
            v = self.peek_non_space()
            if v.typ != "variable":
                break
            self.next_non_space()
            var_index = self.i - 1
            nxt = self.peek_non_space()
            if nxt.typ in ("assign", "declare"):
                pipe.is_assign = nxt.typ == "assign"
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, [v.val]))
                self.vars.append(v.val)
                break
            if nxt.typ == "char" and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, [v.val]))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in ("variable", "rightDelim", "rightParen"):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            self.i = var_index  # not a declaration: the variable is an operand
            break
        while True:
            item = self.next_non_space()
            if item.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if item.typ in ("bool", "charConstant", "dot", "field", "identifier", "number",
                            "nil", "rawString", "string", "variable", "leftParen"):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(item, context)

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            item = self.next()
            if item.typ == "space":
                continue
            if item.typ in ("rightDelim", "rightParen"):
                self.backup()
            elif item.typ != "pipe":
                self.unexpected(item, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == "field":
            pos = self.peek().pos
            fields: list[str] = []
            while self.peek().typ == "field":
                fields.append(self.next().val[1:])
            if isinstance(node, FieldNode):
                return FieldNode(pos, node.ident + fields)
            if isinstance(node, VariableNode):
                return VariableNode(pos, node.ident + fields)
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf(f"unexpected . after term {go_quote(str(node))}")
            return ChainNode(pos, node, fields)
        return node

    def term(self) -> Node | None:
        item = self.next_non_space()
        typ = item.typ
        if typ == "identifier":
            if item.val not in self.funcs:
                self.errorf(f"function {go_quote(item.val)} not defined")
            return IdentifierNode(item.pos, item.val)
        if typ == "dot":
            return DotNode(item.pos)
        if typ == "nil":
            return NilNode(item.pos)
        if typ == "variable":
            parts = item.val.split(".")
            if parts[0] not in self.vars:
                self.errorf(f"undefined variable {go_quote(parts[0])}")
            return VariableNode(item.pos, parts)
        if typ == "field":
            return FieldNode(item.pos, [item.val[1:]])
        if typ == "bool":
            return BoolNode(item.pos, item.val == "true")
        if typ == "charConstant":
            return NumberNode(item.pos, item.val, GoInt(ord(self.unquote(item))))
        if typ == "number":
            value, ok = parse_number(item.val)
            if not ok:
                self.errorf(f"illegal number syntax: {go_quote(item.val)}")
            return NumberNode(item.pos, item.val, value)
        if typ == "leftParen":
            return self.pipeline("parenthesized pipeline", "rightParen")
        if typ in ("string", "rawString"):
            return StringNode(item.pos, item.val, self.unquote(item))
        self.backup()
        return None

    def unquote(self, item: Item) -> str:
        if item.typ == "rawString":
            return item.val[1:-1].replace("\r", "")
        try:
            text = unquote_extend(item.val)
        except JSONPathError:
            text = None
        if text is None or (item.typ == "charConstant" and len(text) != 1):
            self.errorf("invalid syntax")
            raise AssertionError
        return text


def parse_template(text: str, funcs: set[str], name: str = "output") -> Tree:
    """Parse a Go template; raises ParseError."""
    return Parser(text, funcs, name).parse()
