"""ControllerRevisions: the snapshots of a pod template behind `rollout history|undo`.

DaemonSets and StatefulSets (pkg/controller/history, daemon/update.go, statefulset
`newRevision`) keep each template they ran as a ControllerRevision `<owner>-<hash>`: `data`
is the patch that restores it (`{"spec": {"template": {..., "$patch": "replace"}}}`, getPatch),
the labels are the template's plus the owner's hash label, the annotations the owner's, and
`revision` counts up. This module holds what both owners do the same way: the patch, the
object, finding the revisions an owner controls, the history kubectl prints, choosing the
revision to roll back to and deleting trimmed revisions. What differs stays with each owner:
the hash (a DaemonSet hashes its template like a Deployment, a StatefulSet hashes the patch,
`revision_hash` here), the hash label, when a revision counts as the current one, and which
revisions history trimming may delete. Used by api/rollback_daemon.py,
controllers/daemonset_history.py, api/stateful_history.py and controllers/statefulset.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from kubenb.api.errors import NotFound
from kubenb.api.hashing import fnv32, safe_encode_string
from kubenb.api.objects import Obj, clone
from kubenb.api.pods import controller_ref, owner_of
from kubenb.api.rollback import CHANGE_CAUSE, ApiLike, RollbackError, revision_not_found
from kubenb.api.selectors import from_label_selector
from kubenb.api.store import Store
from kubenb.api.validation_meta import normalise

NAME_PREFIX_MAX = 223  # ControllerRevisionName keeps the prefix short enough for the hash


def revision_number(revision: Obj) -> int:
    """The revision's `revision` (0 when unset)."""
    return int(revision.get("revision") or 0)


def template_patch(owner: Obj) -> Obj:
    """getPatch: the owner's pod template as a replacing strategic merge patch."""
    template = clone((owner.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def revision_template(revision: Obj) -> Obj:
    """The pod template a ControllerRevision restores (a copy, without `$patch`)."""
    template = clone((((revision.get("data") or {}).get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    return template


def canonical_bytes(data: Any) -> bytes:
    """Our canonical JSON of revision data (nulls, {} and [] dropped, keys sorted)."""
    return json.dumps(normalise(data), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def revision_hash(data: Obj, collision_count: int | None) -> str:
    """HashControllerRevision: FNV-1 of the data, then the collision count in decimal.

    Deviation: Go hashes the bytes of its own JSON encoding; we hash `canonical_bytes`, so
    names keep their shape and behaviour (same data, same name) but differ from a real
    cluster's."""
    raw = canonical_bytes(data)
    if collision_count is not None:
        raw += str(collision_count).encode("ascii")
    return safe_encode_string(str(fnv32(raw)))


def revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: the prefix cut to 223 characters, a dash, the hash."""
    return f"{prefix[:NAME_PREFIX_MAX]}-{hash_}"


def new_revision(owner: Obj, data: Obj, hash_: str, number: int, hash_label: str) -> Obj:
    """The ControllerRevision `<owner>-<hash>` holding `data`, controlled by `owner`."""
    meta = owner["metadata"]
    tmeta = ((owner.get("spec") or {}).get("template") or {}).get("metadata") or {}
    rmeta: Obj = {
        "name": revision_name(meta["name"], hash_),
        "namespace": meta.get("namespace") or "default",
        "labels": {**(tmeta.get("labels") or {}), hash_label: hash_},
        "ownerReferences": [controller_ref(owner)],
    }
    if meta.get("annotations"):
        rmeta["annotations"] = dict(meta["annotations"])
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": rmeta,
            "data": data, "revision": number}


def _list(source: Store | ApiLike, namespace: str) -> list[Obj]:
    if isinstance(source, Store):
        return list(source.list("ControllerRevision", namespace))
    items, _ = source.list("ControllerRevision", namespace)
    return items


def owned_revisions(
    source: Store | ApiLike, owner: Obj, key: Callable[[Obj], Any] = revision_number,
) -> list[Obj]:
    """The ControllerRevisions the owner selects and controls, sorted by `key` (stable)."""
    meta = owner["metadata"]
    selector = from_label_selector((owner.get("spec") or {}).get("selector"))
    found = [r for r in _list(source, meta.get("namespace") or "default")
             if (owner_of(r) or {}).get("uid") == meta.get("uid")
             and selector.matches(r["metadata"].get("labels") or {})]
    return sorted(found, key=key)


def history(revisions: Iterable[Obj]) -> list[tuple[int, str, Obj]]:
    """printHistory's view: (revision, change-cause, ControllerRevision) by ascending
    revision; of two revisions with the same number, the later one wins."""
    by_number = {revision_number(r): r for r in revisions}
    return [(n, (by_number[n]["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, ""), by_number[n])
            for n in sorted(by_number)]


def choose_revision(revisions: list[Obj], to_revision: int) -> Obj:
    """The revision to roll back to: 0 is the one before the newest, else that number.
    Raises RollbackError in kubectl's words when there is none."""
    if to_revision == 0:
        if len(revisions) <= 1:
            raise RollbackError("no last revision to roll back to")
        return revisions[-2]
    chosen = next((r for r in revisions if revision_number(r) == to_revision), None)
    if chosen is None:
        raise revision_not_found(to_revision)
    return chosen


def history_limit(owner: Obj) -> int:
    """`spec.revisionHistoryLimit`, 10 when unset."""
    return int(owner["spec"].get("revisionHistoryLimit", 10) or 0)


def delete_revisions(store: Store, revisions: Iterable[Obj]) -> None:
    """Delete the revisions; one already gone is fine."""
    for r in revisions:
        try:
            store.delete("ControllerRevision", r["metadata"]["namespace"], r["metadata"]["name"])
        except NotFound:
            pass
