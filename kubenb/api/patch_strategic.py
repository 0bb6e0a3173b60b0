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
    PatchRejected,
    bad_arg_type,
    go_fmt,
    index_of,
    no_merge_key,
    same,
)
from kubenb.api.patch_schema import FieldMeta, Schema

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_PRIMITIVE = "$deleteFromPrimitiveList"
SET_ORDER = "$setElementOrder"

BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
BAD_SET_ORDER = "invalid patch format of setElementOrder list"
_MISSING = object()


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
            merged = merge_list_field(orig_list, patch_list, sub, meta, False, opts)
        else:
            continue
        first, rest = _partition(merged, order, mk)
        kind = element_kind(orig_list or [], patch_list or [])
        original[field] = normalize_order(first, rest, order, orig_list or [], mk, kind)
        patch.pop(field, None)


def _validate_order(patch_list: list[Any], order: list[Any], mk: str) -> None:
    """The patch items must appear in `order`, in the same relative order."""
    if not order or not patch_list:
        return
    items = _split_deletes(patch_list)[0] if mk else patch_list
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
                     is_delete_list: bool, opts: MergeOptions) -> list[Any]:
    """A list field: merge it if tagged `merge` (or a deletion list), else take the patch."""
    if meta.strategy == "merge" or is_delete_list:
        return merge_list(original, patch, schema, meta.merge_key, opts, is_delete_list)
    return _settle(patch, opts)


def merge_list(original: list[Any], patch: list[Any], schema: Schema, mk: str,
               opts: MergeOptions, is_delete_list: bool = False) -> list[Any]:
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
        original, patch = _apply_list_directives(original, patch, mk)
        merged = list(original)
        for item in patch:
            if mk not in item:
                raise no_merge_key(item, mk)
            at = _find_map(merged, mk, item[mk])
            if at >= 0:
                merged[at] = merge_map(merged[at], item, schema, opts)
            else:
                merged.append(_settle(item, opts))
    first, rest = _partition(merged, patch, mk)
    return normalize_order(first, rest, patch, original, mk, kind)


def _apply_list_directives(original: list[Any], patch: list[Any],
                           mk: str) -> tuple[list[Any], list[Any]]:
    """Handle `$patch` elements: delete by merge key, or replace the whole list."""
    plain: list[Any] = []
    replace = False
    for item in patch:
        directive = item.get(DIRECTIVE, _MISSING)
        if directive is _MISSING:
            plain.append(item)
        elif directive == "delete":
            if mk not in item:
                raise no_merge_key(item, mk)
            original = [o for o in original if not same(o.get(mk, _MISSING), item[mk])]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise PatchError(f"unknown patch type: {go_fmt(directive)} in map: {go_fmt(item)}")
    if replace:
        return plain, []
    return original, plain


def _find_map(items: list[Any], mk: str, value: Any) -> int:
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


def _partition(merged: list[Any], by: list[Any], mk: str) -> tuple[list[Any], list[Any]]:
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
            found = _find_map(by, mk, v[mk]) >= 0
        (inside if found else outside).append(v)
    return inside, outside


def _split_deletes(items: list[Any]) -> tuple[list[Any], list[Any]]:
    keep: list[Any] = []
    deletes: list[Any] = []
    for v in items:
        if not isinstance(v, dict):
            raise bad_arg_type("map[string]interface {}", v)
        (deletes if v.get(DIRECTIVE) == "delete" else keep).append(v)
    return keep, deletes


def _position(items: list[Any], value: Any, mk: str, kind: str) -> int:
    if kind != "map":
        return index_of(items, value)
    want = value.get(mk) if isinstance(value, dict) else None
    for i, item in enumerate(items):
        got = item.get(mk) if isinstance(item, dict) else None
        if same(got, want):
            return i
    return -1


def _sort_by(items: list[Any], order: list[Any], mk: str, kind: str) -> list[Any]:
    deletes: list[Any] = []
    if kind == "map":
        for group in (items, order):
            for v in group:
                if not isinstance(v, dict):
                    raise bad_arg_type("map[string]interface {}", v)
                if mk not in v:
                    raise no_merge_key(v, mk)
        items, deletes = _split_deletes(items)
    ordered = sorted(items, key=lambda v: _position(order, v, mk, kind))
    return ordered + deletes


def normalize_order(patch_items: list[Any], server_only: list[Any], patch_order: list[Any],
                    server_order: list[Any], mk: str, kind: str) -> list[Any]:
    """Sort patch items by `patch_order` and server-only items by `server_order`, then
    interleave: a server-only item goes first only if the live list had it before the
    next patch item."""
    right = _sort_by(patch_items, patch_order, mk, kind)
    left = _sort_by(server_only, server_order, mk, kind)
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
            li = _position(server_order, left[i], mk, kind)
            ri = _position(server_order, right[j], mk, kind)
            if 0 <= li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out
