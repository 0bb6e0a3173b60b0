"""The topology as a matplotlib figure: the picture for PDFs, papers and plain `nbconvert`.

`topology_figure(state)` draws what `html.render_html` draws, from the same
`snapshot`-shaped dict: one rounded card per node (red edge when not Ready, dashed when
cordoned) with CPU and memory bars and a grid of pod chips (fill = owner colour, edge =
state; finished pods faded with ✓, failed ones ✗), then a Pending card, then a legend of
the workloads (`deployment/web`, `job/pi`, `ds/fluentd` … with their HPA). Every patch
carries a `gid` (`node:<name>`, `pod:<uid>`, `pending`, `workload:<key>`) so callers and
tests can find them. Uses `matplotlib.figure.Figure` directly, so
no pyplot state is touched.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from .html import owner_colors, pod_fill
from .records import BAD, PALETTE, WAIT, finished_mark, node_status_text, state_style
from .records_workload import hpa_text

_CARD_W, _CHIP, _GAP, _PER_ROW = 4.0, 0.32, 0.08, 10
_LEGEND_H = 0.32
_TEXT, _GRID = "#57606a", "#8c959f"  # mid greys: readable on light and dark backgrounds


def topology_png(state: dict[str, Any], **kwargs: Any) -> bytes:
    """The figure of `state` as PNG bytes (the picture a notebook keeps for static viewers)."""
    import io

    buf = io.BytesIO()
    topology_figure(state, **kwargs).savefig(buf, format="png")
    return buf.getvalue()


def _card_height(n_pods: int) -> float:
    rows = max(1, math.ceil(n_pods / _PER_ROW))
    return 1.5 + rows * (_CHIP + _GAP)


def topology_figure(state: dict[str, Any], *, columns: int | None = None,
                    dpi: int | None = None) -> Figure:
    """A Figure of node cards and pod chips for a `snapshot`-shaped state. By default the
    cards form a near-square grid (3 columns up to 9 cards) and big clusters get a lower
    dpi, so a 100-node picture stays about 2,000 pixels wide."""
    colors = owner_colors(state)
    by_node: dict[str | None, list[dict[str, Any]]] = {}
    for pod in state.get("pods", []):
        by_node.setdefault(pod["node"], []).append(pod)
    cards: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]] = [
        (n, by_node.get(n["name"], [])) for n in state.get("nodes", [])]
    if by_node.get(None) or state.get("unscheduled"):
        cards.append((None, by_node.get(None, [])))
    if columns is None:
        columns = max(3, math.ceil(math.sqrt(len(cards))))
    columns = max(1, min(columns, len(cards) or 1))
    rows = [cards[i:i + columns] for i in range(0, len(cards), columns)]
    heights = [max(_card_height(len(p)) for _, p in row) for row in rows] or [1.0]
    legend = _legend(state)
    width = columns * (_CARD_W + 0.3)
    height = sum(heights) + 0.3 * len(heights) + 0.6 + _LEGEND_H * len(legend)
    if dpi is None:
        dpi = max(40, min(100, int(2000 / (width * 0.9))))
    fig = Figure(figsize=(width * 0.9, height * 0.9), dpi=dpi)
    fig.patch.set_alpha(0.0)  # transparent: sits on a light or a dark page
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    title = f"{state.get('cluster') or 'cluster'}" + (f"  {state['time']}" if state.get("time") else "")
    if state.get("gone"):
        title += f"  — {state['gone']}"
    ax.text(0.15, height - 0.3, title, fontsize=10, color=_TEXT, va="center")
    top = height - 0.6
    for row, row_h in zip(rows, heights, strict=False):
        for col, (node, pods) in enumerate(row):
            _draw_card(ax, 0.15 + col * (_CARD_W + 0.3), top - row_h, row_h, node, pods,
                       colors, state)
        top -= row_h + 0.3
    for i, (gid, color, text) in enumerate(legend):
        y = top - (i + 1) * _LEGEND_H
        swatch = Rectangle((0.15, y), 0.2, 0.2, facecolor=PALETTE[color % len(PALETTE)],
                           linewidth=0)
        swatch.set_gid(gid)
        ax.add_artist(swatch)
        ax.text(0.45, y + 0.1, text, fontsize=7, color=_TEXT, va="center")
    return fig


def _legend(state: dict[str, Any]) -> list[tuple[str, int, str]]:
    """(gid, colour, text) per workload: the deployments, then the other workloads."""
    out = []
    for d in state.get("deployments", []):
        hpa = hpa_text(d.get("hpa"))
        text = f"{d.get('label', d['key'])}  {d['ready']}/{d['desired']} ready"
        out.append((f"workload:deployment/{d['key']}", d["color"],
                    text + (f"  {hpa}" if hpa else "")))
    for w in state.get("workloads", []):
        hpa = hpa_text(w.get("hpa"))
        out.append((f"workload:{w['key']}", w["color"],
                    f"{w['label']}  {w['summary']}" + (f"  {hpa}" if hpa else "")))
    return out


def _draw_card(ax: Any, x: float, y: float, h: float, node: dict[str, Any] | None,
               pods: list[dict[str, Any]], colors: dict[str, str], state: dict[str, Any]) -> None:
    edge, style = _GRID, "solid"
    if node is None:
        title, line2, gid, style = "Pending", f"{state.get('unscheduled', len(pods))} unscheduled", "pending", "dashed"
    else:
        gid, title = f"node:{node['name']}", node["name"]
        status = node_status_text(node)
        line2 = f"{status} · {node['pods']} pods · {','.join(node['roles']) or '<none>'}"
        if node["ready"] != "Ready":
            edge = BAD
        elif node["unschedulable"]:
            edge, style = WAIT, "dashed"
    card = FancyBboxPatch((x, y), _CARD_W, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                          facecolor="none", edgecolor=edge, linewidth=1.5, linestyle=style)
    card.set_gid(gid)
    ax.add_artist(card)
    ax.text(x + 0.15, y + h - 0.3, title, fontsize=9, fontweight="bold", color=_TEXT)
    ax.text(x + 0.15, y + h - 0.6, line2, fontsize=7, color=BAD if edge == BAD else _TEXT)
    if node is not None:
        for i, (label, used, total) in enumerate((
                ("cpu", node["cpu"]["requested"], node["cpu"]["allocatable"]),
                ("mem", node["memory"]["requested"], node["memory"]["allocatable"]))):
            by = y + h - 0.85 - i * 0.22
            ax.text(x + 0.15, by + 0.04, label, fontsize=6, color=_TEXT, va="center")
            ax.add_artist(Rectangle((x + 0.55, by), _CARD_W - 0.75, 0.08, facecolor=_GRID,
                                    alpha=0.35, linewidth=0))
            share = 0.0 if total <= 0 else min(1.0, used / total)
            ax.add_artist(Rectangle((x + 0.55, by), (_CARD_W - 0.75) * share, 0.08,
                                    facecolor="#4e79a7", linewidth=0))
        if "states" in node:
            text = "  ".join(f"{s} {n}" for s, n in node["states"].items())
            ax.text(x + 0.15, y + h - 1.4, text, fontsize=7, color=_TEXT)
            return
    elif pods and pods[0].get("reason"):
        ax.text(x + 0.15, y + h - 0.85, pods[0]["reason"][:70], fontsize=6, color=_TEXT)
    for i, pod in enumerate(pods):
        r, c = divmod(i, _PER_ROW)
        border, line = state_style(pod["state"], pod["ready"])
        cx, cy = x + 0.15 + c * (_CHIP + _GAP), y + h - 1.45 - r * (_CHIP + _GAP)
        mark = finished_mark(pod)
        chip = Rectangle((cx, cy), _CHIP, _CHIP, facecolor=pod_fill(pod, colors),
                         edgecolor=border, linewidth=1.6, linestyle=line,
                         alpha=0.45 if mark == "✓" else None)
        chip.set_gid(f"pod:{pod['uid']}")
        ax.add_artist(chip)  # no data-limit update per chip: the limits are set
        if mark:
            ax.text(cx + _CHIP / 2, cy + _CHIP / 2, mark, fontsize=7,
                    color="#1f2328" if mark == "✓" else "#ffffff",
                    ha="center", va="center", fontweight="bold")
