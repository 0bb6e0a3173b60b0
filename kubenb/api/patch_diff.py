"""Compute the patch `kubectl apply` sends: a three-way strategic merge patch.

`three_way(original, modified, current, schema)` follows apimachinery's
`CreateThreeWayMergePatch` with overwrite on (kubectl's default, so no conflict check):
changes and additions come from diffing the live object (`current`) against the new manifest
(`modified`), deletions from diffing the last-applied configuration (`original`) against the
manifest, and the two are merged with `patch_strategic.merge_map` in patch mode. The diff
emits the same directives the server understands: `$setElementOrder/<f>`, `{"$patch":
"delete", <key>: …}` list items, `$deleteFromPrimitiveList/<f>` and `$retainKeys`.
Kinds without a schema get kubectl's JSON merge three-way patch instead (`three_way_json`).
The caller (the apply command) puts the last-applied annotation into `modified` first.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from kubenb.api.patch_common import PatchError, go_fmt, no_merge_key, same
from kubenb.api.patch_json import create_merge_patch, merge_into
from kubenb.api.patch_order import element_kind, sort_by
from kubenb.api.patch_schema import Schema
from kubenb.api.patch_strategic import (
    DELETE_PRIMITIVE,
    DIRECTIVE,
    PATCHES,
    RETAIN_KEYS,
    SET_ORDER,
    merge_map,
)


@dataclass(frozen=True)
class DiffOptions:
    set_element_order: bool = False
    ignore_changes_and_additions: bool = False
    ignore_deletions: bool = False
    build_retain_keys: bool = False


def deep_same(a: Any, b: Any) -> bool:
    """reflect.DeepEqual on decoded JSON: types must match all the way down."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(deep_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(deep_same(x, y) for x, y in zip(a, b, strict=True))
    return same(a, b)


def diff_maps(original: dict[str, Any], modified: dict[str, Any], schema: Schema,
              opts: DiffOptions) -> dict[str, Any]:
    """A strategic patch turning `original` into `modified`, limited by `opts`."""
    patch: dict[str, Any] = {}
    retain: list[Any] = []
    for key, new in modified.items():
        if opts.build_retain_keys and new is not None:
            retain.append(key)
        if key not in original:
            if not opts.ignore_changes_and_additions:
                patch[key] = new
            continue
        old = original[key]
        if key == DIRECTIVE:
            if not isinstance(old, str) or not isinstance(new, str):
                raise PatchError(f"invalid value for special key: {DIRECTIVE}")
            if old != new:
                patch[key] = new
            continue
        if type(old) is not type(new):
            if not opts.ignore_changes_and_additions:
                patch[key] = new
        elif isinstance(old, dict):
            sub, meta = schema.lookup(key)
            if meta.strategy == "replace":
                if not opts.ignore_changes_and_additions:
                    patch[key] = new
            else:
                value = diff_maps(old, new, sub, replace(opts, build_retain_keys=meta.retain_keys))
                if value:
                    patch[key] = value
        elif isinstance(old, list):
            _diff_list_field(key, old, new, patch, schema, opts)
        elif not opts.ignore_changes_and_additions and not same(old, new):
            patch[key] = new
    if not opts.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    extra = any(v is not None and k not in modified for k, v in original.items())
    if retain and (patch or extra):
        patch[RETAIN_KEYS] = sort_scalars(retain)
    return patch


def _diff_list_field(key: str, old: list[Any], new: list[Any], patch: dict[str, Any],
                     schema: Schema, opts: DiffOptions) -> None:
    sub, meta = schema.lookup(key)
    if meta.strategy != "merge":
        if not opts.ignore_changes_and_additions and not deep_same(old, new):
            patch[key] = new
        return
    opts = replace(opts, build_retain_keys=meta.retain_keys)
    additions, deletions, order = diff_lists(old, new, sub, meta.merge_key, opts)
    if additions:
        patch[key] = additions
    if deletions:
        patch[f"{DELETE_PRIMITIVE}/{key}"] = deletions
    if order:
        patch[f"{SET_ORDER}/{key}"] = order


def sort_scalars(items: list[Any]) -> list[Any]:
    return sorted(items, key=go_fmt)


def _dedup(items: list[Any]) -> list[Any]:
    """Go's deduplicateScalars, which moves the last item into each duplicate's place."""
    s = list(items)
    last = len(s) - 1
    i = 0
    while i < last:
        j = i + 1
        while j <= last:
            if same(s[i], s[j]):
                s[j] = s[last]
                s.pop()
                last -= 1
            else:
                j += 1
        i += 1
    return s


