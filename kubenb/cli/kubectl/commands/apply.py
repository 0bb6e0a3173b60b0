"""`kubectl apply -f FILE|DIR|-`: client-side apply, as kubectl does it.

For each manifest object: if it does not exist, create it carrying the
`kubectl.kubernetes.io/last-applied-configuration` annotation (manifests.with_last_applied);
otherwise compute kubenb.api.patch.three_way_strategic(last-applied, new manifest, live)
and send it as a strategic merge patch. Prints `… created`, `… configured` or `… unchanged`
(with ` (dry run)` / ` (server dry run)`), or `-o` of every object at the end.
`--server-side` sends each object as an apply patch (`serverside-applied`; a conflict gets
kubectl's advice after the server's message); `--prune` is refused.
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.api.errors import ApiError, NoRoute, NotFound
from kubenb.api.patch import three_way_strategic
from kubenb.api.selectors import parse_label_selector
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifest_visit import (
    Failure,
    aggregate,
    report,
    validation_directive,
    visit_manifests,
)
from kubenb.cli.kubectl.manifests import (
    LAST_APPLIED,
    Manifest,
    add_source,
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    strip_nulls,
    with_last_applied,
)
from kubenb.cli.kubectl.output import render_objects
from kubenb.cli.kubectl.ssa_migrate import after_apply
from kubenb.cli.kubectl.writes import FILE_FLAGS, PRINT_FLAGS, usage_error

FLAGS = PRINT_FLAGS + FILE_FLAGS + (
    Flag("dry-run", "string", "none"),
    Flag("selector", "string", short="l"),
    Flag("server-side", "bool"),
    Flag("force-conflicts", "bool"),
    Flag("prune", "bool"),
    Flag("prune-allowlist", "stringArray"),
    Flag("all", "bool"),
    Flag("force", "bool"),
    Flag("overwrite", "bool", True),
    Flag("validate", "string", "strict"),
    Flag("field-manager", "string", "kubectl-client-side-apply"),
    Flag("grace-period", "int", -1),
    Flag("timeout", "duration", "0s"),
    Flag("wait", "bool"),
    Flag("cascade", "string", "background"),
    Flag("openapi-patch", "bool", True),
    Flag("record", "bool"),
    Flag("subresource", "string"),
)

MISSING_ANNOTATION = (
    "Warning: resource {name} is missing the " + LAST_APPLIED + " annotation which is "
    "required by kubectl apply. kubectl apply should only be used on resources created "
    "declaratively by either kubectl create --save-config or kubectl apply. The missing "
    "annotation will be patched automatically.\n"
)


def _validate(ctx: Ctx, args: list[str]) -> None:
    if args:
        raise usage_error(ctx, f"Unexpected args: [{' '.join(args)}]")
    dry = dry_run_strategy(ctx.flag("dry-run"))
    if ctx.flag("force-conflicts") and not ctx.flag("server-side"):
        raise CommandError("--force-conflicts only works with --server-side")
    if ctx.flag("server-side") and dry == "client":
        raise CommandError("--dry-run=client doesn't work with --server-side (did you mean "
                           "--dry-run=server instead?)")
    if ctx.flag("all") and ctx.flag("selector"):
        raise CommandError("cannot set --all and --selector at the same time")
    if ctx.flag("prune"):
        raise CommandError("--prune is not supported by kubenb")
    if ctx.flag("kustomize"):
        raise CommandError("kustomize directories (-k) are not supported by kubenb; use -f")
    if not ctx.flag("filename"):
        raise CommandError("must specify one of -f and -k")


CONFLICT_ADVICE = """
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts"""


def apply_server_side(ctx: Ctx, m: Manifest, dry: str) -> tuple[dict[str, Any], str]:
    """Send the manifest as an apply patch; a conflict is kubectl's own error."""
    meta = m.obj.get("metadata") or {}
    if not meta.get("name") and meta.get("generateName"):
        raise CommandError(f"from {meta['generateName']}: cannot use generate name with apply")
    try:
        obj = ctx.client.patch(m.rt.kind, m.namespace, m.name, m.obj, "apply",
                               dry_run=dry == "server")
    except ApiError as err:
        if err.code == 409 and err.reason == "Conflict":
            raise CommandError(err.message + CONFLICT_ADVICE) from None
        raise
    return after_apply(ctx, m, obj, dry == "server"), "serverside-applied"


