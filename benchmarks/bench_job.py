"""A Job of many completions on sim nodes: how fast the Job controller drives it to Complete.

Builds a sim cluster (`--nodes`, virtual clock, so the only cost is kubenb's own work),
creates a Job with `--completions` completions at `--parallelism`, whose pods run a
command that exits 0 at once, and measures wall-clock seconds and virtual (cluster) seconds
until the Job's Complete condition is True. It also checks the controller's promise on the
way: never more active pods than the parallelism. Reports JSON.

Usage: PYTHONPATH=. python benchmarks/bench_job.py [--completions 1000] [--parallelism 50]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from kubenb.api.pods import condition_true, is_pod_active
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster


def job(completions: int, parallelism: int) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "crunch", "namespace": "default"},
            "spec": {"completions": completions, "parallelism": parallelism,
                     "template": {"spec": {"restartPolicy": "Never", "containers": [{
                         "name": "c", "image": "busybox", "command": ["sh", "-c", "exit 0"]}]}}}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--completions", type=int, default=1000)
    parser.add_argument("--parallelism", type=int, default=50)
    args = parser.parse_args()
    clock = VirtualClock()
    cluster = Cluster("bench", nodes=args.nodes, runtime="sim", seed=1, clock=clock).start()
    peak = 0
    active: set[str] = set()

    def watch_active(event: Any) -> None:
        nonlocal peak
        pod = event["object"]
        uid = pod["metadata"]["uid"]
        if event["type"] != "DELETED" and is_pod_active(pod):
            active.add(uid)
        else:
            active.discard(uid)
        peak = max(peak, len(active))

    watcher = cluster.store.watch("Pod", watch_active, namespace="default")  # the Job's pods
    try:
        proxy = ("DaemonSet", "kube-system", "kube-proxy")  # kube-system settled first
        cluster.wait_for(lambda: sum(condition_true(n, "Ready")
                                     for n in cluster.store.list("Node")) == args.nodes and (
            cluster.store.get(*proxy).get("status") or {}).get("numberReady") == args.nodes, 600)
        t0, v0 = time.perf_counter(), clock.monotonic()
        cluster.store.create(job(args.completions, args.parallelism))
        cluster.wait_for(lambda: condition_true(cluster.store.get("Job", "default", "crunch"),
                                                "Complete"), timeout=10 ** 6)
        wall, virtual = time.perf_counter() - t0, clock.monotonic() - v0
        status = cluster.store.get("Job", "default", "crunch")["status"]
        print(json.dumps({"nodes": args.nodes, "completions": args.completions,
                          "parallelism": args.parallelism, "succeeded": status.get("succeeded"),
                          "peak_active_pods": peak, "wall_s": round(wall, 2),
                          "cluster_s": round(virtual, 1),
                          "completions_per_wall_s": round(args.completions / wall, 1)}, indent=2))
    finally:
        watcher.stop()
        cluster.stop()


if __name__ == "__main__":
    main()
