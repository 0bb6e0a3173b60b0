"""`kubectl logs POD|TYPE/NAME [-c C] [--tail N] [-p] [--timestamps] [-l SEL] [-f]`.

Picks the pod (a workload's first pod in kubectl's "ByLogging" order, with `Found N pods,
using pod/x`), defaults the container as kubectl 1.32 does (the
`kubectl.kubernetes.io/default-container` annotation, else the first one, with a
`Defaulted container …` notice), and prints `client.logs()`. `-f` prints the chunks of
`client.follow_logs()` as they arrive, until the container stops or the user interrupts;
a client without it (or `--request-timeout`) re-reads the log each time the pod changes or
a one-second watch window passes. Also used by `exec` to pick pods.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.objects import Obj
from kubenb.api.tables.duration import parse_time
from kubenb.api.tables.model import selector_string
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag, parse_duration
from kubenb.cli.kubectl.resources import lookup

DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"
USAGE = ("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
         "POD or TYPE/NAME is a required argument for the logs command\n"
         "See 'kubectl logs -h' for help and examples")
FOLLOW_TICK = 1.0  # seconds of quiet after which `-f` looks for new output anyway


def _by_logging(pod: Obj) -> tuple[Any, ...]:
    """podutils.ByLogging, as a sort key: assigned, running, ready, restarts, then oldest."""
    status = pod.get("status") or {}
    phase_rank = {"Running": 0, "Unknown": 1, "Pending": 2}.get(status.get("phase", ""), 3)
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
    restarts = max((c.get("restartCount", 0) for c in status.get("containerStatuses") or []), default=0)
    created = parse_time((pod.get("metadata") or {}).get("creationTimestamp"))
    return (not (pod.get("spec") or {}).get("nodeName"), phase_rank, not ready, -restarts,
            created.timestamp() if created else 0.0, pod["metadata"]["name"])


def pods_for(ctx: Ctx, arg: str, *, notice: bool = True) -> Obj:
    """A pod named `arg`, or the first pod of `TYPE/NAME` (kubectl AttachablePodForObject)."""
    kind, slash, name = arg.partition("/")
    if not slash:
        return ctx.client.get("Pod", ctx.namespace, arg)
    rts = lookup(ctx.client.registry, kind)
    rt = rts[0]
    obj = ctx.client.get(rt.kind, ctx.namespace if rt.namespaced else None, name)
    if rt.kind == "Pod":
        return obj
    selector = (obj.get("spec") or {}).get("selector")
    if rt.kind == "Service":
        text = ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items()))
    elif isinstance(selector, dict) and selector:
        text = selector_string(selector)
    else:
        raise CommandError(f"cannot get the logs from {rt.kind}: selector for {rt.kind} not implemented")
    pods, _ = ctx.client.list("Pod", ctx.namespace, label_selector=text)
    if not pods:
        raise CommandError("timed out waiting for the condition")
    pods.sort(key=_by_logging)
    if len(pods) > 1 and notice:
        ctx.err.write(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
    return pods[0]


def all_container_names(pod: Obj) -> str:
    spec = pod.get("spec") or {}
    names = [c["name"] for c in spec.get("containers") or []]
    names += [f"{c['name']} (ephem)" for c in spec.get("ephemeralContainers") or []]
    names += [f"{c['name']} (init)" for c in spec.get("initContainers") or []]
    return ", ".join(names)


def default_container(ctx: Ctx, pod: Obj, quiet: bool = False) -> str:
    """podcmd's defaulting: the annotation's container, else the first, with kubectl's notice."""
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    if not containers:
        raise CommandError(f"pod {pod['metadata'].get('namespace')}/{pod['metadata']['name']} "
                           "does not have any containers")
    wanted = ((pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER) or "")
    if wanted and container_known(pod, wanted):
        return wanted
    first = containers[0]["name"]
    if not quiet and (len(containers) > 1 or spec.get("initContainers") or spec.get("ephemeralContainers")):
        ctx.err.write(f'Defaulted container "{first}" out of: {all_container_names(pod)}\n')
    return str(first)


def container_known(pod: Obj, name: str) -> bool:
    spec = pod.get("spec") or {}
    return any(c.get("name") == name for key in ("containers", "initContainers", "ephemeralContainers")
               for c in spec.get(key) or [])


def _container_stopped(pod: Obj, name: str) -> bool:
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        if status.get("name") == name:
            return "terminated" in (status.get("state") or {})
    return False


