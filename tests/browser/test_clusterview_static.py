"""The snapshot MIME renderer and the themes, in a real JupyterLab.

A cell displays a raw bundle with `application/vnd.kubenb.clusterview+json` (a snapshot as
in PROTOCOL.md §3) next to a `text/html` fallback: JupyterLab must draw it with the
extension's read-only picture. Then the live view of a stand-in widget must stay readable
in JupyterLab's dark theme (text against its card at WCAG AA contrast).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .lab import LabServer, NotebookPage, write_notebook

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
MIME = "application/vnd.kubenb.clusterview+json"


def _snapshot() -> dict[str, Any]:
    def node(name: str, ready: str = "Ready") -> dict[str, Any]:
        return {"name": name, "roles": [], "ip": None, "ready": ready, "unschedulable": False,
                "cpu": {"requested": 250, "allocatable": 2000},
                "memory": {"requested": 64 << 20, "allocatable": 4 << 30}, "pods": 2}

    def pod(i: int, node: str | None, state: str = "Running") -> dict[str, Any]:
        return {"uid": f"u{i}", "name": f"web-5f6c7d8e9-{i:05d}", "namespace": "default",
                "node": node, "phase": "Running", "state": state, "ready": "1/1",
                "restarts": 0, "ip": None, "image": "nginx", "owner": "default/web",
                "revision": "5f6c7d8e9", "created": "2026-11-26T19:40:00Z",
                "reason": None if node else "0/2 nodes are available: 2 Insufficient cpu."}

    used = node("minikube")
    used["cpu"]["used"], used["memory"]["used"] = 1000, 1 << 30  # the Metrics API's reading
    return {"seq": 3, "time": "2026-11-26T19:41:00Z", "cluster": "saved", "error": None,
            "aggregated": False, "unscheduled": 1,
            "nodes": [used, node("minikube-m02", "NotReady")],
            "pods": [pod(1, "minikube"), pod(2, "minikube"), pod(3, "minikube-m02", "Terminating"),
                     pod(4, None, "Pending")],
            "deployments": [{"key": "default/web", "name": "web", "namespace": "default",
                             "desired": 4, "updated": 4, "ready": 2, "available": 2,
                             "image": "nginx", "color": 1,
                             "revisions": [{"hash": "5f6c7d8e9", "revision": 1, "image": "nginx",
                                            "pods": 4, "current": True}]}],
            "services": [], "events": []}


CELLS = [
    "from IPython.display import display\n"
    f"display({{{MIME!r}: {_snapshot()!r}, "
    "'text/html': '<b class=\"fallback\">static fallback</b>', 'text/plain': 'ClusterView'}, raw=True)",
    f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"
    "from tests.browser.standin import ProtocolWidget\n"
    "ProtocolWidget(nodes=3, pods=12)",
]


def _luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", rgb)[:3])

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_snapshot_renderer_and_dark_theme(lab_server: LabServer, page: Any) -> None:
    write_notebook(lab_server.root / "static.ipynb", CELLS)
    nb = NotebookPage(page, lab_server, "static.ipynb").open()
    nb.run_all()
    nb.wait_cell_done(1)

    snap = ".kubenb-snapshot.kubenb-clusterview"
    page.wait_for_selector(f"{snap} .kubenb-node", timeout=60_000)
    assert page.locator(f"{snap} .kubenb-node").count() == 2
    assert page.locator(f"{snap} .kubenb-node .kubenb-pod").count() == 3
    assert page.locator(f"{snap} .kubenb-pending .kubenb-pod").count() == 1
    assert page.locator(f"{snap} button").count() == 0          # read-only
    assert page.locator(".fallback").count() == 0               # the renderer won over HTML
    status = page.locator(f'{snap} .kubenb-node[data-node="minikube-m02"] .kubenb-node-status')
    assert status.inner_text() == "NotReady"
    nb.screenshot(".kubenb-snapshot", "static-snapshot.png")
    # What the Metrics API says a node uses, over its requests (none on a node without a reading)
    bars = page.locator(f'{snap} .kubenb-node[data-node="minikube"] .kubenb-bar-cpu')
    assert bars.locator(".kubenb-bar-use").is_visible()
    assert bars.locator(".kubenb-bar-label").inner_text() == "1 used · 250m / 2"
    assert page.locator(f'{snap} .kubenb-node[data-node="minikube-m02"] .kubenb-bar-use').evaluate_all(
        "els => els.every(el => el.hidden)")

    # Compact on a narrow screen: cards share a row, bars lose their names
    card = page.locator(f"{snap} .kubenb-node").first
    assert card.evaluate("el => el.getBoundingClientRect().width") == 210
    page.set_viewport_size({"width": 900, "height": 1000})  # the output area: about 470 px
    try:
        page.wait_for_function(
            "(sel) => document.querySelector(sel).getBoundingClientRect().width < 210",
            arg=f"{snap} .kubenb-node", timeout=30_000)
        assert page.locator(f"{snap} .kubenb-bar-name").first.is_hidden()
        tops = page.locator(f"{snap} .kubenb-node").evaluate_all(
            "els => els.map(el => Math.round(el.getBoundingClientRect().top))")
        assert len(set(tops)) == 1, tops  # both nodes on one row
        nb.screenshot(".kubenb-snapshot", "static-snapshot-compact.png")
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})

    live = ".jp-OutputArea-output .kubenb-clusterview:not(.kubenb-readonly)"
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel + ' .kubenb-pod').length === 12", arg=live,
        timeout=60_000)
    # A control whose command fails shows the error text the kernel sends back.
    page.locator(f"{live} .kubenb-deploy button[data-verb='scale-up']").first.click()
    page.wait_for_function(
        "(sel) => { const a = document.querySelector(sel + ' .kubenb-action');"
        " return a && a.dataset.status === 'failed'; }", arg=live, timeout=30_000)
    assert page.locator(f"{live} .kubenb-action-error").first.inner_text() == (
        "error: the stand-in widget has no cluster")
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', "
                      "{ theme: t })", theme)
        page.wait_for_function("(t) => document.body.dataset.jpThemeName === t", arg=theme,
                               timeout=30_000)
        colors = page.locator(f"{live} .kubenb-node").first.evaluate("""card => {
            const name = card.querySelector('.kubenb-node-name');
            const dim = card.querySelector('.kubenb-node-roles');
            return { bg: getComputedStyle(card).backgroundColor,
                     fg: getComputedStyle(name).color, dim: getComputedStyle(dim).color };
        }""")
        assert contrast(colors["fg"], colors["bg"]) >= 4.5, (theme, colors)
        assert contrast(colors["dim"], colors["bg"]) >= 3.0, (theme, colors)
        nb.screenshot(live, f"theme-{theme.split()[-1].lower()}.png")
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', "
                  "{ theme: 'JupyterLab Light' })")


def test_saved_notebook_shows_the_snapshot(lab_server: LabServer, page: Any) -> None:
    """A saved ClusterView output whose widget model is gone (no kernel state) falls back
    from the widget view to this package's snapshot renderer, not to an error."""
    output = {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": "0123456789abcdef"},
        MIME: _snapshot(), "text/html": "<b class='fallback'>static fallback</b>",
        "text/plain": "ClusterView(cluster='saved')"}}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [{"cell_type": "code", "id": "c0", "metadata": {}, "execution_count": 1,
                   "source": "kubenb.show()", "outputs": [output]}]}
    (lab_server.root / "saved.ipynb").write_text(json.dumps(nb))
    NotebookPage(page, lab_server, "saved.ipynb").open()
    snap = ".kubenb-snapshot.kubenb-clusterview"
    page.wait_for_selector(f"{snap} .kubenb-node", timeout=60_000)
    assert page.locator(f"{snap} .kubenb-pod").count() == 4
    assert page.locator(".fallback").count() == 0