def diff_lists(original: list[Any], modified: list[Any], schema: Schema, mk: str,
               opts: DiffOptions) -> tuple[list[Any], list[Any], list[Any]]:
    """(patch items, scalar deletions, $setElementOrder list) for a merging list."""
    if not original:
        if not modified or opts.ignore_changes_and_additions:
            return [], [], []
        return modified, [], []
    kind = element_kind(original, modified)
    if kind == "map":
        items, deletes = _diff_lists_of_maps(original, modified, schema, mk, opts)
        items = sort_by(items, modified, mk, kind) + deletes
        order_same = len(original) == len(modified) and all(
            _key_equal(o, m, mk) for o, m in zip(original, modified, strict=True))
        changes = not opts.ignore_changes_and_additions and (bool(items) or not order_same)
        if opts.set_element_order and (changes or (not opts.ignore_deletions and items)):
            return items, [], [{mk: m[mk]} for m in modified]
        return items, [], []
    additions, deletions = _diff_lists_of_scalars(original, modified, opts)
    additions = sort_by(additions, modified, "", kind)
    # Upstream sorts `original` in place before this comparison, so an unsorted but
    # unchanged list still yields an order directive; we keep that behaviour.
    changed = not deep_same(sort_scalars(original), modified)
    if opts.set_element_order and ((not opts.ignore_deletions and deletions) or
                                   (not opts.ignore_changes_and_additions and changed)):
        return additions, deletions, list(modified)
    return additions, deletions, []


def _key_equal(a: Any, b: Any, mk: str) -> bool:
    for side in (a, b):
        if mk not in side:
            raise no_merge_key(side, mk)
    return same(a[mk], b[mk])


def _diff_lists_of_scalars(original: list[Any], modified: list[Any],
                           opts: DiffOptions) -> tuple[list[Any], list[Any]]:
    old, new = sort_scalars(original), sort_scalars(modified)
    i = j = 0
    additions: list[Any] = []
    deletions: list[Any] = []
    while i < len(old) or j < len(new):
        a = go_fmt(old[i]) if i < len(old) else None
        b = go_fmt(new[j]) if j < len(new) else None
        if a is not None and b is not None and a == b:
            i, j = i + 1, j + 1
        elif a is None or (b is not None and a > b):
            if not opts.ignore_changes_and_additions:
                additions.append(new[j])
            j += 1
        else:
            if not opts.ignore_deletions:
                deletions.append(old[i])
            i += 1
    return additions, _dedup(deletions)


def _diff_lists_of_maps(original: list[Any], modified: list[Any], schema: Schema, mk: str,
                        opts: DiffOptions) -> tuple[list[Any], list[Any]]:
    def keyed(items: list[Any]) -> list[dict[str, Any]]:
        ordered = sorted(items, key=lambda m: go_fmt(m.get(mk)))
        for m in ordered:
            if mk not in m:
                raise no_merge_key(m, mk)
        return ordered

    old, new = keyed(original), keyed(modified)
    i = j = 0
    items: list[Any] = []
    deletes: list[Any] = []
    while i < len(old) or j < len(new):
        a = go_fmt(old[i][mk]) if i < len(old) else None
        b = go_fmt(new[j][mk]) if j < len(new) else None
        if a is not None and b is not None and a == b:
            value = diff_maps(old[i], new[j], schema, opts)
            if value:
                value[mk] = new[j][mk]
                items.append(value)
            i, j = i + 1, j + 1
        elif a is None or (b is not None and a > b):
            if not opts.ignore_changes_and_additions:
                items.append(new[j])
            j += 1
        else:
            if not opts.ignore_deletions:
                deletes.append({mk: old[i][mk], DIRECTIVE: "delete"})
            i += 1
    return items, deletes


def three_way(original: dict[str, Any], modified: dict[str, Any], current: dict[str, Any],
              schema: Schema) -> dict[str, Any]:
    """kubectl apply's strategic patch from last-applied, new manifest and live object."""
    original, modified, current = (copy.deepcopy(x or {}) for x in (original, modified, current))
    delta = diff_maps(current, modified, schema,
                      DiffOptions(set_element_order=True, ignore_deletions=True))
    deletions = diff_maps(original, modified, schema,
                          DiffOptions(set_element_order=True, ignore_changes_and_additions=True))
    return merge_map(deletions, delta, schema, PATCHES)


def _only(patch: dict[str, Any], nulls: bool) -> dict[str, Any]:
    """jsonmergepatch's keepOrDeleteNullInObj: keep only the nulls, or everything else."""
    out: dict[str, Any] = {}
    for k, v in patch.items():
        if v is None:
            if nulls:
                out[k] = None
        elif isinstance(v, dict) and v:
            sub = _only(v, nulls)
            if sub:
                out[k] = sub
        elif not nulls:
            out[k] = v
    return out


def three_way_json(original: dict[str, Any], modified: dict[str, Any],
                   current: dict[str, Any]) -> dict[str, Any]:
    """kubectl apply's JSON merge three-way patch, used for kinds without a schema."""
    changes = _only(create_merge_patch(current or {}, modified or {}), nulls=False)
    deletions = _only(create_merge_patch(original or {}, modified or {}), nulls=True)
    merge_into(deletions, changes)
    return deletions
