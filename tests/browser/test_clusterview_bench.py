"""Benchmark mode of the browser test: how fast the front end draws a large cluster.

A protocol stand-in (standin.py) in a real kernel sends a 100-node / 1,000-pod snapshot and
coalesced deltas; the page measures, with `performance.now()`, the time from the model
handling a message to the updated DOM being laid out (a MutationObserver on the view's
`data-revision` forces layout, then reads the clock). Then the same for the aggregated form
of 100 nodes / 5,000 pods, and a sequence gap that must end in a resync. Numbers are printed
and written to tests/browser/artifacts/bench.json. The 100 ms budget is a benchmark target,
not a test condition (a loaded CI machine must not fail a correct front end):
KUBENB_BROWSER_BENCH=1 runs more rounds and checks the median against it.
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path
from typing import Any

import pytest

from .lab import ARTIFACTS, LabServer, NotebookPage, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
VIEW = ".kubenb-clusterview"
BENCH = os.environ.get("KUBENB_BROWSER_BENCH") == "1"
ROUNDS = 30 if BENCH else 8
TARGET_MS = 100.0

SETUP = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
from tests.browser.standin import ProtocolWidget
"""

OBSERVE = """(view) => {
    const root = document.querySelector(view);
    window.__kubenbSamples = [];
    new MutationObserver(() => {
        void root.offsetHeight;                       // style + layout of the new DOM
        const t = performance.now();
        window.__kubenbSamples.push({
            seq: Number(root.dataset.seq), ms: t - Number(root.dataset.receivedAt) });
    }).observe(root, { attributes: true, attributeFilter: ['data-revision'] });
}"""


FIRST_DRAW = """(view) => {
    // Every view that appears: its first draw (JS) plus the layout of the result.
    window.__kubenbFirstDraws = [];
    const seen = new WeakSet();
    new MutationObserver(() => {
        for (const root of document.querySelectorAll(view + '[data-revision]')) {
            if (seen.has(root)) continue;
            seen.add(root);
            const t0 = performance.now();
            void root.offsetHeight;
            window.__kubenbFirstDraws.push(Number(root.dataset.drawMs) + performance.now() - t0);
        }
    }).observe(document.body, { subtree: true, childList: true, attributes: true,
                                attributeFilter: ['data-revision'] });
}"""


def wait_seq(nb: NotebookPage, seq: int, timeout: float = 60_000) -> None:
    nb.page.wait_for_function(
        """([view, seq]) => {
            const r = document.querySelector(view);
            return r && Number(r.dataset.seq) >= seq;
        }""", arg=[VIEW, seq], timeout=timeout)


def samples(nb: NotebookPage) -> list[dict[str, float]]:
    return list(nb.page.evaluate("() => window.__kubenbSamples.splice(0)"))


CELLS = [SETUP, "w = ProtocolWidget(nodes=100, pods=1000)\nw",
         "w.close()\nw = ProtocolWidget(nodes=100, pods=5000, aggregate=True)\nw",
         "from IPython.display import display\ndisplay(w)\ndisplay(w)"]


def show(nb: NotebookPage, cell: int) -> None:
    """Runs the cell that displays a stand-in (outputs only reach the page from cells)."""
    nb.run_cell(cell)
    nb.wait_cell_done(cell)


def churn_rounds(nb: NotebookPage, changes: int, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        seq = int(nb.execute(f"print(w.churn({changes}))").strip())
        wait_seq(nb, seq)
        got = [s["ms"] for s in samples(nb) if s["seq"] == seq]
        assert got, f"no draw for seq {seq}"
        times.append(got[0])
    return times


def summary(times: list[float]) -> dict[str, float]:
    return {"min_ms": round(min(times), 1), "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1), "n": len(times)}


def test_large_cluster_draws_and_resyncs(lab_server: LabServer, page: Any) -> None:
    write_notebook(lab_server.root / "bench.ipynb", CELLS)
    nb = NotebookPage(page, lab_server, "bench.ipynb").open()
    show(nb, 0)
    results: dict[str, Any] = {}

    # 100 nodes / 1,000 pods: the first draw of three views of the same widget.
    nb.page.evaluate(FIRST_DRAW, VIEW)
    show(nb, 1)
    nb.page.wait_for_function(
        "(view) => document.querySelectorAll(view + ' .kubenb-node .kubenb-pod').length === 1000",
        arg=VIEW, timeout=60_000)
    assert nb.page.locator(f"{VIEW} .kubenb-node").count() == 100
    show(nb, 3)
    first = nb.page.wait_for_function(
        "() => window.__kubenbFirstDraws.length >= 3 && window.__kubenbFirstDraws", timeout=60_000)
    results["first_draw_1000_pods"] = summary(first.json_value())
    nb.page.evaluate(
        "() => document.querySelectorAll('.kubenb-clusterview').forEach((e, i) => i && e.remove())")
    nb.page.evaluate(OBSERVE, VIEW)
    rebuild = []
    for _ in range(3):
        seq = int(nb.execute("w.replace_all(); print(w.seq)").strip())
        wait_seq(nb, seq)
        rebuild += [s["ms"] for s in samples(nb) if s["seq"] == seq]
    # A snapshot in which every pod is new (1,000 removed, 1,000 created): reported only.
    results["snapshot_1000_pods_all_new"] = {"reported_ms": summary(rebuild)}
    results["delta_200_changes_1000_pods"] = summary(churn_rounds(nb, 200, ROUNDS))
    results["delta_20_changes_1000_pods"] = summary(churn_rounds(nb, 20, ROUNDS))
    live = nb.page.locator(f"{VIEW} .kubenb-node .kubenb-pod:not(.kubenb-exit)").count()
    assert live == 1000
    nb.screenshot(VIEW, "bench-1000-pods.png")

    # A skipped seq: the view asks for one resync and ends on the kernel's state.
    before = int(nb.execute("print(w.resyncs)"))  # one already: the view asks when rendered
    seq = int(nb.execute("print(w.churn(10, skip_seq=True))").strip())
    wait_seq(nb, seq + 1)   # the resync snapshot takes the next seq
    assert int(nb.execute("print(w.resyncs)")) == before + 1
    uids = nb.page.evaluate(f"""() => Array.from(document.querySelectorAll(
        '{VIEW} .kubenb-pod:not(.kubenb-exit)')).map(e => e.dataset.uid).sort()""")
    assert uids == sorted(json.loads(nb.execute("import json; print(json.dumps(list(w.pods)))")))
    samples(nb)

    # 100 nodes / 5,000 pods, aggregated by the kernel: counts per node, no chips.
    show(nb, 2)
    nb.page.wait_for_function(
        "(view) => document.querySelectorAll(view + ' .kubenb-node').length === 100"
        " && document.querySelector(view).dataset.aggregated === 'true'", arg=VIEW,
        timeout=60_000)
    assert nb.page.locator(f"{VIEW} .kubenb-pod").count() == 0
    nb.page.evaluate(OBSERVE, VIEW)
    results["delta_aggregated_5000_pods"] = summary(churn_rounds(nb, 500, ROUNDS))
    nb.screenshot(VIEW, "bench-5000-pods-aggregated.png")
    nb.execute("w.close()")

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    if BENCH:  # benchmark mode: the median of every measure within the budget
        for name, r in results.items():
            if "median_ms" in r:
                assert r["median_ms"] <= TARGET_MS, (name, r)
