"""`kubectl cordon|uncordon|drain NODE` and `kubectl taint nodes NODE key[=value]:Effect[-]`.

Cordon is a patch of `spec.unschedulable`. Drain cordons, sorts the node's pods through
kubectl's filters (DaemonSet-managed, mirror, emptyDir, unmanaged), evicts the rest, then
watches until they are gone and prints `pod/x evicted` and `node/x drained`. Evictions go
through the client's `evict` (the pods/eviction subresource), which PodDisruptionBudgets may
refuse with a 429: drain prints kubectl's line and tries that pod again 5 s later. Taint edits `spec.taints` with kubectl's merge rules and words.
"""

from __future__ import annotations

import re

from kubenb.api.errors import ApiError, NotFound, TooManyRequests
from kubenb.api.objects import Obj
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.commands.scale import DRY_RUN_SUFFIX, dry_run_mode, emit
from kubenb.cli.kubectl.flags import Flag, parse_duration
from kubenb.cli.kubectl.output import parse_output

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
MIRROR = "kubernetes.io/config.mirror"
DS_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DS_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"


def _usage(ctx: Ctx, use: str) -> CommandError:
    return CommandError(f"USAGE: {use} [flags]\nSee '{ctx.path} -h' for help and examples")


def _nodes(ctx: Ctx, args: list[str], use: str) -> list[Obj]:
    if not args and not ctx.flag("selector"):
        raise _usage(ctx, use)
    if ctx.flag("selector"):
        if args:
            raise CommandError(f"cannot specify both a node name and a --selector option\n"
                               f"See '{ctx.path} -h' for help and examples")
        items, _ = ctx.client.list("Node", None, label_selector=ctx.flag("selector"))
        return items
    return [ctx.client.get("Node", None, name.removeprefix("node/").removeprefix("nodes/")) for name in args]


def cordon(ctx: Ctx, nodes: list[Obj], desired: bool) -> None:
    """RunCordonOrUncordon: patch each node that needs it, print what happened."""
    mode = dry_run_mode(ctx)
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    word = "cordoned" if desired else "uncordoned"
    for node in nodes:
        if bool((node.get("spec") or {}).get("unschedulable")) == desired:
            emit(ctx, spec, node, f"already {word}")
            continue
        result = node
        if mode != "client":
            try:
                result = ctx.client.patch("Node", None, node["metadata"]["name"],
                                          {"spec": {"unschedulable": True if desired else None}}, "strategic",
                                          dry_run=mode == "server")
            except ApiError as err:
                ctx.err.write(f'error: unable to {word[:-2]} node "{node["metadata"]["name"]}": {err.message}\n')
                continue
        emit(ctx, spec, result, word + DRY_RUN_SUFFIX[mode])


def run_cordon(ctx: Ctx, args: list[str]) -> int:
    cordon(ctx, _nodes(ctx, args, "cordon NODE"), True)
    return 0


def run_uncordon(ctx: Ctx, args: list[str]) -> int:
    cordon(ctx, _nodes(ctx, args, "uncordon NODE"), False)
    return 0


# ---- drain -------------------------------------------------------------------------------


def _controller(pod: Obj) -> Obj | None:
    return next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)


def pod_status(ctx: Ctx, pod: Obj) -> tuple[bool, str, str]:
    """kubectl's drain filters: (delete?, "Warning"|"Error"|"", message)."""
    finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
    ref = _controller(pod)
    if ref is not None and ref.get("kind") == "DaemonSet" and not finished:
        try:
            ctx.client.get("DaemonSet", pod["metadata"]["namespace"], ref["name"])
        except NotFound as err:
            return (True, "Warning", err.message) if ctx.flag("force") else (False, "Error", err.message)
        except (ApiError, LookupError) as err:
            return False, "Error", str(err)
        if not ctx.flag("ignore-daemonsets"):
            return False, "Error", DS_FATAL
        return False, "Warning", DS_WARNING
    if MIRROR in (pod["metadata"].get("annotations") or {}):
        return False, "", ""
    result = (True, "", "")
    if any("emptyDir" in v for v in (pod.get("spec") or {}).get("volumes") or []) and not finished:
        if not ctx.flag("delete-emptydir-data"):
            return False, "Error", LOCAL_FATAL
        result = (True, "Warning", LOCAL_WARNING)
    if not finished and ref is None:
        if ctx.flag("force"):
            return True, "Warning", UNMANAGED_WARNING
        return False, "Error", UNMANAGED_FATAL
    return result


