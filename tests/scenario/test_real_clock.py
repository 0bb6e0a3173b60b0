"""The same control plane on the real clock and its background thread, as a notebook runs it."""

from __future__ import annotations

import threading

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster


def kubenb_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("kubenb-")]


def test_background_cluster_runs_a_deployment_and_stops_cleanly() -> None:
    before = kubenb_threads()
    c = Cluster("rt", nodes=2, seed=5).start()
    try:
        assert "kubenb-rt" in kubenb_threads()
        c.store.create({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
        })
        c.wait_for(lambda: sum(is_pod_ready(p) for p in c.store.list("Pod", "default")) == 2,
                   timeout=30)
    finally:
        c.stop()
    assert kubenb_threads() == before
    assert c.loop.is_closed() or not c.loop.is_running()
