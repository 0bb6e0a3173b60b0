"""`kubectl rollout undo` and `rollout history` for Deployments, done client-side as kubectl does.

kubectl (polymorphichelpers/rollback.go DeploymentRollbacker, history.go) never asks the
server to roll back: it finds the Deployment's ReplicaSets (matching its selector and
controlled by it), picks the one with the wanted `deployment.kubernetes.io/revision`
(0: the one before the newest), and writes that RS's pod template — without the
pod-template-hash label — back into the Deployment, together with the RS's annotations
(the Deployment keeps its own revision/replica/last-applied annotations). The deployment
controller then finds that old ReplicaSet as the "new" one and gives it revision max+1.
The CLI layer prints `deployment.apps/<name> <result>` and `error: <RollbackError>`.

Every function takes either a `Store` (controllers, scenario tests) or anything with the
client protocol's `get`/`list`/`update` (kubectl's `rollout undo|history`, which must work
against any API server); `_source()` hides the difference.
"""

from __future__ import annotations

from typing import Protocol

from kubenb.api.errors import Conflict
from kubenb.api.hashing import POD_TEMPLATE_HASH_LABEL, canonical_template
from kubenb.api.objects import Obj, clone
from kubenb.api.pods import owner_of
from kubenb.api.selectors import from_label_selector
from kubenb.api.store import Store
from kubenb.clock import parse_time

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
# Deployment annotations kept on undo and never taken from the ReplicaSet (annotationsToSkip).
ANNOTATIONS_TO_SKIP = frozenset({
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
})
ROLLED_BACK = "rolled back"
SKIPPED = "skipped rollback"
_RETRIES = 5


class ApiLike(Protocol):
    """The part of kubenb.client.base.Client these functions need (not imported: api < client)."""

    def get(self, kind: str, namespace: str | None, name: str) -> Obj: ...

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None) -> tuple[list[Obj], str]: ...

    def update(self, obj: Obj, *, subresource: str | None = None, dry_run: bool = False) -> Obj: ...


class _Source:
    """One face over a Store or a client: get, list a namespace's ReplicaSets, update."""

    def __init__(self, source: Store | ApiLike) -> None:
        self.source = source

    def get(self, kind: str, namespace: str, name: str) -> Obj:
        return self.source.get(kind, namespace, name)

    def replica_sets(self, namespace: str | None) -> list[Obj]:
        if isinstance(self.source, Store):
            return list(self.source.list("ReplicaSet", namespace))
        items, _ = self.source.list("ReplicaSet", namespace)
        return items

    def update(self, obj: Obj) -> None:
        self.source.update(obj)


class RollbackError(Exception):
    """A rollout undo kubectl refuses; str() is kubectl's text after `error: `."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def revision_not_found(revision: int) -> RollbackError:
    return RollbackError(f"unable to find specified revision {revision} in history")


def _revision(rs: Obj) -> int | None:
    """deploymentutil.Revision: 0 without the annotation, None when it is not a number."""
    value = (rs["metadata"].get("annotations") or {}).get(REVISION)
    if value is None:
        return 0
    try:
        return int(value)
    except ValueError:
        return None


def _equal_ignore_hash(t1: Obj, t2: Obj) -> bool:
    return canonical_template(t1 or {}) == canonical_template(t2 or {})


def all_replica_sets(store: Store | ApiLike, d: Obj) -> tuple[list[Obj], Obj | None]:
    """deploymentutil.GetAllReplicaSets as kubectl has it: (all old RSs, new RS or None)."""
    meta = d["metadata"]
    selector = from_label_selector(d["spec"].get("selector"))
    owned = [
        rs for rs in _Source(store).replica_sets(meta.get("namespace"))
        if selector.matches(rs["metadata"].get("labels") or {})
        and (owner_of(rs) or {}).get("uid") == meta["uid"]
    ]
    owned.sort(key=lambda rs: (parse_time(rs["metadata"]["creationTimestamp"]), rs["metadata"]["name"]))
    template = d["spec"].get("template") or {}
    new = next((rs for rs in owned if _equal_ignore_hash(rs["spec"].get("template") or {}, template)), None)
    old = [rs for rs in owned if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
    return old, new


def _revision_rs(store: Store | ApiLike, d: Obj, to_revision: int) -> Obj:
    """deploymentRevision: the RS of `to_revision`, or the second newest for 0."""
    old, new = all_replica_sets(store, d)
    latest: Obj | None = None
    latest_rev = -1
    previous: Obj | None = None
    previous_rev = -1
    for rs in [*old, *([new] if new else [])]:
        v = _revision(rs)
        if v is None:
            continue
        if to_revision == 0:
            if latest_rev < v:
                previous, previous_rev = latest, latest_rev
                latest, latest_rev = rs, v
            elif previous_rev < v:
                previous, previous_rev = rs, v
        elif to_revision == v:
            return rs
    if to_revision > 0:
        raise revision_not_found(to_revision)
    if previous is None:
        raise RollbackError(f'no rollout history found for deployment "{d["metadata"]["name"]}"')
    return previous


def rollback(store: Store | ApiLike, namespace: str, name: str, to_revision: int = 0) -> str:
    """Roll a Deployment back; returns "rolled back" or the "skipped rollback (…)" text.

    Raises RollbackError for kubectl's refusals and the store's NotFound for a missing
    Deployment.
    """
    if to_revision < 0:
        raise revision_not_found(to_revision)
    api = _Source(store)
    for attempt in range(_RETRIES):
        d = api.get("Deployment", namespace, name)
        rs = _revision_rs(store, d, to_revision)
        if d["spec"].get("paused"):
            raise RollbackError(
                "you cannot rollback a paused deployment; resume it first with "
                "'kubectl rollout resume' and try again")
        template = clone(rs["spec"].get("template") or {})
        if _equal_ignore_hash(template, d["spec"].get("template") or {}):
            # kubectl prints the revision it was asked for (0 for a plain undo).
            return f"{SKIPPED} (current template already matches revision {to_revision})"
        labels = (template.get("metadata") or {}).get("labels")
        if labels is not None:
            labels.pop(POD_TEMPLATE_HASH_LABEL, None)
        current = d["metadata"].get("annotations") or {}
        annotations = {k: v for k, v in current.items() if k in ANNOTATIONS_TO_SKIP}
        for k, v in (rs["metadata"].get("annotations") or {}).items():
            if k not in ANNOTATIONS_TO_SKIP:
                annotations[k] = v
        new = clone(d)
        new["spec"]["template"] = template
        new["metadata"]["annotations"] = annotations
        try:
            api.update(new)
        except Conflict:
            if attempt == _RETRIES - 1:
                raise
            continue  # a JSON patch applies to whatever is current: read again and retry
        return ROLLED_BACK
    raise AssertionError("unreachable")


def history(store: Store | ApiLike, namespace: str, name: str) -> list[tuple[int, str, Obj]]:
    """`rollout history`: (revision, change-cause, ReplicaSet) by ascending revision.

    Like kubectl, one entry per revision number (a later RS with the same number wins)
    and ReplicaSets with an unparsable revision are left out.
    """
    d = _Source(store).get("Deployment", namespace, name)
    old, new = all_replica_sets(store, d)
    by_revision: dict[int, tuple[int, str, Obj]] = {}
    for rs in [*old, *([new] if new else [])]:
        v = _revision(rs)
        if v is None:
            continue
        cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, "")
        by_revision[v] = (v, cause, rs)
    return [by_revision[v] for v in sorted(by_revision)]
