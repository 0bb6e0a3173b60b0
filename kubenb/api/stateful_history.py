"""ControllerRevisions of a StatefulSet: the `web-<hash>` objects behind rollout history.

The statefulset controller snapshots `spec.template` into a ControllerRevision
(pkg/controller/statefulset `newRevision`, `getPatch`; pkg/controller/history): `data` is
the strategic merge patch `{"spec": {"template": {..., "$patch": "replace"}}}`, the name is
`<set>-<hash>`, the labels are the template's plus `controller.kubernetes.io/hash`, the
annotations are the set's (so `kubernetes.io/change-cause` shows in `rollout history`),
and `revision` counts up. kubectl's `rollout history|undo statefulset` read the same
objects (polymorphichelpers history.go / rollback.go `StatefulSetRollbacker`): undo
applies the chosen revision's `data` to the set as a strategic merge patch.

Used by `kubenb.controllers.statefulset` (through the store) and by kubectl's rollout
commands (through a client); `ApiLike` from kubenb.api.rollback covers both.

Deviation: Go hashes the bytes of its own JSON encoding with FNV-1 32; we hash our
canonical JSON text of the same patch, so names keep their shape (`web-` + up to 10 of
`bcdf…`) and behaviour (same template, same name) but differ from a real cluster's.
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api.hashing import safe_encode_string
from kubenb.api.objects import Obj, clone
from kubenb.api.pods import controller_ref, owner_of
from kubenb.api.rollback import ApiLike, RollbackError, revision_not_found
from kubenb.api.selectors import from_label_selector
from kubenb.api.store import Store
from kubenb.api.validation_meta import normalise

HASH_LABEL = "controller.kubernetes.io/hash"
REVISION_LABEL = "controller-revision-hash"
_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def fnv32(data: bytes) -> int:
    """32-bit FNV-1 (Go's hash/fnv New32: multiply, then xor)."""
    h = _FNV32_OFFSET
    for byte in data:
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
        h ^= byte
    return h


def revision_data(sts: Obj) -> Obj:
    """getPatch: the set's template as a replacing strategic merge patch."""
    template = clone((sts.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def _text(data: Any) -> bytes:
    return json.dumps(normalise(data), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def revision_hash(data: Obj, collision_count: int | None) -> str:
    """HashControllerRevision: FNV-1 of the data, then the collision count in decimal."""
    raw = _text(data)
    if collision_count is not None:
        raw += str(collision_count).encode("ascii")
    return safe_encode_string(str(fnv32(raw)))


def revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: the prefix cut to 223 characters, a dash, the hash."""
    return f"{prefix[:223]}-{hash_}"


def new_revision(sts: Obj, revision: int, collision_count: int) -> Obj:
    """newRevision: the ControllerRevision object for the set's current template."""
    meta = sts["metadata"]
    data = revision_data(sts)
    hash_ = revision_hash(data, collision_count)
    tmeta = ((sts.get("spec") or {}).get("template") or {}).get("metadata") or {}
    rmeta: Obj = {
        "name": revision_name(meta["name"], hash_),
        "namespace": meta.get("namespace") or "default",
        "labels": {**(tmeta.get("labels") or {}), HASH_LABEL: hash_},
        "ownerReferences": [controller_ref(sts)],
    }
    if meta.get("annotations"):
        rmeta["annotations"] = dict(meta["annotations"])
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": rmeta,
            "data": data, "revision": revision}


def equal_revisions(a: Obj, b: Obj) -> bool:
    """history.EqualRevision: the same data (null, {} and [] count as unset)."""
    return _text(a.get("data")) == _text(b.get("data"))


def _list(source: Store | ApiLike, namespace: str, selector: str | None = None) -> list[Obj]:
    if isinstance(source, Store):
        return list(source.list("ControllerRevision", namespace, label_selector=selector))
    items, _ = source.list("ControllerRevision", namespace, label_selector=selector)
    return items


def owned_revisions(source: Store | ApiLike, sts: Obj) -> list[Obj]:
    """The set's ControllerRevisions (selector match and controller ref), by revision."""
    meta = sts["metadata"]
    selector = from_label_selector((sts.get("spec") or {}).get("selector"))
    out = [r for r in _list(source, meta.get("namespace") or "default")
           if selector.matches(r["metadata"].get("labels") or {})
           and (owner_of(r) or {}).get("uid") == meta.get("uid")]
    out.sort(key=lambda r: (int(r.get("revision") or 0), r["metadata"]["name"]))
    return out


# ---- kubectl: rollout history / undo for StatefulSets ----------------------------------

def history(source: Store | ApiLike, sts: Obj) -> list[tuple[int, str, Obj]]:
    """printHistory's view: (revision, change-cause, ControllerRevision), ascending; a later
    revision object with the same number wins."""
    by_rev: dict[int, Obj] = {}
    for r in owned_revisions(source, sts):
        by_rev[int(r.get("revision") or 0)] = r
    return [(rev, (by_rev[rev]["metadata"].get("annotations") or {}).get("kubernetes.io/change-cause", ""),
             by_rev[rev]) for rev in sorted(by_rev)]


def template_of(revision: Obj) -> Obj:
    """applyStatefulSetHistory's result: the pod template the revision holds."""
    template = clone((((revision.get("data") or {}).get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    return template


def rollback(source: Store | ApiLike, sts: Obj, to_revision: int = 0) -> tuple[str, Obj | None]:
    """StatefulSetRollbacker: ("rolled back", patch) or ("skipped rollback (…)", None).

    The caller applies the patch (a strategic merge patch) to the set. Raises RollbackError
    with kubectl's words."""
    if to_revision < 0:
        raise revision_not_found(to_revision)
    revisions = owned_revisions(source, sts)
    if len(revisions) <= 1:
        raise RollbackError("no last revision to roll back to")
    if to_revision == 0:
        chosen: Obj | None = revisions[-2]
    else:
        chosen = next((r for r in revisions if int(r.get("revision") or 0) == to_revision), None)
    if chosen is None:
        raise revision_not_found(to_revision)
    if _text(revision_data(sts)) == _text(chosen.get("data")):
        return f"skipped rollback (current template already matches revision {to_revision})", None
    return "rolled back", clone(chosen.get("data") or {})
