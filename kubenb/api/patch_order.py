"""List helpers for strategic merge patch: element typing, lookup by merge key, ordering.

`normalize_order` is apimachinery's rule for the order of a merged list: items named by the
patch (or `$setElementOrder`) keep that order, server-only items keep their live order, and
a server-only item is placed before a patch item only when the live list had it first.
`AliasedList` reproduces how Go's in-place slice edits change the list that ordering reads.
Used by `patch_strategic` (applying) and `patch_diff` (computing kubectl apply patches).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.patch_common import (
    PatchError,
    PatchRejected,
    bad_arg_type,
    go_fmt,
    index_of,
    no_merge_key,
    same,
)

DIRECTIVE = "$patch"
_MISSING = object()


class AliasedList:
    """A Go slice and the caller's header on the same backing array.

    Deleting shifts later items left in place and appending writes past the current end,
    so the caller's (full-length) header sees the survivors followed by overwritten tail
    slots. Ordering by `$setElementOrder` reads that header, so we reproduce it."""

    def __init__(self, items: list[Any]) -> None:
        self.size = len(items)  # the caller's length; appends past it are invisible to it
        self.buf = list(items)
        self.items = list(items)
        self.shared = True

    def view(self) -> list[Any]:
        return list(self.items)

    def outer(self) -> list[Any]:
        """The caller's full-length header over the backing array."""
        return list(self.buf)

    def delete(self, i: int) -> None:
        end = len(self.items)
        self.buf[i:end - 1] = self.buf[i + 1:end]
        del self.items[i]

    def append(self, item: Any) -> None:
        if self.shared and len(self.items) < self.size:
            self.buf[len(self.items)] = item
        self.items.append(item)

    def apply_directives(self, patch: list[Any], mk: str) -> list[Any]:
        """Handle `$patch` elements (delete by merge key, replace the whole list); returns
        the remaining patch items."""
        plain: list[Any] = []
        replace = False
        for item in patch:
            directive = item.get(DIRECTIVE, _MISSING)
            if directive is _MISSING:
                plain.append(item)
            elif directive == "delete":
                if mk not in item:
                    raise no_merge_key(item, mk)
                while (at := find_map(self.items, mk, item[mk])) >= 0:
                    self.delete(at)
            elif directive == "replace":
                replace = True
            elif directive == "merge":
                raise PatchError("merging lists cannot yet be specified in the patch")
            else:
                raise PatchError(f"unknown patch type: {go_fmt(directive)} in map: {go_fmt(item)}")
        if replace:
            self.items, self.shared = plain, False
            return []
        return plain


def find_map(items: list[Any], mk: str, value: Any) -> int:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise PatchError(f"value for key {i} is not a map")
        if mk in item and same(item[mk], value):
            return i
    return -1


def element_kind(*lists: list[Any]) -> str:
    """'map' or 'scalar' for the elements of all lists; they must share one type."""
    first: Any = _MISSING
    for items in lists:
        for v in items:
            if first is _MISSING:
                first = type(v)
                if first is list:
                    raise PatchRejected("lists of lists are not supported")
            elif type(v) is not first:
                raise PatchError(f"list element types are not identical: {go_fmt(list(lists))}")
    if first is _MISSING:
        raise PatchError("no elements in any of the given slices")
    return "map" if first is dict else "scalar"


def partition(merged: list[Any], by: list[Any], mk: str) -> tuple[list[Any], list[Any]]:
    """Split into (items present in `by`, the others), keeping order."""
    inside: list[Any] = []
    outside: list[Any] = []
    for v in merged:
        if not mk:
            found = index_of(by, v) >= 0
        else:
            if not isinstance(v, dict):
                raise bad_arg_type("map[string]interface {}", v)
            if mk not in v:
                raise no_merge_key(v, mk)
            found = find_map(by, mk, v[mk]) >= 0
        (inside if found else outside).append(v)
    return inside, outside


def split_deletes(items: list[Any]) -> tuple[list[Any], list[Any]]:
    keep: list[Any] = []
    deletes: list[Any] = []
    for v in items:
        if not isinstance(v, dict):
            raise bad_arg_type("map[string]interface {}", v)
        (deletes if v.get(DIRECTIVE) == "delete" else keep).append(v)
    return keep, deletes


def position(items: list[Any], value: Any, mk: str, kind: str) -> int:
    if kind != "map":
        return index_of(items, value)
    want = value.get(mk) if isinstance(value, dict) else None
    for i, item in enumerate(items):
        got = item.get(mk) if isinstance(item, dict) else None
        if same(got, want):
            return i
    return -1


def sort_by(items: list[Any], order: list[Any], mk: str, kind: str) -> list[Any]:
    deletes: list[Any] = []
    if kind == "map":
        for group in (items, order):
            for v in group:
                if not isinstance(v, dict):
                    raise bad_arg_type("map[string]interface {}", v)
                if mk not in v:
                    raise no_merge_key(v, mk)
        items, deletes = split_deletes(items)
    ordered = sorted(items, key=lambda v: position(order, v, mk, kind))
    return ordered + deletes


def normalize_order(patch_items: list[Any], server_only: list[Any], patch_order: list[Any],
                    server_order: list[Any], mk: str, kind: str) -> list[Any]:
    """Sort patch items by `patch_order` and server-only items by `server_order`, then
    interleave: a server-only item goes first only if the live list had it before the
    next patch item."""
    right = sort_by(patch_items, patch_order, mk, kind)
    left = sort_by(server_only, server_order, mk, kind)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li = position(server_order, left[i], mk, kind)
            ri = position(server_order, right[j], mk, kind)
            if 0 <= li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out
