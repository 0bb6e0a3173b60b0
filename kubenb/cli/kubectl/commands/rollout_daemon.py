"""`kubectl rollout status|history|undo` for DaemonSets (polymorphichelpers: the
DaemonSetStatusViewer, DaemonSetHistoryViewer and DaemonSetRollbacker).

rollout.py dispatches here by kind; revisions come from kubenb.api.rollback_daemon through
the client, as kubectl computes history and undo on the client side.
"""

from __future__ import annotations

from kubenb.api.objects import Obj
from kubenb.api.rollback import RollbackError
from kubenb.api.rollback_daemon import history, history_template, rollback
from kubenb.cli.kubectl.app import CommandError, Ctx


def daemonset_status(ds: Obj, revision: int = 0) -> tuple[str, bool]:
    """The DaemonSetStatusViewer: (message with newline, done)."""
    meta, spec, status = ds["metadata"], ds.get("spec") or {}, ds.get("status") or {}
    name = meta["name"]
    if (spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
        raise CommandError("rollout status is only available for RollingUpdate strategy type")
    if meta.get("generation", 0) <= status.get("observedGeneration", 0):
        desired = status.get("desiredNumberScheduled", 0)
        updated, available = status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0)
        if updated < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} '
                    "new pods have been updated...\n"), False
        if available < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} '
                    "updated pods are available...\n"), False
        return f'daemon set "{name}" successfully rolled out\n', True
    return "Waiting for daemon set spec update to be observed...\n", False


def history_entries(ctx: Ctx, obj: Obj) -> list[tuple[int, str, Obj]]:
    """(revision, change-cause, the template the revision restores)."""
    meta = obj["metadata"]
    return [(rev, cause, {"spec": {"template": history_template(r)}})
            for rev, cause, r in history(ctx.client, meta["namespace"], meta["name"])]


def undo(ctx: Ctx, obj: Obj) -> str:
    meta = obj["metadata"]
    try:
        return rollback(ctx.client, meta["namespace"], meta["name"], ctx.flag("to-revision"))
    except RollbackError as err:
        raise CommandError(err.message) from None
