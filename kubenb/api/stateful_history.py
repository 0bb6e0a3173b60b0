"""ControllerRevisions of a StatefulSet: the `web-<hash>` objects behind rollout history.

The statefulset controller snapshots `spec.template` into a ControllerRevision
(pkg/controller/statefulset `newRevision`, `getPatch`; pkg/controller/history): `data` is
the strategic merge patch `{"spec": {"template": {..., "$patch": "replace"}}}`, the name is
`<set>-<hash>` (the hash of that patch, `revisions.revision_hash`), the labels are the
template's plus `controller.kubernetes.io/hash`, the annotations are the set's (so
`kubernetes.io/change-cause` shows in `rollout history`), and `revision` counts up.
kubectl's `rollout history|undo statefulset` read the same objects (polymorphichelpers
history.go / rollback.go `StatefulSetRollbacker`): undo applies the chosen revision's
`data` to the set as a strategic merge patch. What a DaemonSet does the same way lives in
kubenb.api.revisions.

Used by `kubenb.controllers.statefulset` (through the store) and by kubectl's rollout
commands (through a client); `ApiLike` from kubenb.api.rollback covers both.
"""

from __future__ import annotations

from kubenb.api import revisions
from kubenb.api.objects import Obj, clone
from kubenb.api.revisions import canonical_bytes, revision_template, template_patch
from kubenb.api.rollback import ApiLike, RollbackError, revision_not_found
from kubenb.api.store import Store

HASH_LABEL = "controller.kubernetes.io/hash"
REVISION_LABEL = "controller-revision-hash"

#: applyStatefulSetHistory's result: the pod template the revision holds.
template_of = revision_template


def new_revision(sts: Obj, revision: int, collision_count: int) -> Obj:
    """newRevision: the ControllerRevision object for the set's current template."""
    data = template_patch(sts)
    return revisions.new_revision(sts, data, revisions.revision_hash(data, collision_count),
                                  revision, HASH_LABEL)


def equal_revisions(a: Obj, b: Obj) -> bool:
    """history.EqualRevision: the same data (null, {} and [] count as unset)."""
    return canonical_bytes(a.get("data")) == canonical_bytes(b.get("data"))


def _by_number_then_name(r: Obj) -> tuple[int, str]:
    return revisions.revision_number(r), r["metadata"]["name"]


def owned_revisions(source: Store | ApiLike, sts: Obj) -> list[Obj]:
    """The set's ControllerRevisions (selector match and controller ref), by revision."""
    return revisions.owned_revisions(source, sts, key=_by_number_then_name)


# ---- kubectl: rollout history / undo for StatefulSets ----------------------------------

def history(source: Store | ApiLike, sts: Obj) -> list[tuple[int, str, Obj]]:
    """printHistory's view: (revision, change-cause, ControllerRevision), ascending; a later
    revision object with the same number wins."""
    return revisions.history(owned_revisions(source, sts))


def rollback(source: Store | ApiLike, sts: Obj, to_revision: int = 0) -> tuple[str, Obj | None]:
    """StatefulSetRollbacker: ("rolled back", patch) or ("skipped rollback (…)", None).

    The caller applies the patch (a strategic merge patch) to the set. Raises RollbackError
    with kubectl's words."""
    if to_revision < 0:
        raise revision_not_found(to_revision)
    owned = owned_revisions(source, sts)
    if len(owned) <= 1:
        raise RollbackError("no last revision to roll back to")
    chosen = revisions.choose_revision(owned, to_revision)
    if canonical_bytes(template_patch(sts)) == canonical_bytes(chosen.get("data")):
        return f"skipped rollback (current template already matches revision {to_revision})", None
    return "rolled back", clone(chosen.get("data") or {})
