"""Strategic merge patch: merge a patch map into an object the way the API server does.

`merge_map(original, patch, schema, SERVER)` is apimachinery's `StrategicMergeMapPatch`:
maps merge recursively and `null` deletes a key; lists whose field has `patchStrategy:merge`
merge by their `patchMergeKey` (or as a set, for lists of scalars), other lists are
replaced; the directives `$patch` (replace/delete), `$retainKeys`,
`$deleteFromPrimitiveList/<f>` and `$setElementOrder/<f>` are honoured, with the same
ordering rules (set order > patch order > live order). With `PATCHES` options the same code
merges two patches into one (kubectl apply's three-way patch, in `patch_diff`).

Both arguments are mutated; `patch.apply_patch` passes deep copies. The field metadata
comes from `patch_schema`. In server mode, values copied wholesale from the patch are
cleaned of nulls and `$` keys, as the server's typed decoding would drop them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubenb.api.errors import BadRequest
from kubenb.api.patch_common import (
    PatchError,
    bad_arg_type,
    go_fmt,
    index_of,
    no_merge_key,
    same,
)
from kubenb.api.patch_order import (
    DIRECTIVE,
    AliasedList,
    element_kind,
    find_map,
    normalize_order,
    partition,
    split_deletes,
)
from kubenb.api.patch_schema import FieldMeta, Schema

RETAIN_KEYS = "$retainKeys"
DELETE_PRIMITIVE = "$deleteFromPrimitiveList"
SET_ORDER = "$setElementOrder"

BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
BAD_SET_ORDER = "invalid patch format of setElementOrder list"


@dataclass(frozen=True)
class MergeOptions:
    """`merge_parallel_list`: apply the parallel lists (server) rather than carry them (client).
    `ignore_unmatched_nulls`: drop nulls that match nothing (server) rather than keep them."""

    merge_parallel_list: bool = True
    ignore_unmatched_nulls: bool = True


SERVER = MergeOptions()
PATCHES = MergeOptions(merge_parallel_list=False, ignore_unmatched_nulls=False)


# ---- cleaning values taken from the patch -------------------------------------------------

def remove_directives(obj: Any) -> tuple[Any, bool]:
    """Drop maps that carry `$patch`; returns (value, keep)."""
    if isinstance(obj, dict):
        if DIRECTIVE in obj:
            return None, False
        for k in list(obj):
            v, keep = remove_directives(obj[k])
            if keep:
                obj[k] = v
            else:
                del obj[k]
        return obj, True
    if isinstance(obj, list):
        out = []
        for v in obj:
            v, keep = remove_directives(v)
            if keep:
                out.append(v)
        return out, True
    return obj, True


def discard_nulls(obj: Any) -> None:
    if isinstance(obj, dict):
        for k in list(obj):
            if obj[k] is None:
                del obj[k]
            else:
                discard_nulls(obj[k])
    elif isinstance(obj, list):
        for v in obj:
            discard_nulls(v)


def _settle(obj: Any, opts: MergeOptions) -> Any:
    """What the server's typed decoding keeps of a raw patch value: no nulls, no `$` keys."""
    if not opts.ignore_unmatched_nulls:
        return obj
    if isinstance(obj, dict):
        return {k: _settle(v, opts) for k, v in obj.items() if v is not None and k[:1] != "$"}
    if isinstance(obj, list):
        return [_settle(v, opts) for v in obj]
    return obj


def _take(obj: Any, opts: MergeOptions) -> tuple[Any, bool]:
    """A patch value for a key the original lacks (or holds with another type)."""
    if opts.ignore_unmatched_nulls:
        discard_nulls(obj)
    value, keep = remove_directives(obj)
    return _settle(value, opts), keep


# ---- maps ---------------------------------------------------------------------------------

