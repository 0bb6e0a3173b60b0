"""`kubectl label` and `kubectl annotate`: change an object's labels or annotations.

Both read `TYPE NAME… KEY=VAL… KEY-…` (or `-f`, `-l`, `--all`), apply the change to a copy
of each object (refusing to overwrite without `--overwrite`), send the difference as a JSON
merge patch (with `--resource-version` as a precondition) and print `pod/x labeled` /
`unlabeled` / `not labeled` or `… annotated`. `--local` and `--dry-run=client` change
nothing on the server; `--list` prints the keys instead.

Messages follow kubectl 1.32. kubectl 1.36 reports a change that both adds and removes
labels as `modified` and computes the word from the keys touched; set
`MODIFIED_MESSAGE = True` for that behaviour.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from kubenb.api.errors import ApiError, NotFound
from kubenb.api.names import label_value_errors
from kubenb.api.patch import merge_patch_diff
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.manifests import (
    compact_json,
    dry_run_strategy,
    operation_text,
    output_spec,
    print_object,
    read_manifests,
)
from kubenb.cli.kubectl.resources import resolve
from kubenb.cli.kubectl.writes import FILE_FLAGS, PRINT_FLAGS

MODIFIED_MESSAGE = False

FLAGS = PRINT_FLAGS + FILE_FLAGS + (
    Flag("overwrite", "bool"),
    Flag("list", "bool"),
    Flag("local", "bool"),
    Flag("selector", "string", short="l"),
    Flag("field-selector", "string"),
    Flag("all", "bool"),
    Flag("all-namespaces", "bool", short="A"),
    Flag("resource-version", "string"),
    Flag("dry-run", "string", "none"),
    Flag("field-manager", "string"),
    Flag("record", "bool"),
)


@dataclass(frozen=True)
class Kind:
    word: str  # label | annotation
    field: str  # labels | annotations
    files: str  # how the --local errors name example files


LABEL = Kind("label", "labels", "pod.yaml or --filename=pod.json")
ANNOTATION = Kind("annotation", "annotations", "rsrc.yaml or --filename=rsrc.json")


def split_args(args: list[str], word: str) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resources first, then KEY=VAL / KEY- changes."""
    resources, pairs = [], []
    for a in args:
        change = ("=" in a and not a.startswith("=")) or (a.endswith("-") and a != "-")
        if change:
            pairs.append(a)
        elif pairs:
            raise CommandError(f"all resources must be specified before {word} changes: {a}")
        else:
            resources.append(a)
    return resources, pairs


