"""`kubectl get --sort-by=PATH`: ordering objects by a JSONPath field, as kubectl's sorter.go.

The path is relaxed (`.metadata.name` → `{.metadata.name}`) and must find something in at
least one object. The first value found is compared: integers and floats numerically, strings
as quantities when both parse (`100m` < `1`), otherwise in natural order (`pod-2` < `pod-10`);
objects where the path finds nothing sort first. Mixed or unsortable types (maps, bools) are
errors. `sort_key()` gives a key for `sorted()`; `sort_objects()` does the sort (stable).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from kubenb.api.quantity import parse_quantity

from .errors import TemplateError
from .govalues import go_quote, type_name
from .jsonpath import compile_template, find_results, relaxed
from .jsonpath_parse import JSONPathError, ListNode


def natural_less(a: str, b: str) -> bool:
    """github.com/fvbommel/sortorder NaturalLess: digit runs compare as numbers."""
    i = j = 0
    sa, sb = a.encode(), b.encode()
    while i < len(sa) and j < len(sb):
        ca, cb = sa[i], sb[j]
        da, db = 48 <= ca <= 57, 48 <= cb <= 57
        if da != db:
            return da
        if not da:
            if ca != cb:
                return ca < cb
            i += 1
            j += 1
            continue
        while i < len(sa) and sa[i] == 48:
            i += 1
        while j < len(sb) and sb[j] == 48:
            j += 1
        nz_a, nz_b = i, j
        while i < len(sa) and 48 <= sa[i] <= 57:
            i += 1
        while j < len(sb) and 48 <= sb[j] <= 57:
            j += 1
        if i - nz_a != j - nz_b:
            return i - nz_a < j - nz_b
        if sa[nz_a:i] != sb[nz_b:j]:
            return sa[nz_a:i] < sb[nz_b:j]
        if nz_a != nz_b:
            return nz_a < nz_b
    return len(sa) < len(sb)


def _quantity(s: str) -> Any:
    try:
        return parse_quantity(s)
    except (ValueError, TypeError):
        return None


def is_less(a: Any, b: Any) -> bool:
    """kubectl's isLess for two unstructured values (interface{} holding basic types)."""
    if a is None:
        return b is not None
    if b is None:
        return False
    ta, tb = type_name(a), type_name(b)
    if ta not in ("int64", "int", "float64", "string"):
        raise TemplateError(f"unsortable type: {ta}")
    if ta != tb:
        raise TemplateError("unsortable interface: interface")
    if isinstance(a, str):
        qa, qb = _quantity(a), _quantity(b)
        if qa is not None and qb is not None:
            return bool(qa < qb)
        return natural_less(a, b)
    return bool(a < b)


def _first(parser: ListNode, obj: dict[str, Any]) -> tuple[bool, Any]:
    try:
        results = find_results(parser, obj, allow_missing=True)
    except JSONPathError as err:
        raise TemplateError(str(err)) from None
    if not results or not results[0]:
        return False, None
    return True, results[0][0]


def sort_key(objects: Sequence[dict[str, Any]], jsonpath_expr: str) -> Callable[[Any], Any]:
    """A `sorted()` key ordering `objects` as `--sort-by=jsonpath_expr` does.

    Raises TemplateError for a bad path, a path found in none of the objects, or values that
    kubectl cannot compare."""
    field = relaxed(jsonpath_expr)
    try:
        parser = compile_template(field)
    except JSONPathError as err:
        raise TemplateError(str(err)) from None
    found = [_first(parser, o) for o in objects]
    if objects and not any(ok for ok, _ in found):
        raise TemplateError(f"couldn't find any field with path {go_quote(field)} in the list "
                            "of objects")
    by_id = {id(o): f for o, f in zip(objects, found, strict=True)}

    def compare(x: dict[str, Any], y: dict[str, Any]) -> int:
        (okx, vx), (oky, vy) = by_id[id(x)], by_id[id(y)]
        if not okx:
            return 0 if not oky else -1
        if not oky:
            return 1
        if is_less(vx, vy):
            return -1
        return 1 if is_less(vy, vx) else 0

    return functools.cmp_to_key(compare)


def sort_objects(objects: Sequence[dict[str, Any]], jsonpath_expr: str) -> list[dict[str, Any]]:
    """`objects` in `--sort-by` order (stable for equal keys)."""
    return sorted(objects, key=sort_key(objects, jsonpath_expr))