def apply_one(ctx: Ctx, m: Manifest, dry: str) -> tuple[dict[str, Any], str]:
    """Create or patch one object; returns what to print and the operation word."""
    meta = m.obj.get("metadata") or {}
    if not meta.get("name") and meta.get("generateName"):
        raise CommandError(f"from {meta['generateName']}: cannot use generate name with apply")
    modified = with_last_applied(m.obj)
    try:
        if m.versionless:  # kubectl's GET goes to a path without a version
            raise NoRoute()
        live = ctx.client.get(m.rt.kind, m.namespace, m.name)
    except NotFound:
        live = None
    if live is None:
        body = strip_nulls(modified)
        if dry == "client":
            return body, "created"
        try:
            if m.versionless:
                raise NoRoute()
            return ctx.client.create(body, dry_run=dry == "server"), "created"
        except ApiError as err:
            raise add_source("creating", m.source, err) from None
    if dry == "client":
        return live, "configured"
    annotations = live["metadata"].get("annotations") or {}
    if LAST_APPLIED not in annotations:
        ctx.err.write(MISSING_ANNOTATION.format(name=f"{m.rt.qualified}/{m.name}"))
        original = None
    else:
        try:
            original = json.loads(annotations[LAST_APPLIED])
        except ValueError:
            original = None
    patch = three_way_strategic(original, modified, live, m.rt.kind)
    if not patch:
        return live, "unchanged"
    try:
        # kubectl sends a JSON merge patch for kinds it has no Go type for (custom resources)
        obj = ctx.client.patch(m.rt.kind, m.namespace, m.name, patch,
                               "merge" if m.rt.custom is not None else "strategic",
                               dry_run=dry == "server")
    except ApiError as err:
        raise add_source("patching", m.source, err) from None
    return obj, "configured"


def run(ctx: Ctx, args: list[str]) -> int:
    _validate(ctx, args)
    dry = dry_run_strategy(ctx.flag("dry-run"))
    spec = output_spec(ctx)
    validate = validation_directive(ctx) != "Ignore"
    selector = parse_label_selector(ctx.flag("selector")) if ctx.flag("selector") else None
    # kubectl reads every object first (the errors met reading are kept), then applies them
    manifests: list[Manifest] = []
    read_errors: list[str] = []
    for item in visit_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"), validate):
        if isinstance(item, str):
            read_errors.append(item)
        elif selector is None or selector.matches(item.obj["metadata"].get("labels") or {}):
            manifests.append(item)
    if not manifests and not read_errors:
        raise CommandError("no objects passed to apply")
    printed: list[dict[str, Any]] = []
    errors: list[Failure] = []
    one = apply_server_side if ctx.flag("server-side") else apply_one
    for m in manifests:
        try:
            obj, operation = one(ctx, m, dry)
        except ApiError as err:
            errors.append(err)
            continue
        except CommandError as err:
            errors.append(f"error: {err.message}")
            continue
        if spec is None or spec.kind == "name":
            print_object(ctx, spec, obj, operation_text(operation, dry))
        else:
            printed.append(obj)
    if printed and spec is not None:
        ctx.out.write(render_objects(spec, printed, len(printed) == 1))
    # the reading errors are one aggregated error among the apply errors
    if errors and read_errors:
        errors.insert(0, aggregate(read_errors))
    report(ctx, errors or read_errors)
    return 1 if errors or read_errors else 0


COMMAND = Command("apply", "Apply a configuration to a resource by file name or stdin", run, FLAGS)