def parse_changes(kind: Kind, pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    new: dict[str, str] = {}
    remove: list[str] = []
    if kind is LABEL:
        for spec in pairs:
            if "=" in spec:
                parts = spec.split("=")
                if len(parts) != 2:
                    raise CommandError(f"invalid label spec: {spec}")
                errs = label_value_errors(parts[1])
                if errs:
                    raise CommandError(f'invalid label value: "{spec}": {";".join(errs)}')
                new[parts[0]] = parts[1]
            elif spec.endswith("-"):
                remove.append(spec[:-1])
            else:
                raise CommandError(f"unknown label spec: {spec}")
        if any(k in new for k in remove):
            raise CommandError("can not both modify and remove a label in the same command")
        return new, remove
    invalid = []
    for spec in pairs:
        if "=" in spec and not spec.startswith("="):
            key, _, value = spec.partition("=")
            new[key] = value
        elif spec.endswith("-") and spec != "-":
            remove.append(spec[:-1])
        else:
            invalid.append(spec)
    if invalid:
        raise CommandError(f"invalid annotation format: {', '.join(invalid)}")
    both = [k for k in remove if k in new]
    if both:
        raise CommandError("can not both modify and remove the following annotation(s) in the "
                           f"same command: {', '.join(both)}")
    return new, remove


def change(kind: Kind, obj: dict[str, Any], new: dict[str, str], remove: list[str],
           overwrite: bool, resource_version: str) -> tuple[set[str], set[str]]:
    """Apply the change in place; return the keys actually added/changed and removed."""
    meta = obj.setdefault("metadata", {})
    current = dict(meta.get(kind.field) or {})
    if not overwrite:
        clash = [(k, current[k]) for k, v in new.items()
                 if k in current and current[k] != v and k != "kubernetes.io/change-cause"]
        if clash and kind is LABEL:
            msgs = [f"'{k}' already has a value ({v}), and --overwrite is false" for k, v in clash]
            raise CommandError(msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]")
        if clash:
            raise CommandError("--overwrite is false but found the following declared "
                               "annotation(s): " + "; ".join(
                                   f"'{k}' already has a value ({v})" for k, v in clash))
    added = {k for k, v in new.items() if current.get(k) != v}
    removed = {k for k in remove if k in current}
    current.update(new)
    for k in remove:
        current.pop(k, None)
    meta[kind.field] = current
    if resource_version:
        meta["resourceVersion"] = resource_version
    return added, removed


def label_message(old: dict[str, Any], new: dict[str, Any], overwrite: bool,
                  added: set[str], removed: set[str]) -> str:
    if MODIFIED_MESSAGE:
        if added and removed:
            return "modified"
        return "labeled" if added else "unlabeled" if removed else "not labeled"
    before, after = compact_json(old), compact_json(new)
    if before == after:
        return "not labeled"
    if not overwrite and len(after) < len(before):
        return "unlabeled"
    return "labeled"


def _targets(ctx: Ctx, kind: Kind, resources: list[str]) -> tuple[list[dict[str, Any]], bool, list[ApiError]]:
    """Objects to change, whether a single named item was asked for, and lookup errors."""
    if ctx.flag("filename"):
        manifests = read_manifests(ctx, ctx.flag("filename"), ctx.flag("recursive"),
                                   local=ctx.flag("local"))
        if ctx.flag("local"):
            return [m.obj for m in manifests], len(manifests) == 1, []
        objs, errors = [], []
        for m in manifests:
            try:
                objs.append(ctx.client.get(m.rt.kind, m.namespace, m.name))
            except NotFound as err:
                errors.append(err)
        return objs, len(manifests) == 1, errors
    requests = resolve(ctx.client.registry, resources)
    single = len(requests) == 1 and requests[0].names is not None and len(requests[0].names) == 1
    all_ns = ctx.flag("all-namespaces")
    objs, errors = [], []
    for req in requests:
        ns = ctx.namespace if req.rt.namespaced else None
        if req.names is None:
            if not (ctx.flag("all") or ctx.flag("selector") or ctx.flag("field-selector")):
                raise CommandError("resource(s) were provided, but no name was specified")
            items, _ = ctx.client.list(req.rt.kind, None if all_ns else ns,
                                       label_selector=ctx.flag("selector") or None,
                                       field_selector=ctx.flag("field-selector") or None)
            objs += items
            continue
        for name in req.names:
            try:
                objs.append(ctx.client.get(req.rt.kind, ns, name))
            except NotFound as err:
                errors.append(err)
    return objs, single, errors


def _validate(ctx: Ctx, kind: Kind, resources: list[str], new: dict[str, str],
              remove: list[str], dry: str) -> None:
    if ctx.flag("list") and ctx.flag("output"):
        raise CommandError("--list and --output may not be specified together")
    if ctx.flag("all") and ctx.flag("selector"):
        raise CommandError("cannot set --all and --selector at the same time")
    if ctx.flag("all") and ctx.flag("field-selector"):
        raise CommandError("cannot set --all and --field-selector at the same time")
    if ctx.flag("local"):
        if dry == "server":
            raise CommandError("cannot specify --local and --dry-run=server - did you mean "
                               "--dry-run=client?")
        if resources:
            raise CommandError(f"can only use local files by -f {kind.files} when --local=true "
                               "is set")
        if not ctx.flag("filename"):
            raise CommandError(f"one or more files must be specified as -f {kind.files}")
    elif not resources and not ctx.flag("filename"):
        raise CommandError("one or more resources must be specified as <resource> <name> or "
                           "<resource>/<name>")
    if not new and not remove and not ctx.flag("list"):
        raise CommandError(f"at least one {kind.word} update is required")


def _print_list(ctx: Ctx, kind: Kind, obj: dict[str, Any], single: bool) -> None:
    indent = ""
    if not single:
        indent = " "
        api = obj.get("apiVersion", "")
        group = api.split("/")[0] if "/" in api else ""
        title = "labels" if kind is LABEL else "annotations"
        ctx.out.write(f"Listing {title} for {obj['kind']}.{group}/{obj['metadata']['name']}:\n")
    # kubectl walks a Go map here (random order); kubenb sorts the keys.
    for k, v in sorted((obj["metadata"].get(kind.field) or {}).items()):
        ctx.out.write(f"{indent}{k}={v}\n")


def _run(ctx: Ctx, args: list[str], kind: Kind) -> int:
    dry = dry_run_strategy(ctx.flag("dry-run"))
    resources, pairs = split_args(args, kind.word)
    new, remove = parse_changes(kind, pairs)
    spec = output_spec(ctx)
    _validate(ctx, kind, resources, new, remove, dry)
    objs, single, errors = _targets(ctx, kind, resources)
    rv = ctx.flag("resource-version")
    if rv and not single:
        raise CommandError("--resource-version may only be used with a single resource")
    overwrite = ctx.flag("overwrite")
    local = ctx.flag("local") or dry == "client" or ctx.flag("list")
    for obj in objs:
        if rv:
            obj["metadata"].pop("resourceVersion", None)
        old = copy.deepcopy(obj)
        if not local and kind is LABEL:
            for key in remove:
                if key not in (obj["metadata"].get("labels") or {}):
                    ctx.out.write(f'label "{key}" not found.\n')
        try:
            added, removed = change(kind, obj, new, remove, overwrite, rv)
        except CommandError as err:
            errors.append(err)  # type: ignore[arg-type]
            continue
        shown = obj
        if not local:
            patch = merge_patch_diff(old, obj)
            try:
                result = ctx.client.patch(obj["kind"], obj["metadata"].get("namespace"),
                                          obj["metadata"]["name"], patch, "merge",
                                          dry_run=dry == "server")
            except ApiError as err:
                errors.append(err)
                continue
            if kind is ANNOTATION:
                shown = result
        if ctx.flag("list"):
            _print_list(ctx, kind, shown, single)
            continue
        word = (label_message(old, obj, overwrite, added, removed) if kind is LABEL
                else "annotated")
        print_object(ctx, spec, shown, operation_text(word, dry))
    for err in errors:
        text = (f"error: {err.message}" if isinstance(err, CommandError)
                else server_error(err))
        ctx.err.write(text + "\n")
    return 1 if errors else 0


def run_label(ctx: Ctx, args: list[str]) -> int:
    return _run(ctx, args, LABEL)


def run_annotate(ctx: Ctx, args: list[str]) -> int:
    return _run(ctx, args, ANNOTATION)


COMMANDS = [
    Command("label", "Update the labels on a resource", run_label, FLAGS),
    Command("annotate", "Update the annotations on a resource", run_annotate, FLAGS),
]
