"""`kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]` (or `-f FILE`, `--local`).

Sends the patch through the client (or, for `--local` / `--dry-run=client`, applies it here
with kubenb.api.patch) and prints `pod/x patched`, `pod/x patched (no change)` or `-o`.
As in kubectl 1.32, the line carries no `(dry run)` suffix even for a dry run.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from kubenb.api.errors import ApiError, NotFound
from kubenb.api.patch import apply_patch
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import (
    dry_run_strategy,
    output_spec,
    print_object,
    read_manifests,
)
from kubenb.cli.kubectl.resources import resolve
from kubenb.cli.kubectl.writes import FILE_FLAGS, PRINT_FLAGS

FLAGS = PRINT_FLAGS + FILE_FLAGS + (
    Flag("patch", "string", short="p"),
    Flag("patch-file", "string"),
    Flag("type", "string", "strategic"),
    Flag("local", "bool"),
    Flag("dry-run", "string", "none"),
    Flag("field-manager", "string", "kubectl-patch"),
    Flag("subresource", "string"),
    Flag("record", "bool"),
)
PATCH_TYPES = ("json", "merge", "strategic")


def _validate(ctx: Ctx, args: list[str], dry: str) -> None:
    if ctx.flag("patch") and ctx.flag("patch-file"):
        raise CommandError("cannot specify --patch and --patch-file together")
    if not ctx.flag("patch") and not ctx.flag("patch-file"):
        raise CommandError("must specify --patch or --patch-file containing the contents of the "
                           "patch")
    if ctx.flag("local") and args:
        raise CommandError("cannot specify --local and server resources")
    if ctx.flag("local") and dry == "server":
        raise CommandError("cannot specify --local and --dry-run=server - did you mean "
                           "--dry-run=client?")
    if ctx.flag("type").lower() not in PATCH_TYPES:
        raise CommandError(f"--type must be one of [{' '.join(PATCH_TYPES)}], not "
                           f'"{ctx.flag("type")}"')


def patch_body(ctx: Ctx) -> Any:
    """The patch text (YAML accepted, as kubectl's yaml.ToJSON), decoded."""
    text = ctx.flag("patch")
    if ctx.flag("patch-file"):
        try:
            with open(ctx.flag("patch-file"), encoding="utf-8") as fh:
                text = fh.read()
        except OSError as err:
            raise CommandError(f"unable to read patch file: open {ctx.flag('patch-file')}: "
                               f"{(err.strerror or '').lower()}") from None
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or str(err)
        raise CommandError(f'unable to parse "{ctx.flag("patch")}": yaml: {problem}') from None


def _objects(ctx: Ctx, args: list[str]) -> tuple[list[dict[str, Any]], list[ApiError]]:
    if ctx.flag("filename"):
        found = read_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"),
                               local=ctx.flag("local"))
        if ctx.flag("local"):
            return [m.obj for m in found], []
        targets = [(m.rt, m.namespace, m.name) for m in found]
    else:
        if not args:
            raise CommandError(
                "You must provide one or more resources by argument or filename.\n"
                "Example resource specifications include:\n   '-f rsrc.yaml'\n"
                "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
        targets = []
        for req in resolve(ctx.client.registry, args):
            if req.names is None:
                raise CommandError("resource(s) were provided, but no name was specified")
            ns = ctx.namespace if req.rt.namespaced else None
            targets += [(req.rt, ns, n) for n in req.names]
    objs, errors = [], []
    for rt, ns, name in targets:
        try:
            objs.append(ctx.client.get(rt.kind, ns, name))
        except NotFound as err:
            errors.append(err)
    return objs, errors


PATCH_MEDIA_TYPES = {"json": "application/json-patch+json", "merge": "application/merge-patch+json",
                   "strategic": "application/strategic-merge-patch+json"}


def run(ctx: Ctx, args: list[str]) -> int:
    dry = dry_run_strategy(ctx.flag("dry-run"))
    _validate(ctx, args, dry)
    spec = output_spec(ctx)
    body = patch_body(ctx)
    kind = ctx.flag("type").lower()
    objs, errors = _objects(ctx, args)
    for obj in objs:
        try:
            if ctx.flag("local") or dry == "client":
                patched = apply_patch(obj, body, kind)
            else:
                patched = ctx.client.patch(
                    obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"],
                    body, kind, subresource=ctx.flag("subresource") or None,  # type: ignore[arg-type]
                    dry_run=dry == "server")
        except ApiError as err:
            if err.code != 415:
                errors.append(err)
                continue
            # kubectl wraps the server's UnsupportedMediaType and stops
            gv = obj.get("apiVersion", "")
            raise CommandError(f"{PATCH_MEDIA_TYPES.get(kind, kind)} is not supported by "
                               f"{gv if '/' in gv else '/' + gv}, Kind={obj['kind']}: {err.message}") from None
        # kubectl 1.32 sets the operation after the dry-run suffix, so patch never shows it
        print_object(ctx, spec, patched, "patched" if patched != obj else "patched (no change)")
    for err in errors:
        ctx.err.write(server_error(err) + "\n")
    if errors:
        return 1
    if not objs:
        raise CommandError("no objects passed to patch")
    return 0


COMMAND = Command("patch", "Update fields of a resource", run, FLAGS)
