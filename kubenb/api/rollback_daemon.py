"""DaemonSet revisions: the ControllerRevision data, `rollout history` and `rollout undo`.

The daemonset controller snapshots every template it runs into a ControllerRevision
`<ds>-<hash>` whose `data` is the patch that restores it (`revision_patch`:
`{"spec": {"template": {..., "$patch": "replace"}}}`, as the controller's getPatch
writes it) and whose `revision` number grows. kubectl (polymorphichelpers rollback.go
DaemonSetRollbacker, history.go DaemonSetHistoryViewer) lists the revisions the
DaemonSet controls, picks one (0: the one before the newest) and applies its patch.
Works over a Store or anything with the client's get/list/update (see rollback.ApiLike).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.hashing import canonical_template
from kubenb.api.objects import Obj, clone
from kubenb.api.pods import owner_of
from kubenb.api.rollback import (
    CHANGE_CAUSE,
    ROLLED_BACK,
    SKIPPED,
    ApiLike,
    RollbackError,
    revision_not_found,
)
from kubenb.api.selectors import from_label_selector
from kubenb.api.store import Store


def revision_patch(ds: Obj) -> Obj:
    """getPatch: the DaemonSet's template, to be put back whole."""
    template = clone(ds["spec"].get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def revision_template(revision: Obj) -> Obj:
    """The pod template a ControllerRevision restores."""
    template = dict(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return template


def template_matches(ds: Obj, revision: Obj) -> bool:
    return bool(canonical_template(revision_template(revision))
                == canonical_template(ds["spec"].get("template") or {}))


def _list(source: Store | ApiLike, kind: str, namespace: str | None) -> list[Obj]:
    if isinstance(source, Store):
        return list(source.list(kind, namespace))
    items, _ = source.list(kind, namespace)
    return items


def controlled_revisions(source: Store | ApiLike, ds: Obj) -> list[Obj]:
    """ControllerRevisions the DaemonSet selects and controls, by ascending revision."""
    meta = ds["metadata"]
    selector = from_label_selector(ds["spec"].get("selector"))
    found = [r for r in _list(source, "ControllerRevision", meta.get("namespace"))
             if (owner_of(r) or {}).get("uid") == meta.get("uid")
             and selector.matches(r["metadata"].get("labels") or {})]
    return sorted(found, key=lambda r: int(r.get("revision") or 0))


def history(source: Store | ApiLike, namespace: str, name: str) -> list[tuple[int, str, Obj]]:
    """(revision, change-cause, ControllerRevision) by ascending revision."""
    ds = source.get("DaemonSet", namespace, name)
    out: dict[int, tuple[int, str, Obj]] = {}
    for r in controlled_revisions(source, ds):
        rev = int(r.get("revision") or 0)
        out[rev] = (rev, (r["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, ""), r)
    return [out[k] for k in sorted(out)]


def history_template(revision: Obj) -> Obj:
    """The template `rollout history --revision=N` prints (the revision's change-cause on it)."""
    template: dict[str, Any] = clone(revision_template(revision))
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
    revisions = controlled_revisions(source, ds)
    if to_revision == 0 and len(revisions) <= 1:
        raise RollbackError("no last revision to roll back to")
    if to_revision == 0:
        chosen: Obj | None = revisions[-2]
    else:
        chosen = next((r for r in revisions if int(r.get("revision") or 0) == to_revision), None)
    if chosen is None:
        raise revision_not_found(to_revision)
    if template_matches(ds, chosen):
        return f"{SKIPPED} (current template already matches revision {to_revision})"
    new = clone(ds)
    new["spec"]["template"] = clone(revision_template(chosen))
    source.update(new)
    return ROLLED_BACK
