"""`kubectl -o go-template=…` / `--template`: Go's text/template executed over Kubernetes JSON.

`go_template(template, data)` returns what kubectl prints. Semantics follow Go's exec.go:
missing map keys are `<no value>` (or an error with `allow_missing=False`, kubectl's
`--allow-missing-template-keys=false`), values print as `fmt.Print` does (`map[a:1]`, `[a b]`),
`range` walks maps in key order, `if`/`with`/`range` use Go's truth, variables are scoped to
their control structure. Errors carry Go's position and node (`template: output:1:2:
executing "output" at <index .x 5>: error calling index: index out of range: 5`), wrapped in
kubectl's words. Lexing, parsing and functions live in `gotemplate_lex.py`,
`gotemplate_parse.py` and `gotemplate_funcs.py`.
"""

from __future__ import annotations

from typing import Any

from .errors import TemplateError
from .gotemplate_funcs import MISSING, SIGNATURES, Elem, FuncError, is_true
from .gotemplate_parse import (
    ActionNode,
    BoolNode,
    BranchNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    ParseError,
    PipeNode,
    StringNode,
    TemplateNode,
    TextNode,
    Tree,
    VariableNode,
    parse_template,
)
from .govalues import GoInt, go_quote, json_compact, sprint, type_name

FUNCS = set(SIGNATURES)


class _ExecError(Exception):
    pass


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _concrete(x: Any) -> Any:
    """The pipeline's `interface{}` unwrap: an element becomes its value, nil becomes invalid."""
    if isinstance(x, Elem):
        return MISSING if x.v is None else x.v
    return x


