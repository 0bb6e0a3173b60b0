"""`kubectl get`: list or fetch objects, print them as tables or in an `-o` format, watch."""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import ApiError, BadRequest, NotFound
from kubenb.api.tables import table
from kubenb.cli.kubectl.app import Command, CommandError, Ctx, server_error
from kubenb.cli.kubectl.flags import Flag, parse_duration
from kubenb.cli.kubectl.output import parse_output, render_objects
from kubenb.cli.kubectl.printers.render import (
    WatchPrinter,
    multiple_kinds,
    no_resources_message,
    render_tables,
)
from kubenb.cli.kubectl.resources import NEED_TYPE, Request, resolve

FLAGS = (
    Flag("output", "string", short="o"),
    Flag("selector", "string", short="l"),
    Flag("field-selector", "string"),
    Flag("all-namespaces", "bool", short="A"),
    Flag("watch", "bool", short="w"),
    Flag("watch-only", "bool"),
    Flag("output-watch-events", "bool"),
    Flag("show-labels", "bool"),
    Flag("show-kind", "bool"),
    Flag("label-columns", "strings", short="L"),
    Flag("sort-by", "string"),
    Flag("no-headers", "bool"),
    Flag("template", "string"),
    Flag("ignore-not-found", "bool"),
    Flag("chunk-size", "int", 500),
    Flag("allow-missing-template-keys", "bool", True),
    Flag("show-managed-fields", "bool"),
    Flag("raw", "string"),
    Flag("subresource", "string"),
    Flag("filename", "stringArray", short="f"),
    Flag("recursive", "bool", short="R"),
)


def fetch(ctx: Ctx, req: Request, all_ns: bool,
          read_only: bool = False) -> tuple[list[dict[str, Any]], list[ApiError], str]:
    """Objects for one request, the per-name errors, and the list's resourceVersion.
    `read_only`: they are only printed as a table (no copies needed)."""
    ns = None if (all_ns or not req.rt.namespaced) else ctx.namespace
    if req.names is None:
        labels, fields = ctx.flag("selector") or "", ctx.flag("field-selector") or ""
        try:
            items, rv = ctx.client.list(req.rt.kind, ns, label_selector=labels or None,
                                        field_selector=fields or None, copy=not read_only)
        except (BadRequest, NotFound) as err:  # cli-runtime's selector visitor words it so
            gvr = f"{req.rt.api_version if req.rt.group else '/' + req.rt.version}, Resource={req.rt.plural}"
            err.message = (f'Unable to list "{gvr}": {err.message}' if not labels and not fields else
                           f'Unable to find "{gvr}" that match label selector "{labels}", field '
                           f'selector "{fields}": {err.message}')
            raise
        return items, [], rv
    found: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    for name in req.names:
        try:
            found.append(ctx.client.get(req.rt.kind, ns or ctx.namespace, name))
        except NotFound as err:
            if not ctx.flag("ignore-not-found"):
                errors.append(err)
    return found, errors, ""


def sort_objects(objects: list[dict[str, Any]], expr: str) -> list[dict[str, Any]]:
    from kubenb.cli.kubectl import templates

    return templates.sort_objects(objects, expr)


def run(ctx: Ctx, args: list[str]) -> int:
    if not args and not ctx.flag("filename"):
        ctx.err.write(NEED_TYPE.format(verb="get"))
        raise CommandError(
            "Required resource not specified.\nUse \"kubectl explain <resource>\" for a "
            "detailed description of that resource (e.g. kubectl explain pods).\n"
            "See 'kubectl get -h' for help and examples")
    spec = parse_output(ctx.flag("output"), ctx.flag("template"))
    spec.show_managed_fields = ctx.flag("show-managed-fields")
    if ctx.flag("label-columns") and not spec.table:
        pass  # kubectl ignores -L outside tables
    requests = resolve(ctx.client.registry, args)
    all_ns = ctx.flag("all-namespaces")
    if ctx.flag("watch") or ctx.flag("watch-only"):
        return watch(ctx, requests, spec, all_ns)
    groups = []
    objects: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    for req in requests:
        items, errs, _ = fetch(ctx, req, all_ns, read_only=spec.table and not ctx.flag("sort-by"))
        if ctx.flag("sort-by"):
            items = sort_objects(items, ctx.flag("sort-by"))
        errors += errs
        objects += items
        groups.append(table(req.rt.kind, items, ctx.client.now(), req.rt))
    if spec.table:
        show_kind = ctx.flag("show-kind") or multiple_kinds(groups) or any(
            a.lower() == "all" for a in args[:1])
        text = render_tables(
            groups, wide=spec.kind == "wide", no_headers=ctx.flag("no-headers"),
            show_kind=show_kind, with_namespace=all_ns, show_labels=ctx.flag("show-labels"),
            label_columns=ctx.flag("label-columns"))
        ctx.out.write(text)
        if not text and not errors:
            namespaced = all(r.rt.namespaced for r in requests)
            ctx.err.write(no_resources_message(ctx.namespace if namespaced and not all_ns else None))
    else:
        single = len(requests) == 1 and requests[0].names is not None and len(requests[0].names) == 1
        if objects or not single:
            ctx.out.write(render_objects(spec, objects, single and len(objects) == 1))
    for err in errors:
        ctx.err.write(server_error(err) + "\n")
    return 1 if errors else 0


def watch(ctx: Ctx, requests: list[Request], spec: Any, all_ns: bool) -> int:
    if len(requests) != 1:
        raise CommandError("you may only specify a single resource type")
    req = requests[0]
    items, errors, rv = fetch(ctx, req, all_ns)
    if errors:
        ctx.err.write(server_error(errors[0]) + "\n")
        return 1
    timeout = parse_duration(ctx.flag("request-timeout") or "0") or None
    printer = WatchPrinter(
        wide=spec.kind == "wide", no_headers=ctx.flag("no-headers"),
        with_namespace=all_ns, show_labels=ctx.flag("show-labels"),
        label_columns=tuple(ctx.flag("label-columns")),
        output_watch_events=ctx.flag("output-watch-events"))
    names = set(req.names or [])
    if not ctx.flag("watch-only"):
        if spec.table:
            ctx.out.write(printer.initial(table(req.rt.kind, items, ctx.client.now(), req.rt)))
        else:
            for obj in items:
                ctx.out.write(render_objects(spec, [obj], True))
        if hasattr(ctx.out, "flush"):
            ctx.out.flush()
    ns = None if (all_ns or not req.rt.namespaced) else ctx.namespace
    stream = ctx.client.watch(
        req.rt.kind, ns, label_selector=ctx.flag("selector") or None,
        field_selector=ctx.flag("field-selector") or None, resource_version=rv or None,
        timeout=timeout)
    try:
        for ev in stream:
            obj = ev["object"]
            if names and obj["metadata"]["name"] not in names:
                continue
            if spec.table:
                ctx.out.write(printer.event(ev["type"], table(req.rt.kind, [obj], ctx.client.now(), req.rt)))
            else:
                ctx.out.write(render_objects(spec, [obj], True))
            if hasattr(ctx.out, "flush"):
                ctx.out.flush()
    except KeyboardInterrupt:
        pass
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    return 0


COMMAND = Command("get", "Display one or many resources", run, FLAGS)
