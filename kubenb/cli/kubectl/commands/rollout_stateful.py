"""`kubectl rollout status|history|undo` for StatefulSets, computed client-side as kubectl does.

`statefulset_status` is polymorphichelpers' StatefulSetStatusViewer; history and undo read
the set's ControllerRevisions through the client (kubenb.api.stateful_history) and undo
applies the chosen revision's data as a strategic merge patch (StatefulSetRollbacker).
Called from `rollout.py`, which owns the flags, the watch loop and the printing.
"""

from __future__ import annotations

from kubenb.api import stateful_history
from kubenb.api.objects import Obj
from kubenb.api.rollback import RollbackError
from kubenb.cli.kubectl.app import CommandError, Ctx


def statefulset_status(sts: Obj, revision: int = 0) -> tuple[str, bool]:
    """StatefulSetStatusViewer.Status: (message with newline, done)."""
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") != "RollingUpdate":
        raise CommandError("rollout status is only available for RollingUpdate strategy type")
    observed = int(status.get("observedGeneration") or 0)
    if observed == 0 or int(sts["metadata"].get("generation") or 0) > observed:
        return "Waiting for statefulset spec update to be observed...\n", False
    replicas = spec.get("replicas")
    ready = int(status.get("readyReplicas") or 0)
    if replicas is not None and ready < replicas:
        return f"Waiting for {replicas - ready} pods to be ready...\n", False
    updated = int(status.get("updatedReplicas") or 0)
    ru = strategy.get("rollingUpdate")
    if ru is not None:
        partition = ru.get("partition")
        if replicas is not None and partition is not None and updated < replicas - partition:
            return ("Waiting for partitioned roll out to finish: "
                    f"{updated} out of {replicas - partition} new pods have been updated...\n"), False
        return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
    if status.get("updateRevision") != status.get("currentRevision"):
        return ("waiting for statefulset rolling update to complete "
                f"{updated} pods at revision {status.get('updateRevision', '')}...\n"), False
    return (f"statefulset rolling update complete {int(status.get('currentReplicas') or 0)} pods "
            f"at revision {status.get('currentRevision', '')}...\n"), True


def history(ctx: Ctx, sts: Obj) -> list[tuple[int, str, Obj]]:
    """(revision, change-cause, pod template) by ascending revision."""
    return [(rev, cause, stateful_history.template_of(r))
            for rev, cause, r in stateful_history.history(ctx.client, sts)]


def revisions(ctx: Ctx, sts: Obj) -> list[Obj]:
    return [r for _, _, r in stateful_history.history(ctx.client, sts)]


def undo(ctx: Ctx, sts: Obj, to_revision: int) -> tuple[str, Obj]:
    """Roll back; returns (result text, the set as it is now). Raises CommandError."""
    try:
        result, patch = stateful_history.rollback(ctx.client, sts, to_revision)
    except RollbackError as err:
        raise CommandError(err.message) from None
    if patch is None:
        return result, sts
    meta = sts["metadata"]
    try:
        updated = ctx.client.patch("StatefulSet", meta["namespace"], meta["name"], patch, "strategic")
    except Exception as err:  # noqa: BLE001 - kubectl wraps every patch error the same way
        raise CommandError(f"failed restoring revision {to_revision}: {err}") from None
    return result, updated
