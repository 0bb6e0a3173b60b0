"""ControllerRevisions of a DaemonSet (pkg/controller/daemon/update.go constructHistory,
cleanupHistory, dedupCurHistories).

`construct_history` finds the revision whose data equals the DaemonSet's current template
patch, or creates `<ds>-<hash>` (labels: the template's plus `controller-revision-hash`,
annotations: the DaemonSet's, revision: max + 1); a matching older revision is renumbered
max + 1 (that is how `rollout undo` becomes the newest). `cleanup_history` keeps at most
`revisionHistoryLimit` old revisions that no live pod still uses. The revision object and
the steps a StatefulSet shares come from api/revisions.py. Called by
controllers/daemonset.py; kubectl reads the same objects through api/rollback_daemon.py.
"""

from __future__ import annotations

from kubenb.api import revisions
from kubenb.api.errors import AlreadyExists
from kubenb.api.hashing import pod_template_hash
from kubenb.api.objects import Obj, clone
from kubenb.api.revisions import delete_revisions, revision_number
from kubenb.api.rollback_daemon import controlled_revisions, revision_patch
from kubenb.api.store import Store
from kubenb.controllers.daemonset_util import REVISION_HASH_LABEL


def construct_history(store: Store, ds: Obj) -> tuple[Obj, list[Obj]]:
    """(current revision, old revisions), creating or renumbering the current one."""
    patch = revision_patch(ds)
    owned = controlled_revisions(store, ds)
    max_rev = max((revision_number(r) for r in owned), default=0)
    equal = [r for r in owned if r.get("data") == patch]
    old = [r for r in owned if r.get("data") != patch]
    if equal:
        current = equal[-1]
        delete_revisions(store, equal[:-1])  # dedupCurHistories
        if revision_number(current) < max_rev:
            renumbered = clone(current)
            renumbered["revision"] = max_rev + 1
            current = store.update(renumbered)
        return current, old
    collisions = int((ds.get("status") or {}).get("collisionCount") or 0)
    template = ds["spec"].get("template") or {}
    while True:
        rev_hash = pod_template_hash(template, collisions or None)
        revision = revisions.new_revision(ds, clone(patch), rev_hash, max_rev + 1, REVISION_HASH_LABEL)
        try:
            return store.create(revision, adopt=True), old
        except AlreadyExists:
            existing = store.get("ControllerRevision", ds["metadata"]["namespace"], revision["metadata"]["name"])
            if existing.get("data") == patch and (existing["metadata"].get("ownerReferences") or [{}])[0].get(
                    "uid") == ds["metadata"]["uid"]:
                return existing, old
            collisions += 1  # a hash collision: bump status.collisionCount and hash again
            new = clone(ds)
            new.setdefault("status", {})["collisionCount"] = collisions
            ds = store.update(new, subresource="status")


def cleanup_history(store: Store, ds: Obj, current: Obj, old: list[Obj],
                    by_node: dict[str, list[Obj]]) -> None:
    """cleanupHistory: delete the oldest revisions beyond `revisionHistoryLimit` that no
    live pod still runs."""
    limit = revisions.history_limit(ds)
    if len(old) <= limit:
        return
    live = {(p["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL)
            for pods in by_node.values() for p in pods}
    unused = sorted((r for r in old
                     if (r["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL) not in live),
                    key=revision_number)
    delete_revisions(store, unused[:len(old) - limit])