def merge_map(original: dict[str, Any] | None, patch: dict[str, Any], schema: Schema,
              opts: MergeOptions = SERVER) -> dict[str, Any]:
    """Merge `patch` into `original` (both mutated) and return the result."""
    if DIRECTIVE in patch:
        return _map_directive(patch[DIRECTIVE], patch, opts)
    if original is None:
        original = {}
    _apply_retain_keys(original, patch, opts)
    _merge_set_element_order(original, patch, schema, opts)

    for key in list(patch):
        patch_v = patch[key]
        k, is_delete_list = key, False
        if key.startswith(DELETE_PRIMITIVE):
            if not opts.merge_parallel_list:
                original[key] = patch_v
                continue
            k, is_delete_list = _extract_key(key, DELETE_PRIMITIVE), True
        if patch_v is None:
            original.pop(k, None)
            if opts.ignore_unmatched_nulls:
                continue
        if k not in original or type(original[k]) is not type(patch_v):
            if not is_delete_list:
                value, keep = _take(patch_v, opts)
                if keep:
                    original[k] = value
                else:
                    original.pop(k, None)
            continue
        current = original[k]
        if isinstance(current, dict):
            sub, meta = schema.lookup(k)
            if meta.strategy == "replace":
                original[k] = _settle(patch_v, opts)
            else:
                original[k] = merge_map(current, patch_v, sub, opts)
        elif isinstance(current, list):
            sub, meta = schema.lookup(k)
            original[k] = merge_list_field(current, patch_v, sub, meta, is_delete_list, opts)
        else:
            original[k] = patch_v
    return original


def _map_directive(directive: Any, patch: dict[str, Any], opts: MergeOptions) -> dict[str, Any]:
    if directive == "replace":
        del patch[DIRECTIVE]
        return _settle(patch, opts)
    if directive == "delete":
        return {}
    raise PatchError(f"unknown patch type: {go_fmt(directive)} in map: {go_fmt(patch)}")


def _extract_key(key: str, prefix: str) -> str:
    head, sep, tail = key.partition("/")
    if not sep or head != prefix:
        raise BadRequest(BAD_PRIMITIVE_LIST if prefix == DELETE_PRIMITIVE else BAD_SET_ORDER)
    return tail


def _apply_retain_keys(original: dict[str, Any], patch: dict[str, Any],
                       opts: MergeOptions) -> None:
    if RETAIN_KEYS not in patch:
        return
    retain = patch.pop(RETAIN_KEYS)
    if not opts.merge_parallel_list:
        if RETAIN_KEYS not in original:
            original[RETAIN_KEYS] = retain
        elif original[RETAIN_KEYS] != retain:
            raise PatchError(
                f"{go_fmt(original[RETAIN_KEYS])} and {go_fmt(retain)} are not deep equal: "
                "this may happen when calculating the 3-way diff patch"
            )
        return
    if not isinstance(retain, list):
        raise BadRequest(BAD_RETAIN_KEYS)
    for k, v in patch.items():
        if v is None or k.startswith((DELETE_PRIMITIVE, SET_ORDER)):
            continue
        if index_of(retain, k) < 0:
            raise BadRequest(BAD_RETAIN_KEYS)
    for k in list(original):
        if index_of(retain, k) < 0:
            del original[k]


def _merge_set_element_order(original: dict[str, Any], patch: dict[str, Any], schema: Schema,
                             opts: MergeOptions) -> None:
    """Merge each `$setElementOrder/<f>` with list `f`, then order `f` as it says."""
    for key in [k for k in patch if k.startswith(SET_ORDER)]:
        order = patch.pop(key)
        if not opts.merge_parallel_list:
            if key not in original:
                original[key] = order
            elif original[key] != order:
                raise BadRequest(BAD_SET_ORDER)
        if not isinstance(order, list):
            raise bad_arg_type("[]interface {}", order)
        field = _extract_key(key, SET_ORDER)
        orig_list, patch_list = original.get(field), patch.get(field)
        for value in (orig_list, patch_list):
            if value is not None and not isinstance(value, list):
                raise bad_arg_type("[]interface {}", value)
        sub, meta = schema.lookup(field)
        mk = meta.merge_key
        _validate_order(patch_list or [], order, mk)
        if orig_list is not None and patch_list is None:
            merged = orig_list
        elif orig_list is None and patch_list is not None:
            merged = _settle(remove_directives(patch_list)[0], opts)
        elif orig_list is not None and patch_list is not None:
            seen: list[list[Any]] = []
            merged = merge_list_field(orig_list, patch_list, sub, meta, False, opts, seen)
            orig_list = seen[0] if seen else orig_list
        else:
            continue
        first, rest = partition(merged, order, mk)
        kind = element_kind(orig_list or [], patch_list or [])
        original[field] = normalize_order(first, rest, order, orig_list or [], mk, kind)
        patch.pop(field, None)


