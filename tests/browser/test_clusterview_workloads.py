"""Workloads in a real JupyterLab: a completed Job pod stays on its node drawn as completed,
the legend names the Job, and the header's kube-system checkbox hides and shows the
kube-system pods every cluster has (the control plane's mirror pods, coredns, kube-proxy on
each node, storage-provisioner).

Every wait is on a DOM or kernel condition. Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest

from .lab import LabServer, NotebookPage, write_notebook

pytestmark = pytest.mark.browser

VIEW = ".kubenb-clusterview"
LIVE_CHIP = ".kubenb-pod:not(.kubenb-exit)"
SYSTEM = f'{VIEW} {LIVE_CHIP}[data-namespace="kube-system"]'

CELLS = [
    "%load_ext kubenb\n%minikube start --nodes=2 --driver=sim",
    "%kubectl get pods -n kube-system --no-headers",
    "%kubectl create deployment web --image=nginx --replicas=2\n"
    "%kubectl create job pi --image=busybox -- sh -c 'exit 0'\n"
    "%kubectl wait --for=condition=complete job/pi --timeout=120s\n"
    "%kubectl rollout status daemonset/kube-proxy -n kube-system --timeout=120s\n"
    "%kubectl rollout status deployment/web --timeout=120s",
    "import kubenb\nkubenb.show()",
    "%minikube delete",
]


def wait_js(nb: NotebookPage, predicate: str, arg: Any = None, timeout: float = 90_000) -> None:
    nb.page.wait_for_function(predicate, arg=arg, timeout=timeout)


def count(nb: NotebookPage, selector: str) -> int:
    return int(nb.page.locator(selector).count())


def test_completed_job_pod_and_the_kube_system_toggle(lab_server: LabServer, page: Any) -> None:
    write_notebook(lab_server.root / "workloads.ipynb", CELLS)
    nb = NotebookPage(page, lab_server, "workloads.ipynb").open()
    for i in range(4):
        nb.run_cell(i)
    nb.wait_cell_done(3, timeout=240_000)
    assert "job.batch/pi condition met" in nb.output_text(2)

    # The Job's pod: inside a node card, Completed, faded with a ✓; the legend names the Job.
    pi = f'{VIEW} .kubenb-node {LIVE_CHIP}[data-name^="pi-"]'
    nb.page.wait_for_selector(pi, timeout=60_000)
    wait_js(nb, """(sel) => {
        const el = document.querySelector(sel);
        return el && el.dataset.state === 'Completed'
            && el.classList.contains('kubenb-finished-succeeded');
    }""", pi)
    chip = nb.page.locator(pi).first
    assert chip.inner_text() == "✓"
    assert chip.get_attribute("data-workload") == "job/default/pi"
    assert float(chip.evaluate("el => getComputedStyle(el).opacity")) < 0.8
    assert chip.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(108, 117, 125)"
    legend = nb.page.locator(f'{VIEW} .kubenb-workload[data-key="job/default/pi"]')
    assert legend.locator(".kubenb-workload-name").inner_text() == "job/pi"
    assert legend.locator(".kubenb-workload-summary").inner_text() == "Complete 1/1"
    web = nb.page.locator(f"{VIEW} .kubenb-deploy[data-key='default/web'] .kubenb-deploy-name")
    assert web.inner_text() == "deployment/web"
    # Hidden by default: no kube-system chip, no kube-system legend entry.
    wait_js(nb, """(sel) => document.querySelectorAll(sel + ' .kubenb-pod[data-state="Running"]')
        .length === 2""", VIEW)
    assert count(nb, SYSTEM) == 0
    assert count(nb, f'{VIEW} .kubenb-workload[data-key^="daemonset/kube-system/"]') == 0
    toggle = nb.page.locator(f"{VIEW} .kubenb-system-toggle input")
    assert toggle.is_checked() is False
    nb.screenshot(VIEW, "workloads-1-system-hidden.png")

    # Show kube-system: every pod `kubectl get pods -n kube-system` listed appears.
    system = sorted(line.split()[0] for line in nb.output_text(1).splitlines() if line.strip())
    assert len(system) == 8  # 4 mirror pods, coredns, 2 kube-proxy, storage-provisioner
    toggle.check()
    wait_js(nb, "([sel, n]) => document.querySelectorAll(sel).length === n", [SYSTEM, len(system)])
    names = sorted(nb.page.locator(SYSTEM).evaluate_all("els => els.map(e => e.dataset.name)"))
    assert names == system and "etcd-minikube" in names
    proxy = nb.page.locator(f'{VIEW} .kubenb-workload[data-key="daemonset/kube-system/kube-proxy"]')
    assert proxy.locator(".kubenb-workload-name").inner_text() == "kube-system/ds/kube-proxy"
    nb.screenshot(VIEW, "workloads-2-system-shown.png")

    # And hide them again; the Job's completed pod is still where it was.
    toggle.uncheck()
    wait_js(nb, """(sel) => document.querySelectorAll(sel).length === 0""", SYSTEM)
    assert count(nb, pi) == 1
    nb.screenshot(VIEW, "workloads-3-system-hidden-again.png")

    nb.run_cell(4)
    nb.wait_cell_done(4)
