"""`kubectl scale`: set spec.replicas of Deployments and ReplicaSets through a merge patch.

Also home of the small helpers the workload commands share (set, rollout, nodes, wait):
`dry_run_mode` (kubectl's `--dry-run` values), `find_targets` (TYPE NAME… | TYPE/NAME… |
TYPE -l SELECTOR → objects plus per-name API errors, kubectl's ContinueOnError) and
`emit` (the name printer with an operation, or any `-o` format).
"""

from __future__ import annotations

from kubenb.api.errors import ApiError, NoRoute, NotFound
from kubenb.api.objects import Obj
from kubenb.api.registry import ResourceType
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.output import OutputSpec, parse_output, render_objects
from kubenb.cli.kubectl.printers.formats import to_name
from kubenb.cli.kubectl.resources import resolve

Target = tuple[ResourceType, Obj]

DRY_RUN_SUFFIX = {"none": "", "client": " (dry run)", "server": " (server dry run)"}


def dry_run_mode(ctx: Ctx) -> str:
    """`--dry-run`'s value as kubectl reads it: none, client or server."""
    value = ctx.flag("dry-run")
    if value in ("", "none", "false"):
        return "none"
    if value in ("client", "server"):
        return str(value)
    if value in ("true", "unchanged"):
        return "client"
    raise CommandError(f'Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def find_targets(ctx: Ctx, args: list[str], selector: str = "",
                 all_namespaces: bool = False,
                 require_names: bool = True,
                 field_selector: str = "") -> tuple[list[Target], list[ApiError]]:
    """Objects named by the arguments (or selected by `-l` and `--field-selector`), and
    NotFound errors per name.

    With `require_names` a bare type needs a selector (scale, set, rollout); without it a bare
    type means every object of that type (describe)."""
    requests = resolve(ctx.client.registry, args)
    found: list[Target] = []
    errors: list[ApiError] = []
    for req in requests:
        ns = None if (all_namespaces or not req.rt.namespaced) else ctx.namespace
        if req.names is None:
            if not selector and not field_selector and require_names:
                raise CommandError("resource(s) were provided, but no name was specified")
            items, _ = ctx.client.list(req.rt.kind, ns, label_selector=selector or None,
                                       field_selector=field_selector or None)
            found += [(req.rt, obj) for obj in items]
            continue
        for name in req.names:
            try:
                found.append((req.rt, ctx.client.get(req.rt.kind, ns or ctx.namespace, name)))
            except NotFound as err:
                errors.append(err)
    return found, errors


def emit(ctx: Ctx, spec: OutputSpec, obj: Obj, operation: str) -> None:
    """Print one result: `kind.group/name <operation>` by default, else the `-o` format."""
    if spec.table:
        ctx.out.write(to_name([obj], operation))
    else:
        ctx.out.write(render_objects(spec, [obj], True))


def report(ctx: Ctx, errors: list[ApiError]) -> int:
    """Print API errors one per line after the results, as kubectl's checkErr does."""
    for err in errors:
        ctx.err.write(server_error(err) + "\n")
    return 1 if errors else 0


def report_aggregate(ctx: Ctx, errors: list[ApiError | str]) -> int:
    """checkErr of an Aggregate: one error gets `error: ` if it lacks it; several print bare."""
    texts = [server_error(e) if isinstance(e, ApiError) else e for e in errors]
    if len(errors) == 1 and not isinstance(errors[0], ApiError) and not texts[0].startswith("error: "):
        texts[0] = "error: " + texts[0]
    for text in texts:
        ctx.err.write(text if text.endswith("\n") else text + "\n")
    return 1 if errors else 0


FLAGS = (
    Flag("replicas", "int", -1),
    Flag("current-replicas", "int", -1),
    Flag("resource-version", "string"),
    Flag("timeout", "duration", "0s"),
    Flag("selector", "string", short="l"),
    Flag("all", "bool"),
    Flag("output", "string", short="o"),
    Flag("template", "string"),
    Flag("dry-run", "string", "none"),
    Flag("filename", "stringArray", short="f"),
    Flag("record", "bool"),
)


def run(ctx: Ctx, args: list[str]) -> int:
    assert ctx.flags is not None
    if not ctx.flags.given("replicas"):
        raise CommandError('required flag(s) "replicas" not set')
    replicas, current = ctx.flag("replicas"), ctx.flag("current-replicas")
    mode = dry_run_mode(ctx)
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    if replicas < 0:
        raise CommandError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    if current < -1:
        raise CommandError("The --current-replicas must specify an integer of -1 or greater")
    if not args:
        raise CommandError("You must provide one or more resources by argument or filename.\n"
                           "Example resource specifications include:\n   '-f rsrc.yaml'\n"
                           "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
    # --all: a bare type means every object of it in the namespace (ResourceTypeOrNameArgs)
    targets, errors = find_targets(ctx, args, ctx.flag("selector"), require_names=not ctx.flag("all"))
    if ctx.flag("resource-version") and len(targets) > 1:
        raise CommandError("cannot use --resource-version with multiple resources")
    if not targets:
        if errors:
            return report(ctx, errors)
        raise CommandError("no objects passed to scale")
    operation = "scaled" + DRY_RUN_SUFFIX[mode]
    for rt, obj in targets:
        if mode != "client":
            scale_one(ctx, rt, obj, replicas, current, mode == "server")
        emit(ctx, spec, obj, operation)  # kubectl prints the object as it was read
    return report(ctx, errors)


def scale_one(ctx: Ctx, rt: ResourceType, obj: Obj, replicas: int, current: int, dry_run: bool) -> None:
    """Check the preconditions, then patch spec.replicas (the scale subresource's effect)."""
    meta = obj["metadata"]
    if "scale" not in rt.subresources:
        raise no_scale_subresource()
    if current != -1:
        have = (rt.custom.scale_numbers(obj)[0] if rt.custom is not None
                else (obj.get("spec") or {}).get("replicas", 1))
        if have != current:
            raise CommandError(f"Expected replicas to be {current}, was {have}")
    rv = ctx.flag("resource-version")
    if rv and meta.get("resourceVersion") != rv:
        raise CommandError(f"Expected resource version to be {rv}, was {meta.get('resourceVersion')}")
    # a merge patch of the Scale view, as kubectl's scaler sends it to the scale subresource
    ctx.client.patch(rt.kind, meta.get("namespace"), meta["name"],
                     {"spec": {"replicas": replicas}}, "merge", subresource="scale",
                     dry_run=dry_run)


def no_scale_subresource() -> ApiError:
    """What the API server answers for `/scale` of a kind that has no such subresource."""
    return NoRoute()


COMMAND = Command("scale", "Set a new size for a deployment, replica set, or replication controller", run, FLAGS)
