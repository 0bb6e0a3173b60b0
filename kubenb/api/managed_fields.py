"""`metadata.managedFields`: which manager owns which field, kept on every tracked write.

The store calls `track` for a create or update that names a manager (`Manager`): the
write's comparison with the old object (`fieldset.compare`) moves the added and modified
fields to the writer's `Update` entry (manager, apiVersion, subresource) and takes them, and
every removed field, from the other entries (ownership changes hands, as kube-apiserver's
fieldmanager does with force for updates). `apply` is server-side apply: the configuration is
merged onto the live object (`ssa_merge`), fields the applier owned before and no longer
names are removed unless another manager owns them, and a field another manager owns whose
value would change is a conflict (409, `FieldManagerConflict` causes) unless forced, which
moves the field to the applier. Entries with nothing left are dropped; a manager's time moves
only when its set changes (second resolution), so a write that changes nothing stays a no-op.

Writes without a manager come from kubenb's own components calling the store. Their updates
of an object that already has managedFields (one a client wrote) are tracked under the
component upstream would name (`internal_writer`: `kubelet` for pod and node status,
`kube-controller-manager` otherwise); what they create, and their updates of objects no
client wrote, carry no managedFields (the cost stays off the control plane's hot paths:
pods of ReplicaSets, their status, Events, Leases).
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from typing import Any

from kubenb.api import fieldset
from kubenb.api.errors import ApiError
from kubenb.api.fieldset import Node

FIELDS_TYPE = "FieldsV1"
# metadata the fieldmanager never tracks (its stripMeta set), and apiVersion/kind
_STRIPPED: Node = fieldset.decode({
    "f:apiVersion": {}, "f:kind": {},
    "f:metadata": {".": {}, "f:name": {}, "f:namespace": {}, "f:creationTimestamp": {},
                   "f:selfLink": {}, "f:uid": {}, "f:generation": {}, "f:managedFields": {},
                   "f:resourceVersion": {}, "f:deletionTimestamp": {},
                   "f:deletionGracePeriodSeconds": {}},
})
_STATUS: Node = {"f:status": {fieldset.MEMBER: {}}}


@dataclass(frozen=True)
class Manager:
    """Who writes: the field manager's name, the subresource (`status`, `scale`, or "")."""

    name: str
    subresource: str = ""
    operation: str = "Update"
    precomputed: bool = False  # apply: managedFields were computed before the write


class ApplyConflict(ApiError):
    code, reason = 409, "Conflict"

    def __init__(self, conflicts: list[tuple[dict[str, Any], tuple[str, ...]]]) -> None:
        super().__init__(_conflict_message(conflicts))
        self.details = {"causes": [
            {"reason": "FieldManagerConflict", "message": f"conflict with {_who(e)}",
             "field": fieldset.path_string(p)} for e, p in conflicts]}


def _who(entry: dict[str, Any]) -> str:
    out = json.dumps(entry.get("manager", ""))
    if entry.get("subresource"):
        out += f" with subresource {json.dumps(entry['subresource'])}"
    if entry.get("operation") == "Update":
        out += f" using {entry.get('apiVersion', '')}"
    return out


def _conflict_message(conflicts: list[tuple[dict[str, Any], tuple[str, ...]]]) -> str:
    if len(conflicts) == 1:
        e, p = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {_who(e)}: {fieldset.path_string(p)}"
    grouped: dict[str, list[str]] = {}
    for e, p in conflicts:
        grouped.setdefault(_who(e), []).append(fieldset.path_string(p))
    lines: list[str] = []
    for who in sorted(grouped):
        lines.append(f"conflicts with {who}:")
        lines += [f"- {p}" for p in grouped[who]]
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)


def entry_key(e: dict[str, Any]) -> tuple[str, str, str, str]:
    """An entry's identity: appliers are one entry whatever their apiVersion."""
    version = "" if e.get("operation") == "Apply" else e.get("apiVersion", "")
    return (e.get("manager", ""), e.get("operation", ""), version, e.get("subresource", ""))


