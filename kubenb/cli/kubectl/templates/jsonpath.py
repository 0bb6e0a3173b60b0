"""`kubectl -o jsonpath=…`: client-go's JSONPath evaluated over Kubernetes JSON.

`jsonpath(template, data)` is what kubectl prints for one object (or a List): each action's
results joined by a space, maps and lists as compact JSON (Go's json.Marshal), strings raw,
numbers as Go's `%v`. `find_results()` is the lower layer shared with custom-columns and
`--sort-by` (`customcolumns.py`, `sorting.py`): one list of values per top-level node.
`relaxed()` is kubectl's RelaxedJSONPathExpression. Parsing lives in `jsonpath_parse.py`.
"""

from __future__ import annotations

import re
from typing import Any

from kubenb.cli.kubectl.printers.formats import to_json

from .errors import TemplateError
from .govalues import GoByte, go_quote, json_compact, sharp_v, sprint, type_name
from .jsonpath_parse import (
    ArrayNode,
    FieldNode,
    FilterNode,
    IdentifierNode,
    JSONPathError,
    ListNode,
    LiteralNode,
    Node,
    RecursiveNode,
    TextNode,
    UnionNode,
    WildcardNode,
    parse,
)

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$", re.DOTALL)


def relaxed(expr: str) -> str:
    """kubectl's RelaxedJSONPathExpression: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` → `{.a.b}`."""
    if not expr:
        return expr
    m = _RELAXED.match(expr)
    if m is None:
        raise TemplateError("unexpected path string, expected a 'name1.name2' or '.name1.name2' "
                            "or '{name1.name2}' or '{.name1.name2}'")
    return "{.%s}" % (m.group(1) or m.group(2))


# -- comparisons (client-go's fork of Go 1.x text/template funcs) ---------------------------
def _basic_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    raise JSONPathError("invalid type for comparison")


def _eq(a: Any, b: Any) -> bool:
    if _basic_kind(a) != _basic_kind(b):
        raise JSONPathError("incompatible types for comparison")
    return bool(a == b)


def _lt(a: Any, b: Any) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        raise JSONPathError("incompatible types for comparison")
    if ka == "bool":
        raise JSONPathError("invalid type for comparison")
    return bool(a < b)


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return _eq(a, b)
    if op == "!=":
        return not _eq(a, b)
    if op == "<":
        return _lt(a, b)
    if op == "<=":
        return _lt(a, b) or _eq(a, b)
    if op == ">":
        return not (_lt(a, b) or _eq(a, b))
    if op == ">=":
        return not _lt(a, b)
    raise JSONPathError(f"unrecognized filter operator {op}")


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return [GoByte(b) for b in value.encode()]
    return []