def _grouped(pods: list[tuple[Obj, str]]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for pod, message in pods:
        groups.setdefault(message, []).append(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
    return groups


def pods_for_deletion(ctx: Ctx, node: str) -> tuple[list[Obj], list[str], list[str]]:
    """GetPodsForDeletion: (pods to evict, warning texts, error texts)."""
    pods, _ = ctx.client.list("Pod", None, label_selector=ctx.flag("pod-selector") or None,
                              field_selector=f"spec.nodeName={node}")
    chosen, warned, failed = [], [], []
    for pod in pods:
        delete, reason, message = pod_status(ctx, pod)
        if delete:
            chosen.append(pod)
        if reason == "Warning":
            warned.append((pod, message))
        elif reason == "Error":
            failed.append((pod, message or "unexpected error"))
    warnings = [f"{m}: {', '.join(p)}" for m, p in _grouped(warned).items()]
    errors = [f"cannot delete {m}: {', '.join(p)}" for m, p in _grouped(failed).items()]
    return chosen, warnings, errors


RETRY_AFTER = 5.0  # kubectl drain waits this long after a 429 before evicting again
_SLACK = 0.001  # clock readings are whole microseconds: a deadline this close has come


def go_duration(seconds: float) -> str:
    """time.Duration.String() for whole seconds: 5s, 1m30s, 1h0m0s."""
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h}h{m}m{sec}s"
    return f"{m}m{sec}s" if m else f"{sec}s"


def _attempt(ctx: Ctx, pod: Obj, grace: int) -> str | None:
    """One eviction: None when it went through, "retry" after a 429, else the error text."""
    meta = pod["metadata"]
    period = grace if grace >= 0 else None
    try:
        if ctx.flag("disable-eviction"):  # a plain delete, which no budget can refuse
            ctx.client.delete("Pod", meta["namespace"], meta["name"], grace_period_seconds=period)
        else:
            ctx.client.evict(meta["namespace"], meta["name"], grace_period_seconds=period)
    except NotFound:
        return "gone"
    except TooManyRequests as err:
        ctx.err.write(f'error when evicting pods/"{meta["name"]}" -n "{meta["namespace"]}" '
                      f"(will retry after 5s): {err.message}\n")
        return "retry"
    except ApiError as err:
        return f'error when evicting pods/"{meta["name"]}" -n "{meta["namespace"]}": {err.message}'
    return None


def evict(ctx: Ctx, node: str, pods: list[Obj]) -> str | None:
    """Evict the pods and wait until they are gone; the error text, or None.

    kubectl's evictPods: every pod is evicted on its own (`evicting pod ns/x` before each
    attempt); a 429 (a PodDisruptionBudget with no disruption to spare) is printed and that
    pod tried again 5 s later, until `--timeout` (0: forever) ends the drain with `global
    timeout reached`. Waiting is on the client's clock through a watch with a deadline, so a
    virtual clock moves on instead of sleeping.
    """
    spec = parse_output(ctx.flag("output"))
    grace = ctx.flag("grace-period")
    limit = parse_duration(ctx.flag("timeout")) or None
    start = ctx.client.now().timestamp()
    end = None if limit is None else start + limit
    due = {pod["metadata"]["uid"]: start for pod in pods}  # pods still to evict → next attempt
    by_uid = {pod["metadata"]["uid"]: pod for pod in pods}
    waiting: dict[str, Obj] = {}  # evicted, not yet gone
    _, rv = ctx.client.list("Pod", None, field_selector=f"spec.nodeName={node}")
    while True:
        now = ctx.client.now().timestamp()
        ready = [uid for uid, at in due.items() if at <= now + _SLACK]
        for uid in ready:
            meta = by_uid[uid]["metadata"]
            ctx.out.write(f"evicting pod {meta['namespace']}/{meta['name']}\n")
        for uid in ready:
            meta = by_uid[uid]["metadata"]
            if end is not None and now + _SLACK >= end:
                return (f'error when evicting pods/"{meta["name"]}" -n "{meta["namespace"]}": '
                        f"global timeout reached: {go_duration(limit or 0)}")
            outcome = _attempt(ctx, by_uid[uid], grace)
            if outcome == "retry":
                due[uid] = now + RETRY_AFTER
                continue
            if outcome not in (None, "gone"):
                return outcome
            del due[uid]
            if outcome is None:
                waiting[uid] = by_uid[uid]
        for uid, pod in list(waiting.items()):
            try:
                current = ctx.client.get("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
            except NotFound:
                current = None
            if current is None or current["metadata"].get("uid") != uid:
                del waiting[uid]
                emit(ctx, spec, pod, "evicted")
        if not waiting and not due:
            return None
        now = ctx.client.now().timestamp()
        if end is not None and end - now <= 0 and not due:
            first = next(iter(waiting.values()))["metadata"]
            return (f'error when waiting for pod "{first["name"]}" in namespace "{first["namespace"]}" '
                    "to terminate: context deadline exceeded")
        # a pod waiting to be evicted again learns of the deadline when it next tries
        wake = min(due.values()) if due else end
        remaining = None if wake is None else wake - now
        if remaining is not None and remaining <= _SLACK:
            continue
        stream = ctx.client.watch("Pod", None, field_selector=f"spec.nodeName={node}",
                                  resource_version=rv or None, timeout=remaining)
        try:
            for ev in stream:
                rv = ev["object"]["metadata"].get("resourceVersion", rv)
                if ev["type"] == "DELETED" and ev["object"]["metadata"].get("uid") in waiting:
                    break
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()


def run_drain(ctx: Ctx, args: list[str]) -> int:
    nodes = _nodes(ctx, args, "drain NODE")
    cordon(ctx, nodes, True)
    remaining: list[str] = []
    fatal: list[str] = []
    for node in nodes:
        name = node["metadata"]["name"]
        pods, warnings, errors = pods_for_deletion(ctx, name)
        error = "[" + ", ".join(errors) + "]" if len(errors) > 1 else (errors[0] if errors else None)
        if error is None:
            if warnings:
                ctx.err.write(f"Warning: {'; '.join(warnings)}\n")
            if dry_run_mode(ctx) == "client":
                for pod in pods:
                    ctx.out.write(f"evicting pod {pod['metadata']['namespace']}/{pod['metadata']['name']} (dry run)\n")
            else:
                error = evict(ctx, name, pods)
                if error is not None:
                    left, _, _ = pods_for_deletion(ctx, name)
                    if left:
                        ctx.err.write(f'There are pending pods in node "{name}" when an error occurred: {error}\n')
                        ctx.err.write("".join(f"pod/{p['metadata']['name']}\n" for p in left))
        if error is None:
            emit(ctx, parse_output(ctx.flag("output")), node, "drained" + DRY_RUN_SUFFIX[dry_run_mode(ctx)])
            continue
        ctx.err.write(f'error: unable to drain node "{name}" due to error: {error}, continuing command...\n')
        fatal.append(error if len(errors) <= 1 else "\n".join(errors))
        remaining.append(name)
    if remaining:
        ctx.err.write("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in remaining))
        for text in fatal:
            ctx.err.write(text + "\n")
        return 1
    return 0


# ---- taint -------------------------------------------------------------------------------

_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def taint_text(taint: Obj) -> str:
    """Taint.ToString(): `key=value:Effect`, `key:Effect`, `key`."""
    text = taint["key"] + (f"={taint['value']}" if taint.get("value") else "")
    return text + (f":{taint['effect']}" if taint.get("effect") else "")


def parse_taint(spec: str) -> Obj:
    parts = spec.split(":")
    value = ""
    if len(parts) == 1:
        key, effect = parts[0], ""
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in EFFECTS:
            raise CommandError(f"invalid taint effect: {effect}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise CommandError(f"invalid taint spec: {spec}")
        key = kv[0]
        value = kv[1] if len(kv) == 2 else ""
        if not _LABEL_VALUE.match(value) or len(value) > 63:
            raise CommandError(f"invalid taint spec: {spec}, a valid label must be an empty string or "
                               "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                               "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                               "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
    else:
        raise CommandError(f"invalid taint spec: {spec}")
    name = key.rsplit("/", 1)[-1]
    if not key or not _QUALIFIED.match(name) or len(name) > 63:
        raise CommandError(f"invalid taint spec: {spec}, name part must consist of alphanumeric characters, "
                           "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                           "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                           "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
    taint: Obj = {"key": key, "effect": effect}
    if value:
        taint["value"] = value
    return taint


def parse_taints(specs: list[str]) -> tuple[list[Obj], list[Obj]]:
    add: list[Obj] = []
    remove: list[Obj] = []
    for spec in specs:
        if spec.endswith("-"):
            t = parse_taint(spec[:-1])
            remove.append({"key": t["key"], "effect": t["effect"]})
            continue
        t = parse_taint(spec)
        if not t["effect"]:
            raise CommandError(f"invalid taint spec: {spec}")
        if any(a["key"] == t["key"] and a["effect"] == t["effect"] for a in add):
            raise CommandError("duplicated taints with the same key and effect: "
                               f"{{{t['key']} {t.get('value', '')} {t['effect']} <nil>}}")
        add.append(t)
    return add, remove


def reorganize(node: Obj, overwrite: bool, add: list[Obj], remove: list[Obj]) -> tuple[str, list[Obj], list[str]]:
    """kubectl reorganizeTaints: (operation, new taints, `taint "…" not found` errors)."""
    def match(a: Obj, b: Obj) -> bool:
        return a["key"] == b["key"] and a.get("effect", "") == b.get("effect", "")
    old = (node.get("spec") or {}).get("taints") or []
    new = [dict(t) for t in add]
    for t in old:
        if not any(match(n, t) for n in new):
            new.append(t)
    added = len(old) != len(new)
    errors: list[str] = []
    deleted = False
    for r in remove:
        before = len(new)
        new = [t for t in new if not (match(r, t) if r["effect"] else t["key"] == r["key"])]
        deleted = len(new) != before
        if not deleted:
            errors.append(f'taint "{taint_text(r)}" not found')
    if (added and deleted) or overwrite:
        return "modified", new, errors
    return ("tainted" if added else "untainted"), new, errors


def run_taint(ctx: Ctx, args: list[str]) -> int:
    resources: list[str] = []
    specs: list[str] = []
    for arg in args:
        is_taint = "=" in arg or ":" in arg or arg.endswith("-")
        if is_taint:
            specs.append(arg)
        elif specs:
            raise CommandError(f"all resources must be specified before taint changes: {arg}")
        else:
            resources.append(arg)
    if not resources:
        raise CommandError("one or more resources must be specified as <resource> <name>")
    if not specs:
        raise CommandError("at least one taint update is required")
    try:
        add, remove = parse_taints(specs)
    except CommandError as err:
        raise CommandError(f"{err.message}\nSee '{ctx.path} -h' for help and examples") from None
    names = _taint_names(ctx, resources)
    spec, mode = parse_output(ctx.flag("output")), dry_run_mode(ctx)
    for name in names:
        node = ctx.client.get("Node", None, name)
        if not ctx.flag("overwrite"):
            exists = [t["key"] for t in add for o in (node.get("spec") or {}).get("taints") or []
                      if t["key"] == o.get("key") and t["effect"] == o.get("effect")]
            if exists:
                raise CommandError(f"node {name} already has {','.join(exists)} taint(s) with same effect(s) "
                                   "and --overwrite is false")
        operation, taints, errors = reorganize(node, ctx.flag("overwrite"), add, remove)
        if errors:
            raise CommandError(errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")
        result = node
        if mode != "client":
            result = ctx.client.patch("Node", None, name, {"spec": {"taints": taints or None}}, "merge",
                                      dry_run=mode == "server")
        emit(ctx, spec, result, operation + DRY_RUN_SUFFIX[mode])
    return 0


def _taint_names(ctx: Ctx, resources: list[str]) -> list[str]:
    if ctx.flag("all") or ctx.flag("selector"):
        items, _ = ctx.client.list("Node", None, label_selector=ctx.flag("selector") or None)
        return [n["metadata"]["name"] for n in items]
    slashed = [r.partition("/")[2] for r in resources if "/" in r]
    if slashed:
        return slashed
    kind = ctx.client.registry.lookup(resources[0]).kind if _known(ctx, resources[0]) else resources[0]
    if kind != "Node":
        raise CommandError(f"invalid resource type {resources[0]}, only node types are supported")
    if len(resources) < 2:
        raise CommandError("at least one resource name must be specified since 'all' parameter is not set")
    return resources[1:]


def _known(ctx: Ctx, name: str) -> bool:
    try:
        ctx.client.registry.lookup(name)
    except LookupError:
        return False
    return True


def _out_flags() -> tuple[Flag, ...]:
    return (Flag("selector", "string", short="l"), Flag("dry-run", "string", "none"),
            Flag("output", "string", short="o"), Flag("template", "string"))


COMMANDS = [
    Command("cordon", "Mark node as unschedulable", run_cordon, _out_flags()),
    Command("uncordon", "Mark node as schedulable", run_uncordon, _out_flags()),
    Command("drain", "Drain node in preparation for maintenance", run_drain, _out_flags() + (
        Flag("force", "bool"), Flag("ignore-daemonsets", "bool"), Flag("delete-emptydir-data", "bool"),
        Flag("grace-period", "int", -1), Flag("timeout", "duration", "0s"), Flag("pod-selector", "string"),
        Flag("disable-eviction", "bool"), Flag("skip-wait-for-delete-timeout", "int", 0),
        Flag("chunk-size", "int", 500))),
    Command("taint", "Update the taints on one or more nodes", run_taint, _out_flags() + (
        Flag("overwrite", "bool"), Flag("all", "bool"), Flag("validate", "string", "strict"),
        Flag("field-manager", "string", "kubectl-taint"))),
]
