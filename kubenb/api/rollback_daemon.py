"""DaemonSet revisions: the ControllerRevision data, `rollout history` and `rollout undo`.

The daemonset controller snapshots every template it runs into a ControllerRevision
`<ds>-<hash>` whose `data` is the patch that restores it (`revision_patch`:
`{"spec": {"template": {..., "$patch": "replace"}}}`, as the controller's getPatch
writes it) and whose `revision` number grows. kubectl (polymorphichelpers rollback.go
DaemonSetRollbacker, history.go DaemonSetHistoryViewer) lists the revisions the
DaemonSet controls, picks one (0: the one before the newest) and applies its patch.
Works over a Store or anything with the client's get/list/update (see rollback.ApiLike);
what a StatefulSet does the same way lives in kubenb.api.revisions.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import revisions
from kubenb.api.hashing import canonical_template
from kubenb.api.objects import Obj, clone
from kubenb.api.revisions import revision_template
from kubenb.api.rollback import (
    CHANGE_CAUSE,
    ROLLED_BACK,
    SKIPPED,
    ApiLike,
    revision_not_found,
)
from kubenb.api.store import Store

#: getPatch: the DaemonSet's template, to be put back whole.
revision_patch = revisions.template_patch


def template_matches(ds: Obj, revision: Obj) -> bool:
    """The revision restores the DaemonSet's current template (hash labels and empty
    fields aside)."""
    return bool(canonical_template(revision_template(revision))
                == canonical_template(ds["spec"].get("template") or {}))


def controlled_revisions(source: Store | ApiLike, ds: Obj) -> list[Obj]:
    """ControllerRevisions the DaemonSet selects and controls, by ascending revision."""
    return revisions.owned_revisions(source, ds)


def history(source: Store | ApiLike, namespace: str, name: str) -> list[tuple[int, str, Obj]]:
    """(revision, change-cause, ControllerRevision) by ascending revision."""
    return revisions.history(controlled_revisions(source, source.get("DaemonSet", namespace, name)))


def history_template(revision: Obj) -> Obj:
    """The template `rollout history --revision=N` prints (the revision's change-cause on it)."""
    template: dict[str, Any] = revision_template(revision)
    cause = (revision["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
    if cause:
        tmeta = template.setdefault("metadata", {})
        tmeta["annotations"] = {**(tmeta.get("annotations") or {}), CHANGE_CAUSE: cause}
    return template


def rollback(source: Store | ApiLike, namespace: str, name: str, to_revision: int = 0) -> str:
    """Roll a DaemonSet back to a revision; "rolled back" or the "skipped rollback (…)" text."""
    if to_revision < 0:
        raise revision_not_found(to_revision)
    ds = source.get("DaemonSet", namespace, name)
    chosen = revisions.choose_revision(controlled_revisions(source, ds), to_revision)
    if template_matches(ds, chosen):
        return f"{SKIPPED} (current template already matches revision {to_revision})"
    new = clone(ds)
    new["spec"]["template"] = revision_template(chosen)
    source.update(new)
    return ROLLED_BACK