class _Runner:
    """One execution: client-go's range bookkeeping over the flat node list."""

    def __init__(self, allow_missing: bool) -> None:
        self.allow_missing = allow_missing
        self.begin_range = 0
        self.in_range = 0
        self.end_range = 0
        self.last_end: Node | None = None

    def find(self, data: Any, nodes: list[Node]) -> list[list[Any]]:
        cur = [data]
        full: list[list[Any]] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            results = self.walk(cur, node)
            if 0 < self.end_range <= self.in_range:
                self.end_range -= 1
                self.last_end = node
                break
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                rest = nodes[i + 1:]
                if results:
                    for value in results:
                        full.extend(self.find(value, rest))
                else:
                    self.find(None, rest)
                self.in_range -= 1
                for k in range(i + 1, len(nodes)):
                    if nodes[k] is self.last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def walk(self, values: list[Any], node: Node) -> list[Any]:
        if isinstance(node, ListNode):
            for child in node.nodes:
                values = self.walk(values, child)
            return values
        if isinstance(node, TextNode):
            return [node.text]
        if isinstance(node, FieldNode):
            return self.field(values, node.name)
        if isinstance(node, ArrayNode):
            return self.array(values, node)
        if isinstance(node, FilterNode):
            return self.filter(values, node)
        if isinstance(node, LiteralNode):
            return [node.value for _ in values]
        if isinstance(node, WildcardNode):
            return [c for v in values if v is not None for c in _children(v)]
        if isinstance(node, RecursiveNode):
            return self.recursive(values)
        if isinstance(node, UnionNode):
            return [r for sub in node.lists for r in self.walk(values, sub)]
        if isinstance(node, IdentifierNode):
            return self.identifier(values, node.name)
        raise JSONPathError(f"unexpected Node {node}")

    def identifier(self, values: list[Any], name: str) -> list[Any]:
        if name == "range":
            self.begin_range += 1
            return values
        if name == "end":
            if self.in_range > 0:
                self.end_range += 1
                return []
            raise JSONPathError("not in range, nothing to end")
        raise JSONPathError(f"unrecognized identifier {name}")

    def field(self, values: list[Any], name: str) -> list[Any]:
        if not values:
            return []
        results = [v[name] for v in values if isinstance(v, dict) and name in v]
        if not results and not self.allow_missing:
            raise JSONPathError(f"{name} is not found")
        return results

    def array(self, values: list[Any], node: ArrayNode) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{type_name(value)} is not array or slice")
            n = len(value)
            p0, p1, p2 = node.params
            start = p0.value if p0.known else 0
            if start < 0:
                start += n
            stop = p1.value if p1.known else n
            if stop < 0 or (stop == 0 and p1.derived):
                stop += n
            if stop == start:
                return result
            if start >= n or start < 0:
                raise JSONPathError(f"array index out of bounds: index {start}, length {n}")
            if stop > n or stop < 0:
                raise JSONPathError(f"array index out of bounds: index {stop - 1}, length {n}")
            if start > stop:
                raise JSONPathError(
                    f"starting index {start} is greater than ending index {stop}")
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise JSONPathError("step must be > 0")
                step = p2.value
            result.extend(value[start:stop:step])
        return result

    def recursive(self, values: list[Any]) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            kids = _children(value)
            if kids:
                result.append(value)
                result.extend(self.recursive(kids))
        return result

    def filter(self, values: list[Any], node: FilterNode) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(f"{sprint(value)} is not array or slice and cannot be filtered")
            for item in value:
                try:
                    lefts = self.walk([item], node.left)
                    err: JSONPathError | None = None
                except JSONPathError as e:
                    lefts, err = [], e
                if node.op == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if err is not None:
                    raise err
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self.walk([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if _compare(node.op, lefts[0], rights[0]):
                    results.append(item)
        return results


def compile_template(template: str) -> ListNode:
    """Parse a JSONPath template; raises JSONPathError (client-go's raw words)."""
    return parse(template)


def find_results(root: ListNode, data: Any, allow_missing: bool = True) -> list[list[Any]]:
    """client-go's FindResults: one list of values per top-level node (text or action)."""
    return _Runner(allow_missing).find(data, root.nodes)


def value_text(value: Any) -> str:
    """How client-go's PrintResults writes one value: JSON for maps/lists, else `%v`."""
    if isinstance(value, (dict, list)):
        return json_compact(value)
    if value is None:
        return "null"
    return sprint(value)


def print_results(results: list[list[Any]], as_json: bool = False) -> str:
    """Render FindResults output: values joined by spaces (or JSON arrays for as-json)."""
    if as_json:
        return "".join(to_json(list(r)) for r in results)
    return "".join(" ".join(value_text(v) for v in r) for r in results)


def jsonpath(template: str, data: object, *, allow_missing: bool = True,
             as_json: bool = False) -> str:
    """What `kubectl get -o jsonpath=TEMPLATE` prints for `data` (`jsonpath-as-json` with
    `as_json`); raises TemplateError with kubectl's message on a bad template."""
    try:
        root = compile_template(template)
    except JSONPathError as err:
        raise TemplateError(f"error parsing jsonpath {template}, {err}") from None
    try:
        return print_results(find_results(root, data, allow_missing), as_json)
    except (JSONPathError, RecursionError) as err:
        detail = (f"Error executing template: {err}. Printing more information for debugging "
                  f"the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to "
                  f"jsonpath engine was:\n\t\t{sharp_v(data)}\n\n")
        raise TemplateError(
            f"error executing jsonpath {go_quote(template)}: {detail}\n") from None