def _validate_order(patch_list: list[Any], order: list[Any], mk: str) -> None:
    """The patch items must appear in `order`, in the same relative order."""
    if not order or not patch_list:
        return
    items = split_deletes(patch_list)[0] if mk else patch_list
    pi = si = 0
    while pi < len(items) and si < len(order):
        if isinstance(items[pi], dict) and DIRECTIVE in items[pi]:
            pi += 1
            continue
        if _merge_key_equal(items[pi], order[si], mk):
            pi += 1
        si += 1
    if pi < len(items) and si >= len(order):
        raise PatchError(
            f"The order in patch list:\n{go_fmt(patch_list)}\n doesn't match {SET_ORDER} "
            f"list:\n{go_fmt(order)}\n"
        )


def _merge_key_equal(left: Any, right: Any, mk: str) -> bool:
    if not mk:
        return same(left, right)
    for side in (left, right):
        if not isinstance(side, dict):
            raise bad_arg_type("map[string]interface {}", side)
        if mk not in side:
            raise no_merge_key(side, mk)
    return same(left[mk], right[mk])


# ---- lists --------------------------------------------------------------------------------

def merge_list_field(original: list[Any], patch: list[Any], schema: Schema, meta: FieldMeta,
                     is_delete_list: bool, opts: MergeOptions,
                     seen: list[list[Any]] | None = None) -> list[Any]:
    """A list field: merge it if tagged `merge` (or a deletion list), else take the patch."""
    if meta.strategy == "merge" or is_delete_list:
        return merge_list(original, patch, schema, meta.merge_key, opts, is_delete_list, seen)
    return _settle(patch, opts)


def merge_list(original: list[Any], patch: list[Any], schema: Schema, mk: str,
               opts: MergeOptions, is_delete_list: bool = False,
               seen: list[list[Any]] | None = None) -> list[Any]:
    """Merge two lists (maps by merge key, scalars as a set) and order the result.

    Upstream deletes and appends in place on the caller's slice, and `$setElementOrder`
    then orders by that mutated slice; if `seen` is given, the caller's view of its
    original list after this merge is appended to it (`AliasedList`)."""
    if not original and not patch:
        return original
    kind = element_kind(original, patch)
    if kind != "map":
        if opts.merge_parallel_list and is_delete_list:
            return [v for v in original if index_of(patch, v) < 0]
        merged: list[Any] = []
        for v in original + patch:
            if index_of(merged, v) < 0:
                merged.append(v)
    else:
        if not mk:
            raise PatchError(f"cannot merge lists without merge key for {schema.name or ''}")
        live = AliasedList(original)
        patch = live.apply_directives(patch, mk)
        original = live.view()
        for item in patch:
            if mk not in item:
                raise no_merge_key(item, mk)
            at = find_map(live.items, mk, item[mk])
            if at >= 0:
                live.items[at] = merge_map(live.items[at], item, schema, opts)
            else:
                live.append(_settle(item, opts))
        merged = live.items
        if seen is not None:
            seen.append(live.outer())
    first, rest = partition(merged, patch, mk)
    return normalize_order(first, rest, patch, original, mk, kind)


