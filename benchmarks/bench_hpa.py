"""The horizontal pod autoscaler on the process runtime: seconds from load to the first scale-up.

A process-runtime cluster with the metrics-server addon on (what `%minikube start` and
`minikube addons enable metrics-server` make, default timings), a Deployment of one pod with
a 200m CPU request whose busybox container burns a core (`while :; do :; done`), and an
autoscaling/v2 HPA at 50 % CPU, min 1, max 5. The load starts when the store first shows the
container running; measured up to the moment the HPA's `status.desiredReplicas` exceeds 1 and the
Deployment's `spec.replicas` exceeds 1. Expected: two metrics scrapes
(`Timings.metrics_resolution`, 5 s) plus up to one HPA sync period (15 s), as on minikube
(15 s + 15 s there).

Usage: python benchmarks/bench_hpa.py [--runs 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from typing import Any

from kubenb.cluster import Cluster

BURN = ["sh", "-c", "while :; do :; done"]


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "burn", "namespace": "default", "labels": {"app": "burn"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "burn"}},
                 "template": {"metadata": {"labels": {"app": "burn"}},
                              "spec": {"containers": [{
                                  "name": "burn", "image": "busybox", "command": BURN,
                                  "resources": {"requests": {"cpu": "200m"}}}]}}},
    }


def hpa() -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "burn", "namespace": "default"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "burn"},
                 "minReplicas": 1, "maxReplicas": 5,
                 "metrics": [{"type": "Resource", "resource": {
                     "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]},
    }


def running(cluster: Cluster) -> bool:
    for p in cluster.store.list("Pod", "default", label_selector="app=burn"):
        for cs in (p.get("status") or {}).get("containerStatuses") or []:
            if "running" in (cs.get("state") or {}):
                return True
    return False


def scaled_up(cluster: Cluster) -> bool:
    h = cluster.store.get("HorizontalPodAutoscaler", "default", "burn")
    d = cluster.store.get("Deployment", "default", "burn")
    return int((h.get("status") or {}).get("desiredReplicas") or 0) > 1 and d["spec"]["replicas"] > 1


def once() -> tuple[float, float]:
    """(seconds from the load starting to the scale-up, from the HPA's creation)."""
    with tempfile.TemporaryDirectory() as state:
        cluster = Cluster("bench-hpa", runtime="process", state_dir=state,
                          node_subnet="192.168.230")
        cluster.metrics_enabled = True
        cluster.start()
        try:
            cluster.store.create(hpa())
            created = time.monotonic()
            cluster.store.create(deployment())
            cluster.wait_for(lambda: running(cluster), 60)
            load = time.monotonic()
            cluster.wait_for(lambda: scaled_up(cluster), 120)
            done = time.monotonic()
            return done - load, done - created
        finally:
            cluster.stop()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    took = []
    for i in range(args.runs):
        from_load, from_hpa = once()
        took.append(from_load)
        print(f"run {i + 1}: first scale-up {from_load:.1f} s after the load started "
              f"({from_hpa:.1f} s after the HPA was created)")
    if len(took) > 1:
        print(f"median {statistics.median(took):.1f} s over {len(took)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
