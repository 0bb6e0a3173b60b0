"""Field sets as server-side apply keeps them: the `fieldsV1` trees of `metadata.managedFields`.

A set is a tree keyed by path elements written as structured-merge-diff serializes them:
`f:<field>` (a struct or map field), `k:{"name":"web"}` (an associative-list item by its
keys), `v:<json>` (an item of a set-type list) and `i:<n>` (an item of a list without keys);
`.` in a node means the path to that node is itself in the set. Internally every member node
carries its `.` (`{".": {}}` for a leaf); `encode` turns that back into the wire form, where a
leaf is `{}`.

List types come from the strategic-merge table (`patch_schema`), as the OpenAPI extensions
`x-kubernetes-list-type`/`x-kubernetes-list-map-keys` of k8s.io/api follow the same struct
tags: a list merged by a key is a map-list on that key (container and Service `ports` on
port and protocol), a merged list of scalars is a set, any other list is atomic; label
selectors are atomic structs. `to_set` is the set an applied configuration names;
`compare` is what a write added, modified and removed (the walkers of sigs.k8s.io/
structured-merge-diff, typed.ToFieldSet and typed.Compare). Reads nothing, writes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api.patch_schema import NO_META, FieldMeta, Schema, schema_for_kind

Node = dict[str, Any]
MEMBER = "."
# `ports` of containers and Services are map-lists on two keys for server-side apply
_EXTRA_KEYS = {("Container", "ports"): ("containerPort", "protocol"),
               ("ServiceSpec", "ports"): ("port", "protocol")}
_KEY_DEFAULTS = {"protocol": "TCP"}
_ATOMIC_FIELDS = frozenset({"selector"})  # metav1.LabelSelector is +structType=atomic
# Structs a Go zero value of the kind already holds (non-pointer fields): a write that fills
# them does not add the struct itself, only its fields.
_POD_SPEC = ("spec.template.spec.containers",)  # the one list without omitempty
_SKELETON = {
    "Pod": ("spec", "spec.containers"),
    "Deployment": ("spec", "spec.template", "spec.template.metadata", "spec.template.spec",
                   "spec.strategy", *_POD_SPEC),
    "ReplicaSet": ("spec", "spec.template", "spec.template.metadata", "spec.template.spec",
                   *_POD_SPEC),
    "StatefulSet": ("spec", "spec.template", "spec.template.metadata", "spec.template.spec",
                    "spec.updateStrategy", *_POD_SPEC),
    "DaemonSet": ("spec", "spec.template", "spec.template.metadata", "spec.template.spec",
                  "spec.updateStrategy", *_POD_SPEC),
    "Job": ("spec", "spec.template", "spec.template.metadata", "spec.template.spec",
            *_POD_SPEC),
    "CronJob": ("spec", "spec.jobTemplate", "spec.jobTemplate.metadata",
                "spec.jobTemplate.spec", "spec.jobTemplate.spec.template",
                "spec.jobTemplate.spec.template.metadata", "spec.jobTemplate.spec.template.spec",
                "spec.jobTemplate.spec.template.spec.containers"),
}
_SPEC_KINDS = frozenset({"Service", "Node", "Namespace", "PersistentVolume",
                         "PersistentVolumeClaim", "HorizontalPodAutoscaler",
                         "PodDisruptionBudget", "Ingress", "NetworkPolicy"})


def skeleton(kind: str) -> frozenset[str]:
    """Dotted paths of the structs an empty object of `kind` already has."""
    paths = set(_SKELETON.get(kind, ("spec",) if kind in _SPEC_KINDS else ()))
    return frozenset(paths | {"metadata", "status"})


class ListType:
    """How a list's items are identified: by keys (map), by value (set), or not at all."""

    __slots__ = ("keys", "kind")

    def __init__(self, kind: str, keys: tuple[str, ...] = ()) -> None:
        self.kind, self.keys = kind, keys


ATOMIC_LIST = ListType("atomic")
SET_LIST = ListType("set")


def list_type(schema: Schema | None, field: str, meta: FieldMeta) -> ListType:
    if meta is NO_META or meta.strategy != "merge":
        return ATOMIC_LIST
    if not meta.merge_key:
        return SET_LIST
    keys = _EXTRA_KEYS.get((schema.name if schema else None, field), (meta.merge_key,))
    return ListType("map", keys)


