"""`kubectl top node|pod`: CPU and memory from the Metrics API (metrics.k8s.io/v1beta1).

The metrics come from an addon behind the client's `metrics(kind, namespace, name=None,
label_selector=None)` capability, which returns NodeMetrics / PodMetrics dicts as the
Metrics API serves them, or None while the API is not available (kubectl then says
`error: Metrics API not available`). The table is kubectl's metrics printer: every cell ends
in a TAB, so lines carry trailing padding.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from kubenb.api.objects import Obj
from kubenb.api.quantity import parse_quantity
from kubenb.cli.kubectl.app import Command, CommandError, Ctx
from kubenb.cli.kubectl.flags import Flag
from kubenb.cli.kubectl.printers.tabwriter import get_tabbed

NODE_COLUMNS = ("NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)")
POD_COLUMNS = ("NAME", "CPU(cores)", "MEMORY(bytes)")


def _fetch(ctx: Ctx, kind: str, namespace: str | None, name: str | None, selector: str) -> list[Obj]:
    items = ctx.client.metrics(kind, namespace, name=name, label_selector=selector or None)
    if items is None:
        raise CommandError("Metrics API not available")
    return items


def _q(value: Any) -> Fraction:
    """A quantity (API text, or an already summed Fraction) as an exact number."""
    if isinstance(value, Fraction):
        return value
    return Fraction(parse_quantity(value)) if value not in (None, "") else Fraction(0)


def milli(value: Any) -> int:
    """Quantity.MilliValue(): rounded up."""
    q = _q(value) * 1000
    return -((-q.numerator) // q.denominator)


def whole(value: Any) -> int:
    """Quantity.Value(): rounded up."""
    q = _q(value)
    return -((-q.numerator) // q.denominator)


def usage_cells(usage: Obj, available: Obj | None) -> list[str]:
    """printAllResourceUsages: `250m`, `1200Mi`, and `%` columns when capacity is known."""
    cells: list[str] = []
    for res in ("cpu", "memory"):
        value = usage.get(res, "0")
        cells.append(f"{milli(value)}m" if res == "cpu" else f"{whole(value) // (1024 * 1024)}Mi")
        if available is not None and res in available:
            cells.append(f"{int(milli(value) / milli(available[res]) * 100)}%")
    return cells


def _line(cells: list[str]) -> str:
    return "".join(c + "\t" for c in cells) + "\n"


def _check_sort(ctx: Ctx) -> str:
    sort_by = ctx.flag("sort-by")
    if sort_by not in ("", "cpu", "memory"):
        raise CommandError("--sort-by accepts only cpu or memory")
    return str(sort_by)


def run_node(ctx: Ctx, args: list[str]) -> int:
    sort_by = _check_sort(ctx)
    name = args[0] if args else None
    if name and ctx.flag("selector"):
        raise CommandError("only one of NAME or selector can be provided")
    metrics = _fetch(ctx, "Node", None, name, ctx.flag("selector"))
    if not metrics:
        raise CommandError("metrics not available yet")
    if name:
        nodes = [ctx.client.get("Node", None, name)]
    else:
        nodes, _ = ctx.client.list("Node", None, label_selector=ctx.flag("selector") or None)
    key = "capacity" if ctx.flag("show-capacity") else "allocatable"
    available = {n["metadata"]["name"]: (n.get("status") or {}).get(key) or {} for n in nodes}
    metrics = sorted(metrics, key=_sort_key(sort_by, lambda m: m.get("usage") or {}))
    text = "" if ctx.flag("no-headers") else _line(list(NODE_COLUMNS))
    for m in metrics:
        node = m["metadata"]["name"]
        text += _line([node, *usage_cells(m.get("usage") or {}, available.pop(node, {}))])
    for node in available:
        text += _line([node, "<unknown>", "<unknown>", "<unknown>", "<unknown>"])
    ctx.out.write(get_tabbed(text))
    return 0


def _pod_usage(m: Obj) -> Obj:
    total = {"cpu": Fraction(0), "memory": Fraction(0)}
    for c in m.get("containers") or []:
        for res in total:
            total[res] += _q((c.get("usage") or {}).get(res))
    return dict(total)


def _sort_key(sort_by: str, usage: Callable[[Obj], Obj]) -> Callable[[Obj], Any]:
    if sort_by == "cpu":
        return lambda m: -milli(usage(m).get("cpu"))
    if sort_by == "memory":
        return lambda m: -whole(usage(m).get("memory"))
    return lambda m: (m["metadata"].get("namespace", ""), m["metadata"]["name"])


def run_pod(ctx: Ctx, args: list[str]) -> int:
    sort_by = _check_sort(ctx)
    name = args[0] if args else None
    if name and ctx.flag("selector"):
        raise CommandError("only one of NAME or selector can be provided")
    all_ns = ctx.flag("all-namespaces")
    metrics = _fetch(ctx, "Pod", None if all_ns else ctx.namespace, name, ctx.flag("selector"))
    if not metrics:
        pods = [ctx.client.get("Pod", ctx.namespace, name)] if name else ctx.client.list(
            "Pod", ctx.namespace, label_selector=ctx.flag("selector") or None)[0]
        if pods:
            raise CommandError("metrics not available yet")
        ctx.err.write("No resources found\n" if all_ns else f"No resources found in {ctx.namespace} namespace.\n")
        return 0
    if not all_ns:
        metrics = sorted(metrics, key=lambda m: m["metadata"]["name"])
    metrics = sorted(metrics, key=_sort_key(sort_by, _pod_usage))
    containers = ctx.flag("containers")
    header: list[str] = []
    if all_ns:
        header.append("NAMESPACE")
    if containers:
        header.append("POD")
    text = "" if ctx.flag("no-headers") else _line(header + list(POD_COLUMNS))
    for m in metrics:
        lead = [m["metadata"].get("namespace", "")] if all_ns else []
        if containers:
            rows = sorted(m.get("containers") or [], key=_sort_key(sort_by, lambda c: c.get("usage") or {})
                          if sort_by else lambda c: c.get("name", ""))
            for c in rows:
                text += _line(lead + [m["metadata"]["name"], c.get("name", ""),
                                      *usage_cells(c.get("usage") or {}, None)])
        else:
            text += _line(lead + [m["metadata"]["name"], *usage_cells(_pod_usage(m), None)])
    if ctx.flag("sum"):
        width = len(POD_COLUMNS) + len(header)
        text += _line([""] * (width - 2) + ["________", "________"])
        total = {"cpu": sum((_q(_pod_usage(m)["cpu"]) for m in metrics), Fraction(0)),
                 "memory": sum((_q(_pod_usage(m)["memory"]) for m in metrics), Fraction(0))}
        text += _line([""] * (width - 3) + ["", *usage_cells(total, None)])
    ctx.out.write(get_tabbed(text))
    return 0


def _flags() -> tuple[Flag, ...]:
    return (Flag("selector", "string", short="l"), Flag("sort-by", "string"), Flag("no-headers", "bool"),
            Flag("use-protocol-buffers", "bool", True))


NODE = Command("node", "Display resource (CPU/memory) usage of nodes", run_node,
               _flags() + (Flag("show-capacity", "bool"),), aliases=("nodes", "no"))
POD = Command("pod", "Display resource (CPU/memory) usage of pods", run_pod, _flags() + (
    Flag("all-namespaces", "bool", short="A"), Flag("containers", "bool"), Flag("field-selector", "string"),
    Flag("sum", "bool")), aliases=("pods", "po"))
COMMAND = Command("top", "Display resource (CPU/memory) usage", None).add(NODE, POD)