class _State:
    def __init__(self, tree: Tree, out: list[str], missing_error: bool) -> None:
        self.tree = tree
        self.out = out
        self.missing_error = missing_error
        self.name = "output"
        self.node: Node | None = None
        self.vars: list[list[Any]] = []

    # -- errors ---------------------------------------------------------------------------
    def at(self, node: Node) -> None:
        self.node = node

    def errorf(self, msg: str) -> None:
        node = self.node
        text = self.tree.text
        if node is None:
            raise _ExecError(f"template: {self.name}: {msg}")
        before = text[:node.pos]
        line = 1 + before.count("\n")
        col = len(before[before.rfind("\n") + 1:].encode())
        raise _ExecError(f"template: output:{line}:{col}: executing {go_quote(self.name)} "
                         f"at <{node}>: {msg}")

    # -- variables ------------------------------------------------------------------------
    def var_value(self, name: str) -> Any:
        for entry in reversed(self.vars):
            if entry[0] == name:
                return entry[1]
        self.errorf(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for entry in reversed(self.vars):
            if entry[0] == name:
                entry[1] = value
                return
        self.errorf(f"undefined variable: {name}")

    # -- walking --------------------------------------------------------------------------
    def walk(self, dot: Any, node: Node) -> None:
        if isinstance(node, TextNode):
            self.out.append(node.text)
        elif isinstance(node, ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, ActionNode):
            assert node.pipe is not None
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.at(node)
                self.out.append("<no value>" if value is MISSING else sprint(value))
        elif isinstance(node, BranchNode):
            if node.kind == "range":
                self.walk_range(dot, node)
            else:
                self.walk_if_or_with(dot, node)
        elif isinstance(node, TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, BreakNode):
            raise _Break
        elif isinstance(node, ContinueNode):
            raise _Continue
        else:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, dot: Any, node: BranchNode) -> None:
        mark = len(self.vars)
        try:
            assert node.pipe is not None and node.list is not None
            value = self.eval_pipeline(dot, node.pipe)
            if is_true(value):
                self.walk(value if node.kind == "with" else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, node: BranchNode) -> None:
        self.at(node)
        mark = len(self.vars)
        assert node.pipe is not None and node.list is not None
        pipe = node.pipe
        try:
            value = self.eval_pipeline(dot, pipe)
            body_mark = len(self.vars)
            if isinstance(value, list):
                pairs = [(GoInt(i), Elem(v)) for i, v in enumerate(value)]
            elif isinstance(value, dict):
                pairs = [(k, Elem(value[k])) for k in sorted(value)]
            elif value is MISSING:
                pairs = []
            else:
                self.errorf(f"range can't iterate over {sprint(value)}")
            try:
                for index, elem in pairs:
                    self.one_iteration(pipe, index, elem, body_mark, node.list)
            except _Break:
                return
            if not pairs and node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    def one_iteration(self, pipe: PipeNode, index: Any, elem: Any, mark: int,
                      body: ListNode) -> None:
        decl = pipe.decl
        if decl:
            if pipe.is_assign:
                self.set_var(decl[0].ident[0], index if len(decl) > 1 else elem)
            else:
                self.vars[-1][1] = elem
        if len(decl) > 1:
            if pipe.is_assign:
                self.set_var(decl[1].ident[0], elem)
            else:
                self.vars[-2][1] = index
        try:
            self.walk(elem, body)
        except _Continue:
            pass
        finally:
            del self.vars[mark:]

    def walk_template(self, dot: Any, node: TemplateNode) -> None:
        self.at(node)
        body = self.tree.defs.get(node.name)
        if body is None:
            self.errorf(f"template {go_quote(node.name)} not defined")
        new_dot = dot if node.pipe is None else self.eval_pipeline(dot, node.pipe)
        saved = (self.name, self.vars)
        self.name, self.vars = node.name, [["$", new_dot]]
        try:
            assert body is not None
            self.walk(new_dot, body)
        finally:
            self.name, self.vars = saved

    # -- evaluation -----------------------------------------------------------------------
    def eval_pipeline(self, dot: Any, pipe: PipeNode) -> Any:
        self.at(pipe)
        value = MISSING
        for cmd in pipe.cmds:
            value = _concrete(self.eval_command(dot, cmd, value))
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.vars.append([var.ident[0], value])
        return value

    def not_a_function(self, args: list[Node], final: Any) -> None:
        if len(args) > 1 or final is not MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            self.at(first)
            return self.eval_field_chain(dot, dot, first, first.ident, cmd.args, final)
        if isinstance(first, ChainNode):
            return self.eval_chain(dot, first, cmd.args, final)
        if isinstance(first, IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, PipeNode):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, VariableNode):
            return self.eval_variable(first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NilNode):
            self.errorf("nil is not a command")
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return first.text
        self.errorf(f"can't evaluate command {go_quote(str(first))}")

    def ideal_constant(self, node: NumberNode) -> Any:
        if node.value is None:
            self.errorf(f"{node.text} overflows int")
        return node.value

    def eval_chain(self, dot: Any, chain: ChainNode, args: list[Node] | None,
                   final: Any) -> Any:
        self.at(chain)
        if isinstance(chain.node, NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        assert chain.node is not None
        receiver = self.eval_arg(dot, None, chain.node)
        return self.eval_field_chain(dot, receiver, chain, chain.fields, args, final)

    def eval_variable(self, var: VariableNode, args: list[Node] | None, final: Any) -> Any:
        self.at(var)
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args or [var], final)
            return value
        return self.eval_field_chain(None, value, var, var.ident[1:], args, final)

    def eval_field_chain(self, dot: Any, receiver: Any, node: Node, ident: list[str],
                         args: list[Node] | None, final: Any) -> Any:
        for name in ident[:-1]:
            receiver = self.eval_field(name, None, MISSING, receiver)
        return self.eval_field(ident[-1], args, final, receiver)

    def eval_field(self, name: str, args: list[Node] | None, final: Any, receiver: Any) -> Any:
        if receiver is MISSING:
            if self.missing_error:
                self.errorf(f"nil data; no entry for key {go_quote(name)}")
            return MISSING
        typ = "interface {}" if isinstance(receiver, Elem) else type_name(receiver)
        if isinstance(receiver, Elem):
            if receiver.v is None:
                self.errorf(f"nil pointer evaluating interface {{}}.{name}")
            receiver = receiver.v
        has_args = (args is not None and len(args) > 1) or final is not MISSING
        if isinstance(receiver, dict):
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                return Elem(receiver[name])
            if self.missing_error:
                self.errorf(f"map has no entry for key {go_quote(name)}")
            return MISSING
        self.errorf(f"can't evaluate field {name} in type {typ}")

    def eval_function(self, dot: Any, ident: IdentifierNode, cmd: CommandNode,
                      args: list[Node] | None, final: Any) -> Any:
        self.at(ident)
        name = ident.name
        sig = SIGNATURES.get(name)
        if sig is None:
            self.errorf(f"{go_quote(name)} is not a defined function")
        assert sig is not None
        rest = list(args[1:]) if args else []
        num_in = len(rest) + (0 if final is MISSING else 1)
        n_params = len(sig.params)
        if sig.variadic:
            num_fixed = n_params - 1
            if num_in < num_fixed:
                self.errorf(f"wrong number of args for {name}: want at least {num_fixed} "
                            f"got {len(rest)}")
        else:
            num_fixed = n_params
            if num_in != n_params:
                self.errorf(f"wrong number of args for {name}: want {n_params} got {num_in}")
        if name in ("and", "or"):
            v: Any = MISSING
            for arg in rest:
                v = self.eval_arg(dot, "value", arg)
                if is_true(v) == (name == "or"):
                    return v
            if final is not MISSING:
                v = final
            return v
        argv: list[Any] = []
        for i, arg in enumerate(rest):
            kind = sig.params[min(i, n_params - 1)]
            argv.append(self.eval_arg(dot, kind, arg))
        if final is not MISSING:
            kind = sig.params[num_in - 1] if num_in - 1 < num_fixed else sig.params[-1]
            argv.append(self.validate(final, kind))
        if name == "call":
            fn = argv[0]
            self.at(cmd)
            if fn is MISSING or (isinstance(fn, Elem) and fn.v is None):
                self.errorf("error calling call: call of nil")
            shown = _concrete(fn)
            self.errorf(f"error calling call: non-function {rest[0] if rest else '.'} of type "
                        f"{type_name(shown)}")
        try:
            return sig.impl(*argv)
        except FuncError as err:
            self.at(cmd)
            self.errorf(f"error calling {name}: {err}")

    def validate(self, value: Any, kind: str | None) -> Any:
        if kind in (None, "value"):
            return value
        if value is MISSING:
            if kind == "any":
                return None
            self.errorf(f"invalid value; expected {kind}")
        if kind == "any":
            return value.v if isinstance(value, Elem) else value
        # string
        inner = value.v if isinstance(value, Elem) else value
        if isinstance(inner, str):
            return inner
        got = "interface {}" if isinstance(value, Elem) and inner is None else type_name(inner)
        self.errorf(f"wrong type for value; expected string; got {got}")

    def eval_arg(self, dot: Any, kind: str | None, node: Node) -> Any:
        self.at(node)
        if isinstance(node, DotNode):
            return self.validate(dot, kind)
        if isinstance(node, NilNode):
            if kind == "any":
                return None
            self.errorf(f"cannot assign nil to {'reflect.Value' if kind == 'value' else kind}")
        if isinstance(node, FieldNode):
            return self.validate(
                self.eval_field_chain(dot, dot, node, node.ident, [node], MISSING), kind)
        if isinstance(node, VariableNode):
            return self.validate(self.eval_variable(node, None, MISSING), kind)
        if isinstance(node, PipeNode):
            return self.validate(self.eval_pipeline(dot, node), kind)
        if isinstance(node, IdentifierNode):
            return self.validate(
                self.eval_function(dot, node, CommandNode(node.pos, [node]), None, MISSING), kind)
        if isinstance(node, ChainNode):
            return self.validate(self.eval_chain(dot, node, None, MISSING), kind)
        if kind == "string":
            if isinstance(node, StringNode):
                return node.text
            self.errorf(f"expected string; found {node}")
        if isinstance(node, BoolNode):
            return node.value
        if isinstance(node, NumberNode):
            return self.ideal_constant(node)
        if isinstance(node, StringNode):
            return node.text
        self.errorf(f"can't handle {node} for arg of type {kind}")


