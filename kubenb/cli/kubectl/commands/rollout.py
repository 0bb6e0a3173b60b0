"""`kubectl rollout status|history|undo|pause|resume|restart` for Deployments.

`status` prints the status viewer's message for the object as listed, then once per watch
event (so lines can repeat), until the rollout is done, the watch times out (`--timeout`)
or `--watch=false`. History and undo use kubenb.api.rollback through the client, as
kubectl computes both on the client side. Pause, resume and restart are patches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone

from kubenb.api.errors import ApiError
from kubenb.api.objects import Obj
from kubenb.api.registry import ResourceType
from kubenb.api.rollback import CHANGE_CAUSE, RollbackError, history, rollback
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.commands import rollout_daemon, rollout_stateful
from kubenb.cli.kubectl.commands.scale import Target, emit, find_targets, report, report_aggregate
from kubenb.cli.kubectl.describe.pod import write_pod_template
from kubenb.cli.kubectl.describe.writer import DescribeWriter, escape_terminal
from kubenb.cli.kubectl.flags import Flag, parse_duration
from kubenb.cli.kubectl.output import parse_output, render_objects
from kubenb.cli.kubectl.printers.formats import to_name
from kubenb.cli.kubectl.printers.tabwriter import history_tabbed

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
KUBECTL_MINOR = 32


def group_kind(rt: ResourceType) -> str:
    """schema.GroupKind.String(): `Pod`, `ReplicaSet.apps`."""
    return f"{rt.kind}.{rt.group}" if rt.group else rt.kind


def _targets(ctx: Ctx, args: list[str]) -> tuple[list[Target], list[ApiError]]:
    if not args:
        raise CommandError("required resource not specified")
    targets, errors = find_targets(ctx, args, ctx.flag("selector"))
    if not targets and not errors:
        ctx.err.write(f"No resources found in {ctx.namespace} namespace.\n")
    return targets, errors


def _only_deployments(rt: ResourceType, what: str) -> None:
    if rt.kind not in ("Deployment", "DaemonSet", "StatefulSet"):
        raise CommandError(f"no {what} has been implemented for \"{group_kind(rt)}\"")


# ---- status ------------------------------------------------------------------------------


def deployment_status(d: Obj, revision: int = 0) -> tuple[str, bool]:
    """The DeploymentStatusViewer: (message with newline, done); raises for a failed rollout."""
    meta, spec, status = d["metadata"], d.get("spec") or {}, d.get("status") or {}
    name = meta["name"]
    if revision > 0:
        have = (meta.get("annotations") or {}).get("deployment.kubernetes.io/revision", "0")
        if str(revision) != have:
            raise CommandError(f"desired revision ({revision}) is different from the running revision ({have})")
    if meta.get("generation", 0) <= status.get("observedGeneration", 0):
        for cond in status.get("conditions") or []:
            if cond.get("type") == "Progressing" and cond.get("reason") == "ProgressDeadlineExceeded":
                raise CommandError(f'deployment "{name}" exceeded its progress deadline')
        want, updated = spec.get("replicas"), status.get("updatedReplicas", 0)
        if want is not None and updated < want:
            return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} '
                    "new replicas have been updated...\n"), False
        if status.get("replicas", 0) > updated:
            return (f'Waiting for deployment "{name}" rollout to finish: '
                    f"{status.get('replicas', 0) - updated} old replicas are pending termination...\n"), False
        if status.get("availableReplicas", 0) < updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {status.get("availableReplicas", 0)} '
                    f"of {updated} updated replicas are available...\n"), False
        return f'deployment "{name}" successfully rolled out\n', True
    return "Waiting for deployment spec update to be observed...\n", False


def _write(ctx: Ctx, text: str) -> None:
    ctx.out.write(text)
    if hasattr(ctx.out, "flush"):
        ctx.out.flush()


def run_status(ctx: Ctx, args: list[str]) -> int:
    if ctx.flag("revision") < 0:
        raise CommandError(f"revision must be a positive integer: {ctx.flag('revision')}")
    targets, errors = _targets(ctx, args)
    for rt, obj in targets:
        if rt.kind not in STATUS_VIEWERS:
            raise CommandError(f"no status viewer has been implemented for {group_kind(rt)}")
        watch_status(ctx, rt, obj)
    return report(ctx, errors)


def watch_status(ctx: Ctx, rt: ResourceType, obj: Obj) -> None:
    """UntilWithSync over one object: list, then watch from the list's resourceVersion."""
    meta = obj["metadata"]
    ns, selector = meta.get("namespace"), f"metadata.name={meta['name']}"
    timeout = parse_duration(ctx.flag("timeout")) or None
    deadline = None if timeout is None else ctx.client.now().timestamp() + timeout
    viewer = STATUS_VIEWERS[rt.kind]
    items, rv = ctx.client.list(rt.kind, ns, field_selector=selector)
    viewer = STATUS_VIEWERS[rt.kind]
    for current in items:
        text, done = viewer(current, ctx.flag("revision"))
        _write(ctx, text)
        if done or not ctx.flag("watch"):
            return
    idle = False
    while True:
        remaining = None if deadline is None else deadline - ctx.client.now().timestamp()
        if remaining is not None and remaining <= 0:
            raise CommandError("timed out waiting for the condition")
        stream = ctx.client.watch(rt.kind, ns, field_selector=selector, resource_version=rv or None,
                                  timeout=remaining)
        seen = False
        try:
            for ev in stream:
                seen = True
                if ev["type"] == "DELETED":
                    raise CommandError("object has been deleted")
                if ev["type"] not in ("ADDED", "MODIFIED"):
                    continue
                rv = ev["object"]["metadata"].get("resourceVersion", rv)
                text, done = viewer(ev["object"], ctx.flag("revision"))
                _write(ctx, text)
                if done:
                    return
        except KeyboardInterrupt:
            return
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        if deadline is None:
            # The server closed a watch without a timeout: watch again, unless it keeps
            # closing at once with nothing to say (then give up as a timeout would).
            if idle and not seen:
                raise CommandError("timed out waiting for the condition")
            idle = not seen


