"""End to end: a notebook in a real JupyterLab drives a cluster, and ClusterView follows.

The notebook starts a 3-node cluster and a 4-replica deployment and shows the widget; the
test checks the chips inside the node cards in chromium, scales, stops a node, clicks the
widget's own scale control and reads `%kubectl get deploy` back. Every wait is on a DOM or
kernel condition. Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .lab import LabServer, NotebookPage, write_notebook

pytestmark = pytest.mark.browser

VIEW = ".kubenb-clusterview"
LIVE_CHIP = ".kubenb-pod:not(.kubenb-exit)"

CELLS = [
    "%load_ext kubenb\n%minikube start --nodes=3 --driver=sim",
    "%kubectl create deployment web --image=nginx --replicas=4\n"
    "%kubectl rollout status deployment/web --timeout=120s",
    "import kubenb\nkubenb.show()",
    "%kubectl scale deployment/web --replicas=6",
    "%minikube node stop minikube-m02",
    "%kubectl get deploy web",
    "%kubectl wait --for=jsonpath='{.spec.replicas}'=8 deployment/web --timeout=90s",
    "%minikube delete",
]


def chips_on(nb: NotebookPage, node: str | None = None, state: str | None = None) -> int:
    where = f'{VIEW} .kubenb-node[data-node="{node}"]' if node else f"{VIEW} .kubenb-node"
    sel = f"{where} {LIVE_CHIP}" + (f'[data-state="{state}"]' if state else "")
    return int(nb.page.locator(sel).count())


def wait_js(nb: NotebookPage, predicate: str, arg: Any = None, timeout: float = 90_000) -> None:
    nb.page.wait_for_function(predicate, arg=arg, timeout=timeout)


def wait_chips(nb: NotebookPage, n: int, timeout: float = 90_000) -> None:
    """Waits until exactly `n` Running chips sit inside node cards (none in the Pending lane)."""
    wait_js(nb, """([view, chip, n]) => {
        const root = document.querySelector(view);
        if (!root) return false;
        const inCards = root.querySelectorAll('.kubenb-node ' + chip + '[data-state="Running"]');
        const all = root.querySelectorAll(chip);
        return inCards.length === n && all.length === n;
    }""", [VIEW, LIVE_CHIP, n], timeout)


def test_clusterview_follows_the_notebook(lab_server: LabServer, page: Any) -> None:
    write_notebook(lab_server.root / "e2e.ipynb", CELLS)
    nb = NotebookPage(page, lab_server, "e2e.ipynb").open()
    for i in range(3):
        nb.run_cell(i)
    nb.wait_cell_done(2)

    # 3 node cards, 4 chips, all inside node cards.
    nb.page.wait_for_selector(f"{VIEW} .kubenb-node", timeout=60_000)
    wait_chips(nb, 4)
    cards = nb.page.locator(f"{VIEW} .kubenb-node")
    assert [cards.nth(i).get_attribute("data-node") for i in range(cards.count())] == [
        "minikube", "minikube-m02", "minikube-m03"]
    assert nb.page.locator(f"{VIEW} .kubenb-deploy[data-key='default/web']").count() == 1
    # The chip's border colour is the Running colour of PROTOCOL.md §7.
    border = nb.page.locator(f"{VIEW} {LIVE_CHIP}").first.evaluate(
        "el => getComputedStyle(el).borderTopColor")
    assert border == "rgb(46, 139, 87)"
    nb.screenshot(VIEW, "e2e-1-four-pods.png")

    # Scale to 6 from a cell.
    nb.run_cell(3)
    wait_chips(nb, 6)
    nb.screenshot(VIEW, "e2e-2-six-pods.png")

    # A node failure: the card turns NotReady, its pods come back on the other nodes.
    on_m02 = chips_on(nb, "minikube-m02")
    assert on_m02 > 0
    nb.run_cell(4)
    wait_js(nb, """(view) => {
        const c = document.querySelector(view + ' .kubenb-node[data-node="minikube-m02"]');
        return c && c.dataset.ready !== 'Ready'
            && c.querySelector('.kubenb-node-status').textContent.startsWith('NotReady');
    }""", VIEW)
    wait_js(nb, """([view, chip]) => {
        const others = ['minikube', 'minikube-m03'].map(n => document.querySelectorAll(
            view + ' .kubenb-node[data-node="' + n + '"] ' + chip + '[data-state="Running"]').length);
        return others[0] + others[1] === 6;
    }""", [VIEW, LIVE_CHIP], timeout=120_000)
    card = nb.page.locator(f'{VIEW} .kubenb-node[data-node="minikube-m02"]')
    assert "kubenb-node-notready" in (card.get_attribute("class") or "")
    nb.screenshot(VIEW, "e2e-3-node-stopped.png")

    # The widget's own control: + on the deployment → 7 replicas, and kubectl agrees.
    nb.page.locator(f"{VIEW} .kubenb-deploy[data-key='default/web'] "
                    "button[data-verb='scale-up']").click()
    action = nb.page.locator(f"{VIEW} .kubenb-action").first
    assert "kubectl scale deployment/web --replicas=7" in action.inner_text()
    wait_js(nb, """(view) => {
        const a = document.querySelector(view + ' .kubenb-action');
        return a && a.dataset.status === 'ok';
    }""", VIEW)
    assert "deployment.apps/web scaled" in action.inner_text()
    wait_chips_total = """([view, chip]) =>
        document.querySelectorAll(view + ' ' + chip + ':not([data-state="Terminating"])').length === 7"""
    wait_js(nb, wait_chips_total, [VIEW, LIVE_CHIP])
    nb.run_cell(5)
    text = nb.wait_output(5, r"^web\s+\d/7\s+\d\s+\d\s+")
    assert re.search(r"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$", text, re.M), text
    nb.screenshot(VIEW, "e2e-4-scaled-from-widget.png")

    # A click while a cell is busy acts at once: this cell waits for the very scale-up
    # that the click performs (queued clicks would make it time out instead).
    nb.run_cell(6)
    wait_js(nb, """() => window.jupyterapp.shell.currentWidget
        .sessionContext.session.kernel.status === 'busy'""")
    nb.page.locator(f"{VIEW} .kubenb-deploy[data-key='default/web'] "
                    "button[data-verb='scale-up']").click()
    nb.wait_output(6, r"^deployment.apps/web condition met$", timeout=90_000)
    action = nb.page.locator(f"{VIEW} .kubenb-action").first
    assert "--replicas=8" in action.inner_text()
    assert action.get_attribute("data-status") == "ok"
    nb.screenshot(VIEW, "e2e-5-clicked-while-busy.png")

    # set image from the widget: a rollout; the bar ends with only the new ReplicaSet.
    deploy = nb.page.locator(f"{VIEW} .kubenb-deploy[data-key='default/web']")
    old_hash = deploy.locator(".kubenb-seg-new").get_attribute("data-hash")
    nb.wait_cell_done(6)
    image = deploy.locator(".kubenb-image-input")
    image.fill("nginx:1.26")
    assert image.input_value() == "nginx:1.26"
    image.press("Enter")    # keyboard, so a shifting page cannot make it miss
    wait_js(nb, """(view) => {
        const a = document.querySelector(view + ' .kubenb-action');
        return a && a.textContent.includes('set image deployment/web *=nginx:1.26');
    }""", VIEW, timeout=10_000)
    wait_js(nb, """([view, old]) => {
        const d = document.querySelector(view + ' .kubenb-deploy[data-key="default/web"]');
        const segs = d.querySelectorAll('.kubenb-seg');
        return d.querySelector('.kubenb-deploy-image').textContent === 'nginx:1.26'
            && segs.length === 1 && segs[0].classList.contains('kubenb-seg-new')
            && segs[0].dataset.hash !== old && segs[0].textContent === '8';
    }""", [VIEW, old_hash], timeout=120_000)
    assert "kubectl set image deployment/web *=nginx:1.26" in nb.page.locator(
        f"{VIEW} .kubenb-action").first.inner_text()
    nb.screenshot(VIEW, "e2e-6-rolled-out.png")

    nb.run_cell(7)
    nb.wait_cell_done(7)