def item_element(lt: ListType, index: int, item: Any) -> str:
    """The path element of a list item (`k:`, `v:` or `i:`)."""
    if lt.kind == "map" and isinstance(item, dict):
        key = {k: item.get(k, _KEY_DEFAULTS.get(k)) for k in sorted(lt.keys)}
        return "k:" + json.dumps({k: v for k, v in key.items() if v is not None},
                                 separators=(",", ":"))
    if lt.kind == "set":
        return "v:" + json.dumps(item, separators=(",", ":"))
    return f"i:{index}"


def _lookup(schema: Schema | None, key: str) -> tuple[Schema | None, FieldMeta]:
    if schema is None:
        return None, NO_META
    return schema.lookup(key)


def root_schema(kind: str) -> Schema | None:
    return schema_for_kind(kind)


# ---- the set a configuration names ---------------------------------------------------------

def to_set(obj: dict[str, Any], kind: str) -> Node:
    """Every leaf, list item, null and empty map the applied configuration `obj` holds."""
    out: Node = {}
    _fill(obj, root_schema(kind), out)
    return out


def _fill(value: dict[str, Any], schema: Schema | None, out: Node) -> None:
    for key, val in value.items():
        sub, meta = _lookup(schema, key)
        node: Node = out.setdefault("f:" + key, {})
        _fill_value(val, sub, key, meta, schema, node)


def _fill_value(val: Any, sub: Schema | None, key: str, meta: FieldMeta,
                parent: Schema | None, node: Node) -> None:
    if isinstance(val, dict) and val and key not in _ATOMIC_FIELDS:
        _fill(val, sub, node)
    elif isinstance(val, list):
        lt = list_type(parent, key, meta)
        if lt is ATOMIC_LIST:
            node[MEMBER] = {}
            return
        for i, item in enumerate(val):
            child: Node = node.setdefault(item_element(lt, i, item), {})
            child[MEMBER] = {}
            if isinstance(item, dict):
                _fill(item, sub, child)
    else:
        node[MEMBER] = {}


# ---- comparing two versions of an object ---------------------------------------------------

class Comparison:
    """What changed between two objects: added, modified and removed paths."""

    __slots__ = ("added", "modified", "removed")

    def __init__(self) -> None:
        self.added: Node = {}
        self.modified: Node = {}
        self.removed: Node = {}


def compare(old: dict[str, Any] | None, new: dict[str, Any], kind: str) -> Comparison:
    """Paths `new` added, changed or dropped relative to `old` (None: the kind's zero value)."""
    c = Comparison()
    _cmp_map(old or {}, new, root_schema(kind), c, (), skeleton(kind), "")
    return c


def _insert(tree: Node, path: tuple[str, ...]) -> None:
    node = tree
    for el in path:
        node = node.setdefault(el, {})
    node[MEMBER] = {}


def _cmp_map(lhs: dict[str, Any], rhs: dict[str, Any], schema: Schema | None, c: Comparison,
             path: tuple[str, ...], skel: frozenset[str], dotted: str) -> None:
    for key in (lhs.keys() | rhs.keys()) if lhs else rhs.keys():
        lv, rv = lhs.get(key, _MISSING), rhs.get(key, _MISSING)
        if lv is rv or key == "managedFields":  # nobody owns the ownership records
            continue
        if lv is None or rv is None:  # a null field is an unset one, as in a Go struct
            lv = _MISSING if lv is None else lv
            rv = _MISSING if rv is None else rv
            if lv is rv:
                continue
        sub, meta = _lookup(schema, key)
        _cmp(lv, rv, sub, key, meta, schema, c,
             (*path, "f:" + key), skel, f"{dotted}.{key}" if dotted else key)


class _Missing:
    pass


_MISSING: Any = _Missing()


def _cmp(lv: Any, rv: Any, sub: Schema | None, key: str, meta: FieldMeta,
         parent: Schema | None, c: Comparison, path: tuple[str, ...],
         skel: frozenset[str], dotted: str) -> None:
    if lv is rv:
        return
    lmap, rmap = isinstance(lv, dict), isinstance(rv, dict)
    if (lmap or rmap) and key not in _ATOMIC_FIELDS and (lmap or lv is _MISSING) and (
            rmap or rv is _MISSING):
        if lv == rv:
            return
        _cmp_map(lv if lmap else {}, rv if rmap else {}, sub, c, path, skel, dotted)
        if lv is _MISSING and dotted not in skel:
            _insert(c.added, path)
        elif rv is _MISSING and dotted not in skel:
            _insert(c.removed, path)
        return
    if isinstance(lv, list) or isinstance(rv, list):
        lt = list_type(parent, key, meta)
        if lt is not ATOMIC_LIST and (isinstance(lv, list) or lv is _MISSING) and (
                isinstance(rv, list) or rv is _MISSING):
            if lv == rv:
                return
            _cmp_list(lv if isinstance(lv, list) else [], rv if isinstance(rv, list) else [],
                      lt, sub, c, path)
            if lv is _MISSING and dotted not in skel:
                _insert(c.added, path)
            elif rv is _MISSING and dotted not in skel:
                _insert(c.removed, path)
            return
    if lv is _MISSING:
        _insert(c.added, path)
    elif rv is _MISSING:
        _insert(c.removed, path)
    elif lv != rv:
        _insert(c.modified, path)