def _sort_key(e: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (e.get("operation", ""), e.get("time", ""), e.get("manager", ""),
            e.get("apiVersion", ""), e.get("subresource", ""))


_DECODED: dict[int, tuple[dict[str, Any], Node]] = {}  # id(fieldsV1) → (it, its set)


def _decoded(fields: dict[str, Any]) -> Node:
    """The set of a stored entry's fieldsV1, decoded once (stored objects never change)."""
    hit = _DECODED.get(id(fields))
    if hit is not None and hit[0] is fields:
        return hit[1]
    tree = fieldset.decode(fields)
    _remember(fields, tree)
    return tree


def _remember(wire: dict[str, Any], tree: Node) -> None:
    if len(_DECODED) >= 4096:
        _DECODED.clear()
    _DECODED[id(wire)] = (wire, tree)


class Managers:
    """An object's entries by identity; sets are decoded when needed, and only the entries
    a write changes are written anew (the others are the stored dicts, as they were)."""

    def __init__(self, entries: list[dict[str, Any]] | None) -> None:
        self.raw: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self.sets: dict[tuple[str, str, str, str], Node] = {}
        self.heads: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self.touched: set[tuple[str, str, str, str]] = set()  # the writer's: time moves
        for e in entries or ():
            if isinstance(e, dict) and e.get("operation"):  # `[{}]` clears them, as upstream
                self.raw[entry_key(e)] = e

    def owners(self) -> list[tuple[str, str, str, str]]:
        return list(self.raw.keys() | self.sets.keys())

    def set_of(self, key: tuple[str, str, str, str]) -> Node:
        if key in self.sets:
            return self.sets[key]
        raw = self.raw.get(key)
        return _decoded(raw.get("fieldsV1") or {}) if raw is not None else {}

    def head_of(self, key: tuple[str, str, str, str]) -> dict[str, Any]:
        if key in self.heads:
            return self.heads[key]
        return {k: v for k, v in self.raw[key].items() if k not in ("fieldsType", "fieldsV1")}

    def put(self, key: tuple[str, str, str, str], head: dict[str, Any], fields: Node) -> None:
        if key in self.raw and self.set_of(key) == fields:
            return
        self.touched.add(key)
        self.sets[key], self.heads[key] = fields, head

    def take(self, key: tuple[str, str, str, str], fields: Node) -> None:
        """Remove `fields` from every manager but `key`."""
        if not fields:
            return
        for other in self.owners():
            if other == key:
                continue
            owned = self.set_of(other)
            if not fields.keys() & owned.keys():
                continue
            left = fieldset.difference(owned, fields)
            if left != owned:
                self.sets[other] = left

    def entries(self, now: str) -> list[dict[str, Any]]:
        out = []
        for key in self.owners():
            if key not in self.sets:
                out.append(self.raw[key])
                continue
            fields = self.sets[key]
            if not fields:
                continue
            entry = self.head_of(key)
            if key in self.touched or "time" not in entry:
                entry = {**entry, "time": now}
            ordered = {k: entry[k] for k in ("manager", "operation", "apiVersion", "time")
                       if k in entry}
            ordered["fieldsType"] = FIELDS_TYPE
            ordered["fieldsV1"] = wire = fieldset.encode(fields)
            _remember(wire, fields)
            if entry.get("subresource"):
                ordered["subresource"] = entry["subresource"]
            out.append(ordered)
        out.sort(key=_sort_key)
        return out


def internal_writer(kind: str, subresource: str | None) -> Manager:
    """The manager upstream's own component would send for an untagged store write."""
    if subresource == "status" and kind in ("Pod", "Node"):
        return Manager("kubelet", "status")
    return Manager("kube-controller-manager", subresource or "")


def head_of(m: Manager, api_version: str) -> dict[str, Any]:
    head = {"manager": m.name, "operation": m.operation, "apiVersion": api_version}
    if m.subresource:
        head["subresource"] = m.subresource
    return head


def track(old: dict[str, Any] | None, new: dict[str, Any], m: Manager, api_version: str,
          has_status: bool, now: str, sent: Any = None) -> None:
    """Set `new`'s managedFields after a write by `m` (old None: a create). `sent`: the
    entries the request carried; different from the stored ones, they are the writer's
    new start (kubectl's migration to server-side apply sends them so); an apply brings
    them computed (`m.precomputed`)."""
    meta = new["metadata"]
    if m.precomputed:
        if sent:
            meta["managedFields"] = sent
        return
    had = (old or {}).get("metadata", {}).get("managedFields")
    managers = Managers(sent if isinstance(sent, list) and sent and sent != had else had)
    c = fieldset.compare(old, new, new["kind"])
    if had is not None and not (c.added or c.modified or c.removed) and sent in (None, had):
        meta["managedFields"] = had  # nothing changed: nobody's fields move
        return
    ignored = ignored_fields(has_status, m.subresource)
    written = fieldset.difference(fieldset.union(c.added, c.modified), ignored)
    removed = fieldset.difference(c.removed, ignored)
    if m.subresource == "status":  # a status write owns nothing outside status
        written = only_status(written)
        removed = only_status(removed)
    key = entry_key(head_of(m, api_version))
    managers.take(key, fieldset.union(written, removed))
    mine = fieldset.union(fieldset.difference(managers.set_of(key), removed), written)
    managers.put(key, head_of(m, api_version), mine)
    entries = managers.entries(now)
    if entries:
        meta["managedFields"] = entries
    else:
        meta.pop("managedFields", None)
    if had is not None and len(had) == len(entries) and all(map(operator.is_, had, entries)):
        meta["managedFields"] = had  # every entry as stored: the write stays a no-op for them


def only_status(tree: Node) -> Node:
    return {k: v for k, v in tree.items() if k == "f:status"}


def ignored_fields(has_status: bool, subresource: str) -> Node:
    """What a write of the main resource or of a subresource never owns."""
    if not has_status or subresource == "status":
        return _STRIPPED
    return fieldset.union(_STRIPPED, _STATUS)
