"""`kubectl delete TYPE NAME… | TYPE/NAME… | -f FILE | -l SEL | --all`.

Finds the objects (resource arguments or manifests), deletes each through the client with
the grace period and propagation policy kubectl computes from `--grace-period`, `--now`,
`--force` and `--cascade`, prints `pod "x" deleted` (or `-o name`), then — unless
`--wait=false` or a dry run — watches each deleted object until it is gone (same uid), up to
`--timeout`. Errors are printed after the successes, one per line, as kubectl does.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubenb.api.errors import ApiError, NoRoute, NotFound
from kubenb.api.registry import ResourceType
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag, parse_duration
from kubenb.cli.kubectl.manifest_visit import Failure, report, visit_manifests
from kubenb.cli.kubectl.manifests import add_source, dry_run_strategy
from kubenb.cli.kubectl.resources import resolve
from kubenb.cli.kubectl.writes import FILE_FLAGS

# kubectl ≤1.33 prints `pod "x" deleted`; 1.34 added the namespace: `pod "x" deleted from
# default namespace`. The project's referee is 1.32, so the short form is the default.
DELETED_FROM_NAMESPACE = False

FLAGS = FILE_FLAGS + (
    Flag("output", "string", short="o"),
    Flag("selector", "string", short="l"),
    Flag("field-selector", "string"),
    Flag("all", "bool"),
    Flag("all-namespaces", "bool", short="A"),
    Flag("force", "bool"),
    Flag("cascade", "string", "background"),
    Flag("now", "bool"),
    Flag("grace-period", "int", -1),
    Flag("timeout", "duration", "0s"),
    Flag("ignore-not-found", "bool"),
    Flag("wait", "bool", True),
    Flag("raw", "string"),
    Flag("interactive", "bool", short="i"),
    Flag("dry-run", "string", "none"),
)

FORCE_WARNING = (
    "Warning: Immediate deletion does not wait for confirmation that the running resource "
    "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
)
NEED_RESOURCES = (
    "You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)


@dataclass
class Target:
    rt: ResourceType
    namespace: str | None
    name: str
    source: str = ""
    versionless: bool = False  # from a manifest without apiVersion: kubectl's path 404s


def cascade(ctx: Ctx) -> str:
    """--cascade → propagation policy (the deprecated boolean forms warn, as kubectl does)."""
    value = ctx.flag("cascade")
    policies = {"orphan": "Orphan", "foreground": "Foreground", "background": "Background"}
    if value in policies:
        return policies[value]
    truth = {"1": True, "t": True, "T": True, "true": True, "TRUE": True, "True": True,
             "0": False, "f": False, "F": False, "false": False, "FALSE": False, "False": False}
    if value not in truth:
        raise CommandError(f'invalid cascade value ({value}). Must be "background", '
                           '"foreground", or "orphan"')
    new = "background" if truth[value] else "orphan"
    ctx.err.write(f"warning: --cascade={value} is deprecated (boolean value) and can be "
                  f"replaced with --cascade={new}.\n")
    return policies[new]


def grace_period(ctx: Ctx) -> int:
    grace = ctx.flag("grace-period")
    if ctx.flag("now"):
        if grace != -1:
            raise CommandError("--now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not ctx.flag("force"):
        grace = 1
    if ctx.flag("force") and grace < 0:
        grace = 0
    return grace


def targets(ctx: Ctx, args: list[str], ignore: bool) -> tuple[list[Target | str], list[ApiError]]:
    """The objects to delete (or, from -f, the errors met reading in their place), and the
    not-found errors met while looking."""
    if ctx.flag("filename"):
        # delete reads manifests without client-side validation
        found = visit_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"), validate=False)
        return [m if isinstance(m, str) else Target(m.rt, m.namespace, m.name, m.source,
                                                    m.versionless) for m in found], []
    if not args:
        raise CommandError(NEED_RESOURCES)
    all_ns = ctx.flag("all-namespaces")
    out: list[Target | str] = []
    errors: list[ApiError] = []
    for req in resolve(ctx.client.registry, args):
        ns = ctx.namespace if req.rt.namespaced else None
        if req.names is not None:
            for name in req.names:
                try:
                    obj = ctx.client.get(req.rt.kind, ns, name)
                except NotFound as err:
                    if not ignore:
                        errors.append(err)
                    continue
                out.append(Target(req.rt, obj["metadata"].get("namespace"), name))
            continue
        if not (ctx.flag("all") or ctx.flag("selector") or ctx.flag("field-selector")):
            raise CommandError("resource(s) were provided, but no name was specified")
        items, _ = ctx.client.list(
            req.rt.kind, None if all_ns or not req.rt.namespaced else ns,
            label_selector=ctx.flag("selector") or None,
            field_selector=ctx.flag("field-selector") or None)
        out += [Target(req.rt, o["metadata"].get("namespace"), o["metadata"]["name"])
                for o in items]
    return out, errors


def message(t: Target, grace: int, dry: str, output: str) -> str:
    kind = t.rt.qualified_kind
    if output == "name":
        return f"{kind}/{t.name}\n"
    operation = "force deleted" if grace == 0 else "deleted"
    if dry == "client":
        operation += " (dry run)"
    elif dry == "server":
        operation += " (server dry run)"
    where = f" from {t.namespace} namespace" if DELETED_FROM_NAMESPACE and t.namespace else ""
    return f'{kind} "{t.name}" {operation}{where}\n'


def wait_gone(ctx: Ctx, t: Target, uid: str, timeout: float) -> None:
    """Block until the object named by `t` with this uid no longer exists."""
    selector = f"metadata.name={t.name}"
    items, rv = ctx.client.list(t.rt.kind, t.namespace, field_selector=selector)
    if not any(o["metadata"].get("uid") == uid for o in items):
        return
    stream = ctx.client.watch(t.rt.kind, t.namespace, field_selector=selector,
                              resource_version=rv or None, timeout=timeout)
    try:
        for ev in stream:
            obj = ev["object"]
            if ev["type"] == "DELETED" and obj["metadata"].get("uid") == uid:
                return
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    raise CommandError(f"timed out waiting for the condition on {t.rt.plural}/{t.name}")


def run(ctx: Ctx, args: list[str]) -> int:
    output = ctx.flag("output")
    if ctx.flag("all") and ctx.flag("selector"):
        raise CommandError("setting 'all' parameter but found a non empty selector. ")
    propagation = cascade(ctx)
    grace = grace_period(ctx)
    dry = dry_run_strategy(ctx.flag("dry-run"))
    ignore = ctx.flag("ignore-not-found")
    assert ctx.flags is not None
    if (ctx.flag("all") or ctx.flag("selector") or ctx.flag("field-selector")) and \
            not ctx.flags.given("ignore-not-found"):
        ignore = True
    if ctx.flag("raw"):
        raise CommandError("--raw is not supported by kubenb")
    if not args and not ctx.flag("filename"):
        raise CommandError(NEED_RESOURCES)
    if output and output != "name":
        raise CommandError(f"unexpected -o output mode: {output}. We only support '-o name'")
    if grace == 0 and ctx.flag("force"):
        ctx.err.write(FORCE_WARNING)
    elif grace > 0 and ctx.flag("force"):
        raise CommandError("--force and --grace-period greater than 0 cannot be specified together")
    found, not_found = targets(ctx, args, ignore)
    errors: list[Failure] = list(not_found)
    deleted: list[tuple[Target, str]] = []
    for t in found:
        if isinstance(t, str):
            errors.append(t)
            continue
        if dry != "client":
            try:
                if t.versionless:
                    raise NoRoute()
                obj = ctx.client.delete(t.rt.kind, t.namespace, t.name,
                                        grace_period_seconds=grace if grace >= 0 else None,
                                        propagation=propagation, dry_run=dry == "server")
            except NotFound as err:
                if not ignore:
                    errors.append(add_source("deleting", t.source, err))
                continue
            except ApiError as err:
                errors.append(add_source("deleting", t.source, err))
                continue
            deleted.append((t, obj["metadata"].get("uid", "")))
        ctx.out.write(message(t, grace, dry, output))
    report(ctx, errors)
    if errors:
        return 1
    if not found:
        ctx.out.write("No resources found\n")
        return 0
    if ctx.flag("wait") and dry == "none":
        timeout = parse_duration(ctx.flag("timeout")) or 168 * 3600.0
        for t, uid in deleted:
            wait_gone(ctx, t, uid, timeout)
    return 0


COMMAND = Command("delete", "Delete resources by file names, stdin, resources and names, or by "
                  "resources and label selector", run, FLAGS)
