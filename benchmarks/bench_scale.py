"""Scale: N sim nodes and D Deployments of R replicas applied with `kubectl apply`, to Ready.

The path a notebook takes: one `kubectl apply -f -` (kubectl's entry point with the in-process
client, as `%kubectl apply` calls it) carrying all D Deployments, on the real clock with the
control plane on its background thread. Measures, from the apply to every pod Ready:
- pods/s (wall) and pods per CPU-second of the whole process (less sensitive to other load
  on a shared machine; the load average is printed beside them),
- peak RSS of the process and RSS once everything is Ready,
- `kubectl get pods -A` over all pods through the same entry point (min / median of 3),
- the store's raw write rate (bare ConfigMap creates) as the ceiling, and the ratio;
- with `--heal`: a node stops (its kubelet goes silent); time until its pods are evicted and
  every replacement is Ready elsewhere.

Usage: python benchmarks/bench_scale.py [--nodes 100] [--deployments 10] [--replicas 1000] [--heal]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import sys
import threading
import time
from typing import Any

import yaml
from bench_controlplane import deployment, store_write_rate

from kubenb.api.pods import is_pod_ready
from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from kubenb.cluster import Cluster
from kubenb.config import NodeShape


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


class ReadyCount:
    """Counts pods of namespace default that are Ready (a watch; runs under the store lock)."""

    def __init__(self) -> None:
        self.ready: set[str] = set()
        self.target = 0
        self.done = threading.Event()

    def __call__(self, ev: Any) -> None:
        pod = ev["object"]
        name = pod["metadata"]["name"]
        if ev["type"] != "DELETED" and is_pod_ready(pod):
            self.ready.add(name)
        else:
            self.ready.discard(name)
        if self.target and len(self.ready) >= self.target:
            self.done.set()

    def wait(self, target: int, timeout: float, progress: float = 0) -> None:
        """Until `target` pods are Ready; every `progress` seconds a line on stderr."""
        self.target = target
        self.done.clear()
        started, cpu0 = time.perf_counter(), time.process_time()
        deadline = started + timeout
        while len(self.ready) < target and time.perf_counter() < deadline:
            if self.done.wait(progress or timeout):
                break
            print(f"{time.perf_counter() - started:7.1f} s  {len(self.ready):7d} Ready  "
                  f"{time.process_time() - cpu0:7.1f} CPU-s  {rss_mib():8.1f} MiB  {load()}",
                  file=sys.stderr, flush=True)
        if len(self.ready) < target:
            raise SystemExit(f"only {len(self.ready)}/{target} pods became Ready")


def kubectl_ok(client: InProcessClient, argv: list[str], stdin: str | None = None) -> str:
    out, err = io.StringIO(), io.StringIO()
    if kubectl(argv, client, out, err, stdin=stdin) != 0:
        raise SystemExit(f"kubectl {' '.join(argv)} failed: {err.getvalue()}")
    return out.getvalue()


def heal(cluster: Cluster, counter: ReadyCount, total: int) -> dict[str, Any]:
    """Stop the node with the most pods; time until its pods are evicted and every
    replacement is Ready."""
    store = cluster.store
    node = max((n["metadata"]["name"] for n in store.list("Node") if n["metadata"]["name"] != cluster.name),
               key=lambda n: len(store.list("Pod", "default", field_selector=f"spec.nodeName={n}")))
    lost = {p["metadata"]["name"] for p in store.list("Pod", "default", field_selector=f"spec.nodeName={node}")}
    started = time.perf_counter()
    cluster.stop_node(node)
    def evicted() -> bool:  # taint eviction marks them terminating (they stay until the node returns)
        pods = (store.try_get("Pod", "default", n) for n in lost)
        return all(p is None or p["metadata"].get("deletionTimestamp") for p in pods)

    cluster.wait_for(evicted, timeout=600)
    evicted = time.perf_counter() - started
    counter.wait(total, 600)
    return {"node_pods": len(lost), "evicted_s": round(evicted, 2),
            "all_ready_again_s": round(time.perf_counter() - started, 2)}


def run(nodes: int, deployments: int, replicas: int, with_heal: bool) -> dict[str, Any]:
    total = deployments * replicas
    if total > 250 * nodes:  # a node's /24 pod CIDR holds 254 pod IPs
        raise SystemExit(f"{total} pods do not fit on {nodes} nodes (at most 250 a node)")
    shape = NodeShape(cpu="8", memory="32Gi", pods=min(250, max(110, 2 * total // nodes)))
    load_before = load()
    cluster = Cluster("bench", nodes=nodes, runtime="sim", seed=1, shape=shape).start()
    store = cluster.store
    client = InProcessClient.for_cluster(cluster)
    counter = ReadyCount()
    try:
        cluster.wait_for(lambda: len(store.list("Node")) == nodes and (store.get(
            "DaemonSet", "kube-system", "kube-proxy").get("status") or {}).get("numberReady") == nodes,
            timeout=600)
        rss_nodes = rss_mib()
        w = store.watch("Pod", counter, namespace="default")
        manifest = yaml.safe_dump_all([deployment(f"app-{i}", replicas) for i in range(deployments)])
        cpu0, started = time.process_time(), time.perf_counter()
        kubectl_ok(client, ["apply", "-f", "-"], stdin=manifest)
        counter.wait(total, 3600, progress=15)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu0
        result: dict[str, Any] = {
            "nodes": nodes, "deployments": deployments, "pods": total,
            "seconds": round(elapsed, 2),
            "pods_per_second": round(total / elapsed, 1),
            "pods_per_cpu_second": round(total / cpu, 1),
            "rss_nodes_only_mib": rss_nodes,
            "rss_all_ready_mib": rss_mib(),
            "load_at_start": load_before, "load_at_end": load(),
        }
        samples = []
        for _ in range(3):
            t = time.perf_counter()
            rows = kubectl_ok(client, ["get", "pods", "-A"]).count("\n") - 1
            samples.append(time.perf_counter() - t)
        result["get_pods_A_rows"] = rows
        result["get_pods_A_s"] = {"min": round(min(samples), 2), "median": round(statistics.median(samples), 2)}
        if with_heal:
            result["node_failure"] = heal(cluster, counter, total)
        w.stop()
    finally:
        cluster.stop()
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--deployments", type=int, default=10)
    ap.add_argument("--replicas", type=int, default=1000)
    ap.add_argument("--heal", action="store_true")
    args = ap.parse_args(argv)
    result = run(args.nodes, args.deployments, args.replicas, args.heal)
    result["store_raw_creates_per_second"] = round(store_write_rate(), 1)
    result["ratio_to_store_ceiling"] = round(
        result["pods_per_second"] / result["store_raw_creates_per_second"], 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
