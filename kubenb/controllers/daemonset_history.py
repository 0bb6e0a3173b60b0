"""ControllerRevisions of a DaemonSet (pkg/controller/daemon/update.go constructHistory,
cleanupHistory, dedupCurHistories).

`construct_history` finds the revision whose data equals the DaemonSet's current template
patch, or creates `<ds>-<hash>` (labels: the template's plus `controller-revision-hash`,
annotations: the DaemonSet's, revision: max + 1); a matching older revision is renumbered
max + 1 (that is how `rollout undo` becomes the newest). `cleanup_history` keeps at most
`revisionHistoryLimit` old revisions that no live pod still uses. Called by
controllers/daemonset.py; kubectl reads the same objects through api/rollback_daemon.py.
"""

from __future__ import annotations

from kubenb.api.errors import AlreadyExists, NotFound
from kubenb.api.hashing import pod_template_hash
from kubenb.api.objects import Obj, clone
from kubenb.api.pods import controller_ref
from kubenb.api.rollback_daemon import controlled_revisions, revision_patch
from kubenb.api.store import Store
from kubenb.controllers.daemonset_util import REVISION_HASH_LABEL

NAME_PREFIX_MAX = 223  # ControllerRevisionName keeps the prefix short enough for the hash


def _revision(r: Obj) -> int:
    return int(r.get("revision") or 0)


def construct_history(store: Store, ds: Obj) -> tuple[Obj, list[Obj]]:
    """(current revision, old revisions), creating or renumbering the current one."""
    patch = revision_patch(ds)
    revisions = controlled_revisions(store, ds)
    max_rev = max((_revision(r) for r in revisions), default=0)
    equal = [r for r in revisions if r.get("data") == patch]
    old = [r for r in revisions if r.get("data") != patch]
    if equal:
        current = equal[-1]
        for dup in equal[:-1]:  # dedupCurHistories
            try:
                store.delete("ControllerRevision", dup["metadata"]["namespace"], dup["metadata"]["name"])
            except NotFound:
                pass
        if _revision(current) < max_rev:
            renumbered = clone(current)
            renumbered["revision"] = max_rev + 1
            current = store.update(renumbered)
        return current, old
    collisions = int((ds.get("status") or {}).get("collisionCount") or 0)
    template = ds["spec"].get("template") or {}
    while True:
        rev_hash = pod_template_hash(template, collisions or None)
        name = f"{ds['metadata']['name'][:NAME_PREFIX_MAX]}-{rev_hash}"
        labels = {**((template.get("metadata") or {}).get("labels") or {}), REVISION_HASH_LABEL: rev_hash}
        meta: Obj = {"name": name, "namespace": ds["metadata"]["namespace"], "labels": labels,
                     "ownerReferences": [controller_ref(ds)]}
        if ds["metadata"].get("annotations"):
            meta["annotations"] = dict(ds["metadata"]["annotations"])
        revision = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
                    "data": clone(patch), "revision": max_rev + 1}
        try:
            return store.create(revision, adopt=True), old
        except AlreadyExists:
            existing = store.get("ControllerRevision", ds["metadata"]["namespace"], name)
            if existing.get("data") == patch and (existing["metadata"].get("ownerReferences") or [{}])[0].get(
                    "uid") == ds["metadata"]["uid"]:
                return existing, old
            collisions += 1  # a hash collision: bump status.collisionCount and hash again
            new = clone(ds)
            new.setdefault("status", {})["collisionCount"] = collisions
            ds = store.update(new, subresource="status")


def cleanup_history(store: Store, ds: Obj, current: Obj, old: list[Obj],
                    by_node: dict[str, list[Obj]]) -> None:
    limit = int(ds["spec"].get("revisionHistoryLimit", 10) or 0)
    if len(old) <= limit:
        return
    live = {(p["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL)
            for pods in by_node.values() for p in pods}
    unused = sorted((r for r in old
                     if (r["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL) not in live),
                    key=_revision)
    for r in unused[:len(old) - limit]:
        try:
            store.delete("ControllerRevision", r["metadata"]["namespace"], r["metadata"]["name"])
        except NotFound:
            pass