def run(ctx: Ctx, args: list[str]) -> int:
    selector = ctx.flag("selector")
    if (not args and not selector) or len(args) > 2 or (selector and args):
        if selector and args:
            raise CommandError("only one of -l or POD | TYPE/NAME may be specified")
        raise CommandError(USAGE)
    container = ctx.flag("container")
    if len(args) == 2:
        if container:
            raise CommandError("only one of -c or an inline [CONTAINER] arg is allowed")
        container = args[1]
    tail = ctx.flag("tail")
    if selector:
        pods, _ = ctx.client.list("Pod", ctx.namespace, label_selector=selector)
        if not pods:
            ctx.err.write(f"No resources found in {ctx.namespace} namespace.\n")
            return 0
        pods.sort(key=lambda p: p["metadata"]["name"])
        if not ctx.flags.given("tail"):  # type: ignore[union-attr]
            tail = 10  # kubectl's default for -l
    else:
        pods = [pods_for(ctx, args[0])]
    for pod in pods:
        names = _containers(ctx, pod, container, quiet=bool(selector))
        for name in names:
            try:
                print_logs(ctx, pod, name, tail)
            except ApiError as err:
                ctx.err.write(server_error(err) + "\n")
                return 1
    return 0


def _containers(ctx: Ctx, pod: Obj, container: str, quiet: bool) -> list[str]:
    spec = pod.get("spec") or {}
    if ctx.flag("all-containers"):
        return [c["name"] for key in ("initContainers", "containers", "ephemeralContainers")
                for c in spec.get(key) or []]
    if not container:
        wanted = (pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER) or ""
        if wanted and not container_known(pod, wanted):  # logs says so; exec does not
            ctx.err.write(f'Default container name "{wanted}" not found in pod {pod["metadata"]["name"]}\n')
        return [default_container(ctx, pod, quiet)]
    if not container_known(pod, container):
        raise CommandError(f"container {container} is not valid for pod {pod['metadata']['name']}")
    return [container]


def print_logs(ctx: Ctx, pod: Obj, container: str, tail: int) -> None:
    """Write one container's log; with `-f`, keep writing what is new until it stops."""
    meta = pod["metadata"]
    ns, name = meta.get("namespace") or ctx.namespace, meta["name"]
    prefix = f"[pod/{name}/{container}] " if ctx.flag("prefix") else ""

    def fetch(tail_lines: int | None) -> str:
        return ctx.client.logs(ns, name, container, previous=ctx.flag("previous"),
                               tail=tail_lines, timestamps=ctx.flag("timestamps"))

    def write(text: str) -> None:
        if prefix:
            text = "".join(prefix + line for line in text.splitlines(keepends=True))
        ctx.out.write(text)
        if hasattr(ctx.out, "flush"):
            ctx.out.flush()

    if not ctx.flag("follow") or ctx.flag("previous"):
        write(fetch(None if tail < 0 else tail))
        return
    if not ctx.flag("request-timeout"):
        stream = ctx.client.follow_logs(ns, name, container, tail=None if tail < 0 else tail,
                                        timestamps=ctx.flag("timestamps"))
        try:
            for chunk in stream:
                write(chunk)
        except KeyboardInterrupt:
            pass
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        return
    full = fetch(None)
    write(fetch(tail) if tail >= 0 else full)
    follow(ctx, ns, name, container, len(full), fetch, write)


def follow(ctx: Ctx, ns: str, name: str, container: str, seen: int, fetch: Any, write: Any) -> None:
    """`-f`: print new output on every pod change (or quiet second) until the container stops."""
    limit = parse_duration(ctx.flag("request-timeout") or "0") or None
    end = None if limit is None else ctx.client.now().timestamp() + limit
    items, rv = ctx.client.list("Pod", ns, field_selector=f"metadata.name={name}")
    stopped = bool(items) and _container_stopped(items[0], container)
    try:
        while not stopped:
            window = FOLLOW_TICK if end is None else min(FOLLOW_TICK, end - ctx.client.now().timestamp())
            if window <= 0:
                break
            stream = ctx.client.watch("Pod", ns, field_selector=f"metadata.name={name}",
                                      resource_version=rv or None, timeout=window)
            try:
                for ev in stream:
                    rv = ev["object"]["metadata"].get("resourceVersion", rv)
                    stopped = ev["type"] == "DELETED" or _container_stopped(ev["object"], container)
                    if stopped:
                        break
            finally:
                close = getattr(stream, "close", None)
                if close:
                    close()
            full = fetch(None)
            write(full[seen:])
            seen = len(full)
    except KeyboardInterrupt:
        return
    if stopped:
        try:
            full = fetch(None)
        except ApiError:
            return
        write(full[seen:])


FLAGS = (
    Flag("container", "string", short="c"),
    Flag("follow", "bool", short="f"),
    Flag("previous", "bool", short="p"),
    Flag("tail", "int", -1),
    Flag("timestamps", "bool"),
    Flag("selector", "string", short="l"),
    Flag("all-containers", "bool"),
    Flag("prefix", "bool"),
    Flag("since", "string"),
    Flag("since-time", "string"),
    Flag("limit-bytes", "int", 0),
    Flag("max-log-requests", "int", 5),
    Flag("ignore-errors", "bool"),
    Flag("pod-running-timeout", "string", "20s"),
    Flag("insecure-skip-tls-verify-backend", "bool"),
    Flag("all-pods", "bool"),
)

COMMAND = Command("logs", "Print the logs for a container in a pod", run, FLAGS)