def _cmp_list(lhs: list[Any], rhs: list[Any], lt: ListType, sub: Schema | None, c: Comparison,
              path: tuple[str, ...]) -> None:
    left = {item_element(lt, i, v): v for i, v in enumerate(lhs)}
    right = {item_element(lt, i, v): v for i, v in enumerate(rhs)}
    for el in left.keys() | right.keys():
        lv, rv = left.get(el, _MISSING), right.get(el, _MISSING)
        p = (*path, el)
        if isinstance(lv, dict) or isinstance(rv, dict):
            if lv == rv:
                continue
            _cmp_map(lv if isinstance(lv, dict) else {}, rv if isinstance(rv, dict) else {},
                     sub, c, p, frozenset(), "")
        if lv is _MISSING:
            _insert(c.added, p)
        elif rv is _MISSING:
            _insert(c.removed, p)
        elif lv != rv and not isinstance(lv, dict):
            _insert(c.modified, p)


# ---- set algebra ---------------------------------------------------------------------------

def union(a: Node, b: Node) -> Node:
    if not a:
        return b
    if not b:
        return a
    out = dict(a)
    for k, v in b.items():
        out[k] = union(out[k], v) if k in out and k != MEMBER else v
    return out


def difference(a: Node, b: Node) -> Node:
    """The paths of `a` that are not in `b` (path by path: a member's children stay)."""
    if not b:
        return a
    out: Node = {}
    for k, v in a.items():
        if k not in b:
            out[k] = v
        elif k != MEMBER:
            d = difference(v, b[k])
            if d:
                out[k] = d
    return out


def intersection(a: Node, b: Node) -> Node:
    out: Node = {}
    for k, v in a.items():
        if k in b:
            if k == MEMBER:
                out[k] = {}
            else:
                i = intersection(v, b[k])
                if i:
                    out[k] = i
    return out


def paths(tree: Node, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The member paths of a set, in serialization order."""
    out: list[tuple[str, ...]] = []
    for k in sorted(tree):
        if k == MEMBER:
            out.insert(0, prefix)
        else:
            out.extend(paths(tree[k], (*prefix, k)))
    return out


def path_string(path: tuple[str, ...]) -> str:
    """A path as structured-merge-diff prints it: `.spec.containers[name="web"].image`."""
    out = []
    for el in path:
        tag, rest = el[:2], el[2:]
        if tag == "f:":
            out.append("." + rest)
        elif tag == "k:":
            keys = json.loads(rest)
            out.append("[" + ",".join(f"{k}={_go_value(v)}" for k, v in keys.items()) + "]")
        elif tag == "v:":
            out.append(f"[={_go_value(json.loads(rest))}]")
        else:
            out.append(f"[{rest}]")
    return "".join(out)


def _go_value(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# ---- wire form -----------------------------------------------------------------------------

def decode(fields: dict[str, Any]) -> Node:
    """A `fieldsV1` object as a set (leaves `{}` become members)."""
    return {k: _decode_node(v) for k, v in fields.items() if k != MEMBER}


def _decode_node(v: Any) -> Node:
    if not isinstance(v, dict) or not v:
        return {MEMBER: {}}
    return {k: ({} if k == MEMBER else _decode_node(c)) for k, c in v.items()}


def encode(tree: Node) -> dict[str, Any]:
    """A set as `fieldsV1`: `.` first, then the children in sorted order; leaves are `{}`."""
    return {k: _encode_node(tree[k]) for k in sorted(tree) if k != MEMBER}


def _encode_node(node: Node) -> dict[str, Any]:
    if len(node) == 1 and MEMBER in node:
        return {}
    out: dict[str, Any] = {MEMBER: {}} if MEMBER in node else {}
    out.update(encode(node))
    return out
