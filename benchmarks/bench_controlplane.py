"""Control-plane throughput in the sim runtime: N nodes, D deployments x R replicas.

Measures, on the real clock and the real background thread a notebook uses:
- pods/s from the first `create deployment` to every pod Ready,
- p50 / p95 time from a pod's creation to its Ready condition,
- peak RSS of the process,
- the store's raw write rate (creates of bare ConfigMaps) as the ceiling to compare with.

Usage: python benchmarks/bench_controlplane.py [--nodes 100] [--deployments 10] [--replicas 100]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import threading
import time
from typing import Any

from kubenb.api.pods import is_pod_ready
from kubenb.api.store import Store
from kubenb.clock import RealClock
from kubenb.cluster import Cluster
from kubenb.config import NodeShape


def deployment(name: str, replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app",
                                         "image": "gcr.io/google-samples/kubernetes-bootcamp:v1"}]},
            },
        },
    }


def store_write_rate(n: int = 20_000) -> float:
    clock = RealClock()
    store = Store(clock, seed=0)
    store.ensure_namespaces()
    started = time.perf_counter()
    for i in range(n):
        store.create({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": f"cm-{i}", "namespace": "default"},
                      "data": {"k": "v"}})
    rate = n / (time.perf_counter() - started)
    clock.loop.close()
    return rate


def run(nodes: int, deployments: int, replicas: int) -> dict[str, Any]:
    total = deployments * replicas
    shape = NodeShape(cpu="8", memory="32Gi", pods=max(110, 2 * total // nodes))
    cluster = Cluster("bench", nodes=nodes, runtime="sim", seed=1, shape=shape).start()
    store = cluster.store
    created: dict[str, float] = {}
    ready: dict[str, float] = {}
    all_ready = threading.Event()

    def on_event(ev: Any) -> None:  # runs under the store lock: only bookkeeping here
        pod = ev["object"]
        name = pod["metadata"]["name"]
        now = time.perf_counter()
        if ev["type"] == "ADDED":
            created.setdefault(name, now)
        if name not in ready and is_pod_ready(pod):
            ready[name] = now
            if len(ready) >= total:
                all_ready.set()

    try:
        # the cluster as `minikube start` leaves it: every node with its kube-proxy pod Ready,
        # so the measured pods (namespace default) are the only work in flight
        cluster.wait_for(lambda: len(store.list("Node")) == nodes and (store.get(
            "DaemonSet", "kube-system", "kube-proxy").get("status") or {}).get("numberReady") == nodes,
            timeout=120)
        w = store.watch("Pod", on_event, namespace="default")
        started = time.perf_counter()
        for i in range(deployments):
            store.create(deployment(f"app-{i}", replicas))
        if not all_ready.wait(600):
            raise SystemExit(f"only {len(ready)}/{total} pods became Ready")
        elapsed = time.perf_counter() - started
        w.stop()
        latencies = sorted(ready[n] - created[n] for n in ready if n in created)
        return {
            "nodes": nodes,
            "pods": total,
            "seconds": round(elapsed, 3),
            "pods_per_second": round(total / elapsed, 1),
            "p50_time_to_ready_s": round(statistics.median(latencies), 3),
            "p95_time_to_ready_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        cluster.stop()


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--deployments", type=int, default=10)
    ap.add_argument("--replicas", type=int, default=100)
    args = ap.parse_args(argv)
    result = run(args.nodes, args.deployments, args.replicas)
    result["store_raw_creates_per_second"] = round(store_write_rate(), 1)
    result["ratio_to_store_ceiling"] = round(
        result["pods_per_second"] / result["store_raw_creates_per_second"], 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