# ---- history / undo ----------------------------------------------------------------------


def template_text(template: Obj) -> str:
    """`DescribePodTemplate` through a bare PrefixWriter (tabs left as they are)."""
    w = DescribeWriter()
    write_pod_template(w, template, KUBECTL_MINOR)
    return _raw(w)


def _raw(w: DescribeWriter) -> str:
    parts: list[list[str]] = w._parts  # noqa: SLF001 - kubectl prints this text before any tabwriter
    return escape_terminal("".join("".join(p) for p in parts))


def run_history(ctx: Ctx, args: list[str]) -> int:
    revision = ctx.flag("revision")
    if revision < 0:
        raise CommandError(f"revision must be a positive integer: {revision}")
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    targets, errors = _targets(ctx, args)
    for rt, obj in targets:
        _only_deployments(rt, "history viewer")
        meta = obj["metadata"]
        if rt.kind == "DaemonSet":
            entries = rollout_daemon.history_entries(ctx, obj)
        elif rt.kind == "StatefulSet":
            entries = rollout_stateful.history(ctx, obj)
            if not spec.table:
                chosen = [r for r in rollout_stateful.revisions(ctx, obj)
                          if revision in (0, int(r.get("revision") or 0))]
                ctx.out.write(render_objects(spec, chosen, len(chosen) == 1))
                continue
        else:
            entries = history(ctx.client, meta["namespace"], meta["name"])
        if not spec.table:
            chosen = [rs for rev, _, rs in entries if revision in (0, rev)]
            ctx.out.write(render_objects(spec, chosen, len(chosen) == 1))
            continue
        if not entries:
            text = "No rollout history found."
        elif revision > 0:
            match = [(cause, rs) for rev, cause, rs in entries if rev == revision]
            if not match:
                raise CommandError("unable to find the specified revision")
            cause, rs = match[0]
            template = dict(rs if rt.kind == "StatefulSet" else (rs.get("spec") or {}).get("template") or {})
            if cause and rt.kind == "Deployment":  # the StatefulSet viewer shows the bare template
                tmeta = dict(template.get("metadata") or {})
                tmeta["annotations"] = {**(tmeta.get("annotations") or {}), CHANGE_CAUSE: cause}
                template["metadata"] = tmeta
            text = template_text(template)
        else:
            rows = "".join(f"{rev}\t{cause or '<none>'}\n" for rev, cause, _ in entries)
            text = history_tabbed("REVISION\tCHANGE-CAUSE\n" + rows)
        with_revision = f"with revision #{revision}" if revision > 0 else ""
        ctx.out.write(to_name([obj], f"{with_revision}\n{text}"))
    return report(ctx, errors)


def run_undo(ctx: Ctx, args: list[str]) -> int:
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    targets, errors = _targets(ctx, args)
    for rt, obj in targets:
        _only_deployments(rt, "rollbacker")
        meta = obj["metadata"]
        if rt.kind == "DaemonSet":
            emit(ctx, spec, obj, rollout_daemon.undo(ctx, obj))
            continue
        if rt.kind == "StatefulSet":
            result, obj = rollout_stateful.undo(ctx, obj, ctx.flag("to-revision"))
            emit(ctx, spec, obj, result)
            continue
        try:
            result = rollback(ctx.client, meta["namespace"], meta["name"], ctx.flag("to-revision"))
        except RollbackError as err:
            raise CommandError(err.message) from None
        emit(ctx, spec, obj, result)
    return report(ctx, errors)


