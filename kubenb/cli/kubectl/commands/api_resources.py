"""`kubectl api-resources`: the kinds the server serves, from the client's registry.

Rows are sorted as kubectl sorts discovery (by API group, core first, then by resource
name; `--sort-by=name|kind` changes the key), laid out by get's tabwriter. `-o wide` adds
VERBS and CATEGORIES, `-o name` prints `plural[.group]`. Filters: `--namespaced`,
`--api-group`, `--verbs`, `--categories` (each applies only when given).
"""

from __future__ import annotations

from kubenb.api.registry import ResourceType
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.printers.tabwriter import get_tabbed

FLAGS = (
    Flag("no-headers", "bool"),
    Flag("output", "string", short="o"),
    Flag("api-group", "string"),
    Flag("namespaced", "bool", True),
    Flag("verbs", "strings"),
    Flag("sort-by", "string"),
    Flag("cached", "bool"),
    Flag("categories", "strings"),
)


def select(resources: list[ResourceType], ctx: Ctx) -> list[ResourceType]:
    """The resource types that pass the command's filters, in kubectl's order."""
    flags = ctx.flags
    assert flags is not None
    out = []
    for rt in resources:
        if not rt.verbs:
            continue
        if flags.given("api-group") and ctx.flag("api-group") != rt.group:
            continue
        if flags.given("namespaced") and ctx.flag("namespaced") != rt.namespaced:
            continue
        if not set(ctx.flag("verbs")) <= set(rt.verbs):
            continue
        if not set(ctx.flag("categories")) <= set(rt.categories):
            continue
        out.append(rt)
    sort_by = ctx.flag("sort-by")
    primary = {"name": lambda r: r.plural, "kind": lambda r: r.kind}.get(sort_by, lambda r: r.group)
    return sorted(out, key=lambda r: (primary(r), r.plural))


def run(ctx: Ctx, args: list[str]) -> int:
    if args:
        raise CommandError(f"unexpected arguments: [{' '.join(args)}]\n"
                           "See 'kubectl api-resources -h' for help and examples")
    output = ctx.flag("output")
    if output not in ("", "wide", "name"):
        raise CommandError(f"--output {output} is not available")
    if ctx.flag("sort-by") not in ("", "name", "kind"):
        raise CommandError("--sort-by accepts only name or kind")
    rows = select(list(ctx.client.registry), ctx)
    if output == "name":
        ctx.out.write("".join(f"{rt.qualified}\n" for rt in rows))
        return 0
    lines = []
    if not ctx.flag("no-headers"):
        head = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        lines.append("\t".join(head + (["VERBS", "CATEGORIES"] if output == "wide" else [])))
    for rt in rows:
        cells = [rt.plural, ",".join(rt.short_names), rt.api_version,
                 "true" if rt.namespaced else "false", rt.kind]
        if output == "wide":
            cells += [",".join(rt.verbs), ",".join(rt.categories)]
        lines.append("\t".join(cells))
    ctx.out.write(get_tabbed("".join(line + "\n" for line in lines)))
    return 0


COMMAND = Command("api-resources", "Print the supported API resources on the server", run, FLAGS)