def compile_go_template(template: str) -> Tree:
    """Parse a template with kubectl's function set; raises TemplateError as kubectl does."""
    try:
        return parse_template(template, FUNCS)
    except ParseError as err:
        raise TemplateError(f"error parsing template {template}, {err}") from None


def go_template(template: str, data: object, *, allow_missing: bool = True) -> str:
    """What `kubectl get -o go-template=TEMPLATE` prints for `data`.

    A template that fails while running raises TemplateError whose `stdout` holds what
    kubectl writes to stdout in that case (partial output plus its debugging dump)."""
    tree = compile_go_template(template)
    out: list[str] = []
    state = _State(tree, out, missing_error=not allow_missing)
    state.vars = [["$", data]]
    try:
        state.walk(data, tree.root)
    except (_ExecError, RecursionError) as err:
        msg = str(err) if isinstance(err, _ExecError) else \
            "template: output: exceeded maximum template depth (100000)"
        dump = (f"Error executing template: {msg}. Printing more information for debugging "
                f"the template:\n\ttemplate was:\n\t\t{template}\n\traw data was:\n\t\t"
                f"{json_compact(data)}\n\tobject given to template engine was:\n\t\t"
                f"{sprint(data)}\n\n")
        raise TemplateError(f"error executing template {go_quote(template)}: {msg}",
                            stdout="".join(out) + dump) from None
    return "".join(out)