# ---- pause / resume / restart ------------------------------------------------------------


Change = Callable[[Obj], "Obj | str"]


def _patch_each(ctx: Ctx, args: list[str], verb: str, change: Change, done: str,
                kinds: tuple[str, ...] = ("Deployment",)) -> int:
    """kubectl's pause/resume/restart loop: a patch per object, the errors aggregated at the end.

    `change(obj)` returns the patch, or the error text kubectl collects for that object.
    """
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    targets, api_errors = _targets(ctx, args)
    errors: list[ApiError | str] = list(api_errors)
    for rt, obj in targets:
        meta = obj["metadata"]
        patch = change(obj) if rt.kind in kinds else f"{verb} is not supported"
        if isinstance(patch, str):
            raw = patch.startswith("failed to create patch")
            errors.append(patch if raw else f'error: {rt.qualified} "{meta["name"]}" {patch}')
            continue
        try:
            result = ctx.client.patch(rt.kind, meta["namespace"], meta["name"], patch, "strategic")
        except ApiError as err:
            errors.append(f"failed to patch: {err.message}")
            continue
        emit(ctx, spec, result, done)
    return report_aggregate(ctx, errors)


def run_pause(ctx: Ctx, args: list[str]) -> int:
    def change(d: Obj) -> Obj | str:
        if (d.get("spec") or {}).get("paused"):
            return "is already paused"
        return {"spec": {"paused": True}}
    return _patch_each(ctx, args, "pausing", change, "paused")


def run_resume(ctx: Ctx, args: list[str]) -> int:
    def change(d: Obj) -> Obj | str:
        if not (d.get("spec") or {}).get("paused"):
            return "is not paused"
        return {"spec": {"paused": None}}
    return _patch_each(ctx, args, "resuming", change, "resumed")


def rfc3339(ctx: Ctx) -> str:
    """Go `time.Now().Format(time.RFC3339)` on the cluster clock (UTC prints as `Z`)."""
    now = ctx.client.now()
    if now.tzinfo is None or now.utcoffset() == timezone.utc.utcoffset(None):
        return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return now.isoformat(timespec="seconds")


def run_restart(ctx: Ctx, args: list[str]) -> int:
    def change(d: Obj) -> Obj | str:
        if (d.get("spec") or {}).get("paused"):
            return "can't restart paused deployment (run rollout resume first)"
        stamp = rfc3339(ctx)
        current = ((d["spec"].get("template") or {}).get("metadata") or {}).get("annotations") or {}
        if current.get(RESTARTED_AT) == stamp:
            return (f"failed to create patch for {d['metadata']['name']}: if restart has already been "
                    "triggered within the past second, please wait before attempting to trigger another")
        return {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: stamp}}}}}
    return _patch_each(ctx, args, "restarting", change, "restarted",
                       ("Deployment", "DaemonSet", "StatefulSet"))


STATUS_VIEWERS: dict[str, Callable[[Obj, int], tuple[str, bool]]] = {
    "Deployment": deployment_status, "DaemonSet": rollout_daemon.daemonset_status,
    "StatefulSet": rollout_stateful.statefulset_status,
}


def _flags(*extra: Flag) -> tuple[Flag, ...]:
    return (Flag("selector", "string", short="l"), Flag("filename", "stringArray", short="f"),
            Flag("recursive", "bool", short="R"), Flag("output", "string", short="o"),
            Flag("template", "string")) + extra


STATUS = Command("status", "Show the status of the rollout", run_status, _flags(
    Flag("watch", "bool", True, short="w"), Flag("revision", "int", 0), Flag("timeout", "duration", "0s")))
HISTORY = Command("history", "View rollout history", run_history, _flags(Flag("revision", "int", 0)))
UNDO = Command("undo", "Undo a previous rollout", run_undo, _flags(
    Flag("to-revision", "int", 0), Flag("dry-run", "string", "none")))
PAUSE = Command("pause", "Mark the provided resource as paused", run_pause, _flags())
RESUME = Command("resume", "Resume a paused resource", run_resume, _flags())
RESTART = Command("restart", "Restart a resource", run_restart, _flags())
COMMAND = Command("rollout", "Manage the rollout of a resource").add(STATUS, HISTORY, UNDO, PAUSE, RESUME, RESTART)
