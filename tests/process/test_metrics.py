"""The metrics-server addon on the process runtime: `kubectl top pod` shows measured usage."""

from __future__ import annotations

import io

from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from tests.process.conftest import FAST
from tests.process.util import REQUIRES_LOOPBACK, pod, run_pod

pytestmark = REQUIRES_LOOPBACK


def top_pods(cluster) -> dict[str, tuple[int, int]]:
    """`kubectl top pod` rows: name → (millicores, Mi)."""
    out, err = io.StringIO(), io.StringIO()
    kubectl(["top", "pod"], InProcessClient.for_cluster(cluster), out, err)
    rows = [line.split() for line in out.getvalue().splitlines()[1:]]
    return {r[0]: (int(r[1].rstrip("m")), int(r[2].rstrip("Mi"))) for r in rows}


def test_top_pod_shows_the_real_cpu_of_a_busy_loop_and_little_for_an_idle_pod(make_cluster):
    cluster = make_cluster(timings=FAST.with_(metrics_resolution=1.0))
    cluster.metrics_enabled = True
    run_pod(cluster, pod("burn", "busybox", command=["sh", "-c", "while :; do :; done"]))
    run_pod(cluster, pod("idle", "busybox", command=["sleep", "3600"]))
    cluster.wait_for(lambda: top_pods(cluster).get("burn", (0, 0))[0] > 300, 60)
    rows = top_pods(cluster)
    assert rows["idle"][0] < 50
    assert 0 < rows["burn"][1] < 100 and 0 < rows["idle"][1] < 100  # RSS of one small process


def test_a_pod_appears_only_after_two_scrapes_and_an_app_reports_the_agents_share(make_cluster):
    cluster = make_cluster(timings=FAST.with_(metrics_resolution=3.0))
    cluster.metrics_enabled = True
    run_pod(cluster, pod("web", "nginx"))
    assert "web" not in top_pods(cluster)  # not sampled twice yet: metrics-server leaves it out
    cluster.wait_for(lambda: "web" in top_pods(cluster), 30)
    pm = cluster.metrics("Pod", "default", "web")
    assert pm is not None and pm[0]["containers"][0]["usage"]["cpu"].endswith("n")
    assert top_pods(cluster)["web"][1] > 5  # the node agent's Python, all its own
