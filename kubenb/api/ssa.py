"""Server-side apply (`PATCH application/apply-patch+yaml`): merge, prune, conflicts.

`apply(live, config, ...)` returns the object to store, its managedFields already set
(kube-apiserver's structured-merge-diff Updater.Apply): the configuration is merged onto the
live object (maps field by field, map-lists item by key, sets by value, anything else
replaced); the applier's set becomes what the configuration names (`fieldset.to_set`);
fields it named before and names no more are removed unless another manager still owns them
(or something beneath them); then a comparison with the live object finds the fields the
apply changes that other managers own: conflicts (`ApplyConflict`) unless `force`, which
takes them from their owners. A configuration for a missing object creates it (live None).
The configuration's `status` is ignored on the main resource, as for any write of it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kubenb.api import fieldset
from kubenb.api.errors import BadRequest, Conflict
from kubenb.api.fieldset import MEMBER, ListType, Node, item_element, list_type
from kubenb.api.managed_fields import (
    ApplyConflict,
    Manager,
    Managers,
    entry_key,
    head_of,
    ignored_fields,
    only_status,
)
from kubenb.api.objects import clone, stamp
from kubenb.api.patch_schema import Schema
from kubenb.api.registry import ResourceType

if TYPE_CHECKING:
    from kubenb.api.store import Store

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def check_config(applied: Any, rt: ResourceType, api_version: str) -> dict[str, Any]:
    """The configuration, checked against the path's kind and version, without the
    metadata the server sets."""
    if not isinstance(applied, dict):
        raise BadRequest("error decoding YAML: the applied configuration is not an object")
    config = clone(applied)
    if config.get("kind", rt.kind) != rt.kind or config.get("apiVersion", api_version) != api_version:
        raise BadRequest(f"the kind or apiVersion in the data ({config.get('apiVersion')}, "
                         f"{config.get('kind')}) does not match the expected "
                         f"({api_version}, {rt.kind})")
    meta = config.get("metadata") or {}
    for key in ("uid", "creationTimestamp", "generation", "managedFields", "resourceVersion"):
        meta.pop(key, None)
    return config


def apply(live: dict[str, Any] | None, config: dict[str, Any], rt: ResourceType, manager: str,
          api_version: str, now: str, *, force: bool = False,
          subresource: str = "") -> dict[str, Any]:
    """The object after `manager` applies `config` (checked) to `live` (both in
    `api_version`), with its managedFields."""
    kind = rt.kind
    if subresource != "status" and rt.has_status:
        config.pop("status", None)
    ignored = ignored_fields(rt.has_status, subresource)
    mine = fieldset.difference(fieldset.to_set(config, kind), ignored)
    if subresource == "status":
        mine = only_status(mine)
    managers = Managers((live or {}).get("metadata", {}).get("managedFields"))
    m = Manager(manager, subresource, "Apply")
    key = entry_key(head_of(m, api_version))
    last = managers.set_of(key)
    managers.put(key, head_of(m, api_version), mine)
    schema = fieldset.root_schema(kind)
    merged = _merge_map(live or {}, config, schema) if live is not None else clone(config)
    if live is not None:
        others: Node = {}
        for k in managers.owners():
            if k != key:
                others = fieldset.union(others, managers.set_of(k))
        keep = fieldset.union(others, mine)
        _prune(merged, fieldset.difference(last, mine), keep, schema)
        c = fieldset.compare(live, merged, kind)
        changed = fieldset.difference(fieldset.union(c.added, c.modified), ignored)
        conflicts = []
        for k in managers.owners():
            if k != key:
                for path in fieldset.paths(fieldset.intersection(managers.set_of(k), changed)):
                    conflicts.append((managers.head_of(k), path))
        if conflicts and not force and not _upgrading(live, manager, kind, conflicts):
            raise ApplyConflict(conflicts)
        managers.take(key, fieldset.union(changed, fieldset.difference(c.removed, ignored)))
    meta = merged.setdefault("metadata", {})
    if manager == "kubectl" and LAST_APPLIED in ((live or {}).get("metadata", {}).get(
            "annotations") or {}):
        meta["annotations"] = {**(meta.get("annotations") or {}), LAST_APPLIED: _last_applied(config)}
    entries = managers.entries(now)
    had = (live or {}).get("metadata", {}).get("managedFields")
    meta["managedFields"] = had if had is not None and _same(had, entries) else entries
    return merged


def _upgrading(live: dict[str, Any], manager: str, kind: str,
               conflicts: list[tuple[dict[str, Any], tuple[str, ...]]]) -> bool:
    """kubectl's server-side apply takes over from client-side apply without conflicts:
    fields whose live value is still the one the last-applied annotation holds may move
    (kube-apiserver's lastAppliedManager, for the manager `kubectl` only)."""
    annotation = (live.get("metadata", {}).get("annotations") or {}).get(LAST_APPLIED)
    if manager != "kubectl" or not annotation:
        return False
    try:
        last = json.loads(annotation)
    except ValueError:
        return False
    if not isinstance(last, dict):
        return False
    allowed = fieldset.difference(fieldset.to_set(last, kind),
                                  fieldset.compare(last, live, kind).modified)
    wanted: Node = {}
    for _, path in conflicts:
        node = wanted
        for el in path:
            node = node.setdefault(el, {})
        node[MEMBER] = {}
    return not fieldset.difference(wanted, allowed)


def _last_applied(config: dict[str, Any]) -> str:
    """The annotation server-side apply by `kubectl` keeps up to date: the configuration as
    Go's json.Marshal writes it, without the annotation itself."""
    body = clone(config)
    annotations = (body.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
        if not annotations:
            del body["metadata"]["annotations"]
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def server_side_apply(store: Store, rt: ResourceType, namespace: str | None, name: str,
                      applied: Any, manager: str, force: bool = False,
                      subresource: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Apply `applied` to the stored object `name` (creating it when missing), retrying on
    write races as the API server does; the object as stored, a copy."""
    config = check_config(applied, rt, rt.api_version)
    sub = subresource if subresource == "status" else None
    writer = Manager(manager, sub or "", "Apply", precomputed=True)
    for _ in range(16):
        current = store.try_get(rt.kind, namespace, name)
        now = stamp(store.clock.now())
        if current is None:
            obj = apply(None, clone(config), rt, manager, rt.api_version, now, subresource=sub or "")
            meta = obj.setdefault("metadata", {})
            if meta.setdefault("name", name) != name:
                raise BadRequest(f"the name of the object ({meta['name']}) does not match the "
                                 f"name on the URL ({name})")
            if rt.namespaced:
                meta["namespace"] = namespace or "default"
            return clone(store.create(obj, dry_run=dry_run, manager=writer))
        patched = apply(current, clone(config), rt, manager, rt.api_version, now, force=force,
                        subresource=sub or "")
        try:
            return clone(store.update(patched, subresource=sub, dry_run=dry_run, manager=writer))
        except Conflict:
            continue
    raise Conflict(rt.qualified, name)


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    return [{k: v for k, v in e.items() if k != "time"} for e in a] == [
        {k: v for k, v in e.items() if k != "time"} for e in b]


# ---- merging the configuration onto the live object ----------------------------------------

def _merge_map(live: dict[str, Any], config: dict[str, Any], schema: Schema | None) -> dict[str, Any]:
    out = dict(live)
    for k, v in config.items():
        sub, meta = schema.lookup(k) if schema is not None else (None, None)
        cur = out.get(k)
        if v is None:
            out.pop(k, None)
        elif isinstance(cur, dict) and isinstance(v, dict) and k not in fieldset._ATOMIC_FIELDS:
            out[k] = _merge_map(cur, v, sub)
        elif isinstance(cur, list) and isinstance(v, list) and meta is not None:
            lt = list_type(schema, k, meta)
            out[k] = _merge_list(cur, v, lt, sub) if lt.kind != "atomic" else clone(v)
        else:
            out[k] = clone(v)
    return out


def _merge_list(live: list[Any], config: list[Any], lt: ListType, sub: Schema | None) -> list[Any]:
    applied = {item_element(lt, i, v): v for i, v in enumerate(config)}
    seen = set()
    out = []
    for i, item in enumerate(live):
        el = item_element(lt, i, item)
        seen.add(el)
        if el in applied:
            new = applied[el]
            out.append(_merge_map(item, new, sub) if isinstance(item, dict) and isinstance(
                new, dict) else clone(new))
        else:
            out.append(item)
    out += [clone(v) for el, v in applied.items() if el not in seen]
    return out


# ---- removing what the applier dropped -----------------------------------------------------

def _prune(obj: dict[str, Any], dropped: Node, keep: Node, schema: Schema | None) -> None:
    """Remove from `obj` every path of `dropped` that nobody in `keep` owns (or owns below)."""
    for el, node in dropped.items():
        if el == MEMBER or not el.startswith("f:"):
            continue
        field = el[2:]
        if field not in obj:
            continue
        kept = keep.get(el)
        if MEMBER in node and not kept:
            del obj[field]
            continue
        sub, meta = schema.lookup(field) if schema is not None else (None, None)
        value = obj[field]
        if isinstance(value, dict):
            obj[field] = value = dict(value)  # nested maps may still be the live object's
            _prune(value, node, kept or {}, sub)
        elif isinstance(value, list) and meta is not None:
            obj[field] = _prune_list(value, node, kept or {}, list_type(schema, field, meta), sub)


def _prune_list(items: list[Any], dropped: Node, keep: Node, lt: ListType,
                sub: Schema | None) -> list[Any]:
    out = []
    for i, item in enumerate(items):
        el = item_element(lt, i, item)
        node = dropped.get(el)
        if node is None:
            out.append(item)
            continue
        kept = keep.get(el)
        if MEMBER in node and not kept:
            continue
        if isinstance(item, dict):
            item = dict(item)
            _prune(item, node, kept or {}, sub)
        out.append(item)
    return out
