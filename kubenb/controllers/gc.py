"""The garbage collector: cascading deletion through ownerReferences.

Watches every kind (except Events), custom resources' kinds as they come. An object's own key is queued when it appears or its
ownerReferences, finalizers or deletionTimestamp change (as upstream's graph builder, an
update that leaves those alone — a heartbeat, a lease renewal — queues nothing); when it is
deleted its dependents are queued (store.dependents(uid)); when a dependent changes so or
goes, its owners are queued (they may be waiting for it). `reconcile(key)` then does
one of three things, as kube-controller-manager's garbage collector does:

- background: an object whose every owner is gone (no object of that kind, namespace and
  name, or one with another uid) is deleted; owners that are gone are pruned from the
  references of an object that still has a live owner;
- foreground: an owner being deleted with the `foregroundDeletion` finalizer has its
  blocking dependents (`blockOwnerDeletion: true`) deleted, and loses the finalizer once
  none remain — only then does the store remove it;
- orphan: an owner being deleted with the `orphan` finalizer has its references stripped
  from its dependents, then loses the finalizer.

Pods deleted this way go through the normal graceful deletion (the kubelet finishes it).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from typing import Any

from kubenb.api.errors import Conflict, NotFound
from kubenb.api.objects import Key, WatchEvent, clone, key_of
from kubenb.api.registry import UnknownResource
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch

log = logging.getLogger("kubenb.controllers.gc")

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"


class GarbageCollector(Controller):
    name = "garbage-collector-controller"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._seen: dict[str, tuple[Any, ...]] = {}  # uid -> what the collector looks at

    def watches(self) -> list[Watch]:
        return [Watch(rt.kind, self._keys) for rt in self.store.registry if rt.kind != "Event"]

    def watch_new_kind(self, kind: str) -> Watch:
        """A kind served later (a CustomResourceDefinition's) is watched as well."""
        return Watch(kind, self._keys)

    def _keys(self, event: WatchEvent) -> list[Hashable]:
        obj = event["object"]
        meta = obj["metadata"]
        keys: list[Hashable] = []
        if event["type"] == "DELETED":
            self._seen.pop(meta.get("uid", ""), None)
            keys += [key_of(d) for d in self.store.dependents(meta["uid"])]
        else:
            seen = (clone(meta.get("ownerReferences")), clone(meta.get("finalizers")),
                    meta.get("deletionTimestamp"))
            if event["type"] == "MODIFIED" and self._seen.get(meta.get("uid", "")) == seen:
                return []
            self._seen[meta.get("uid", "")] = seen
            keys.append(key_of(obj))
        keys += self._owner_keys(obj)
        return keys

    def _owner_keys(self, obj: dict[str, Any]) -> list[Key]:
        ns = obj["metadata"].get("namespace") or ""
        out = []
        for ref in obj["metadata"].get("ownerReferences") or []:
            try:
                rt = self.store.registry.by_kind(ref.get("kind", ""))
            except UnknownResource:
                continue
            out.append(Key(rt.kind, ns if rt.namespaced else "", ref.get("name", "")))
        return out

    # ---- reconcile ---------------------------------------------------------------------

    def reconcile(self, key: Key) -> float | None:
        obj = self.store.try_get(key.kind, key.namespace or None, key.name)
        if obj is None:
            return None
        meta = obj["metadata"]
        finalizers = meta.get("finalizers") or []
        if meta.get("deletionTimestamp"):
            if ORPHAN in finalizers:
                self._orphan_dependents(obj)
            elif FOREGROUND in finalizers:
                self._delete_dependents(obj)
            return None  # being deleted already: its owners no longer matter
        if meta.get("ownerReferences"):
            self._attempt_to_delete(obj)
        return None

    def _owner_state(self, obj: dict[str, Any], ref: dict[str, Any]) -> str:
        """'solid', 'dangling' (gone or another uid) or 'waiting' (deleting in foreground)."""
        try:
            rt = self.store.registry.by_kind(ref.get("kind", ""))
        except UnknownResource:
            return "solid"  # cannot tell: never delete on a guess
        ns = obj["metadata"].get("namespace") if rt.namespaced else None
        owner = self.store.try_get(rt.kind, ns, ref.get("name", ""))
        if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
            return "dangling"
        ometa = owner["metadata"]
        if ometa.get("deletionTimestamp") and FOREGROUND in (ometa.get("finalizers") or []):
            return "waiting"
        return "solid"

    def _attempt_to_delete(self, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        if meta.get("deletionTimestamp"):
            return  # being deleted (gracefully, or in the foreground on its own)
        states = {ref.get("uid"): self._owner_state(obj, ref)
                  for ref in meta.get("ownerReferences") or []}
        if "solid" in states.values():
            gone = {uid for uid, s in states.items() if s != "solid"}
            if gone:
                self._strip_refs(obj, gone)
            return
        finalizers = meta.get("finalizers") or []
        if ORPHAN in finalizers:
            policy = "Orphan"
        elif FOREGROUND in finalizers or (
            "waiting" in states.values() and self.store.dependents(meta["uid"])
        ):
            policy = "Foreground"
        else:
            policy = "Background"
        log.info("deleting %s %s/%s (%s): its owners are gone", obj["kind"],
                 meta.get("namespace", ""), meta["name"], policy)
        try:
            self.store.delete(obj["kind"], meta.get("namespace") or None, meta["name"],
                              propagation=policy, uid=meta["uid"])  # type: ignore[arg-type]
        except (NotFound, Conflict):
            pass  # gone already, or replaced by a new object of the same name

    def _delete_dependents(self, owner: dict[str, Any]) -> None:
        uid = owner["metadata"]["uid"]
        blocking = [
            d for d in self.store.dependents(uid)
            if any(r.get("uid") == uid and r.get("blockOwnerDeletion")
                   for r in d["metadata"].get("ownerReferences") or [])
        ]
        if not blocking:
            self._remove_finalizer(owner, FOREGROUND)
            return
        for dep in blocking:
            self._attempt_to_delete(dep)

    def _orphan_dependents(self, owner: dict[str, Any]) -> None:
        uid = owner["metadata"]["uid"]
        for dep in self.store.dependents(uid):
            self._strip_refs(dep, {uid})
        self._remove_finalizer(owner, ORPHAN)

    def _strip_refs(self, obj: dict[str, Any], uids: set[Any]) -> None:
        new = clone(obj)
        refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") not in uids]
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        try:
            self.store.update(new)
        except NotFound:
            pass

    def _remove_finalizer(self, obj: dict[str, Any], finalizer: str) -> None:
        new = clone(obj)
        rest = [f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
        if rest:
            new["metadata"]["finalizers"] = rest
        else:
            new["metadata"].pop("finalizers", None)
        self.store.update(new)
