"""The process runtime: start-up time, memory per pod and request latency, on a real clock.

Measures, with the bootcamp image on the process runtime:
- seconds from creating a Deployment of `--replicas` (10) to all of them Ready;
- RSS and PSS per running pod with `--pods` (50) of them: the sum over every process the
  runtime started (node agents and their children) divided by the pod count — the control
  plane in this process is not counted;
- latency of `--requests` (500) HTTP GETs straight to one pod's IP, a new TCP connection
  each (what curl does): min / median / p95 in milliseconds.
`EXTRA` holds further measures run on the same cluster; each gets the cluster, the pod's
address and the request count. `nodeport_latency` (in it by default when kube-proxy runs)
sends the same requests through a NodePort Service of the Deployment (kube-proxy spreads
them over all pods) and prints the ratio of medians; benchmarks/bench_proxy.py compares the
two paths interleaved on one pod.

Usage: python benchmarks/bench_process.py [--replicas 10] [--pods 50] [--requests 500] [--nodes 1]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import psutil

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster
from kubenb.config import NodeShape

IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"
# Further measures on the same cluster: f(cluster, (pod_ip, port), requests) -> printed lines.
EXTRA: list[Callable[[Cluster, tuple[str, int], int], list[str]]] = []


def deployment(name: str, replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": name, "image": IMAGE}]}}},
    }


def ready_pods(cluster: Cluster, app: str) -> list[dict[str, Any]]:
    pods = cluster.store.list("Pod", "default", label_selector=f"app={app}")
    return [p for p in pods if is_pod_ready(p) and not p["metadata"].get("deletionTimestamp")]


def scale(cluster: Cluster, name: str, replicas: int) -> None:
    d = cluster.store.get("Deployment", "default", name)
    d["spec"]["replicas"] = replicas
    cluster.store.update(d)


def memory(pods: int) -> tuple[float, float, int]:
    """(RSS MiB per pod, PSS MiB per pod, processes) over everything this process started."""
    rss = pss = 0
    procs = psutil.Process().children(recursive=True)
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / pods / 2**20, pss / pods / 2**20, len(procs)


def latency(ip: str, port: int, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        conn = http.client.HTTPConnection(ip, port, timeout=10)
        conn.request("GET", "/")
        conn.getresponse().read()
        conn.close()
        times.append((time.perf_counter() - start) * 1000)
    return times


def nodeport_latency(cluster: Cluster, pod: tuple[str, int], requests: int) -> list[str]:
    svc = cluster.store.create({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "bootcamp", "namespace": "default"},
        "spec": {"type": "NodePort", "selector": {"app": "bootcamp"},
                 "ports": [{"port": 8080, "targetPort": 8080, "protocol": "TCP"}]}})
    node_port = (cluster.addresses.node_ip(1), svc["spec"]["ports"][0]["nodePort"])
    cluster.wait_for(lambda: node_port in cluster.kube_proxy.addresses(), 30)
    direct = latency(*pod, requests)
    proxied = latency(*node_port, requests)
    ratio = statistics.median(proxied) / statistics.median(direct)
    return [row(f"{requests} requests straight to the pod (again)", direct),
            row(f"{requests} requests through NodePort {node_port[1]}", proxied),
            f"NodePort / pod IP median ratio: {ratio:.2f}"]


def row(name: str, xs: list[float]) -> str:
    xs = sorted(xs)
    return (f"{name}: min {xs[0]:.2f} ms, median {statistics.median(xs):.2f} ms, "
            f"p95 {xs[int(len(xs) * 0.95) - 1]:.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", type=int, default=10)
    ap.add_argument("--pods", type=int, default=50)
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--nodes", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as state:
        cluster = Cluster("bench", runtime="process", nodes=args.nodes, state_dir=state,
                          node_subnet="192.168.229", shape=NodeShape(pods=max(110, args.pods))).start()
        try:
            start = time.monotonic()
            cluster.store.create(deployment("bootcamp", args.replicas))
            cluster.wait_for(lambda: len(ready_pods(cluster, "bootcamp")) >= args.replicas, 120)
            took = time.monotonic() - start
            print(f"deployment of {args.replicas} bootcamp replicas: all Ready in {took:.2f} s")

            scale(cluster, "bootcamp", args.pods)
            cluster.wait_for(lambda: len(ready_pods(cluster, "bootcamp")) >= args.pods, 300)
            rss, pss, nprocs = memory(args.pods)
            print(f"{args.pods} running pods, {nprocs} processes: {rss:.2f} MiB RSS and "
                  f"{pss:.2f} MiB PSS per pod")

            pod = ready_pods(cluster, "bootcamp")[0]
            ip = pod["status"]["podIP"]
            print(row(f"{args.requests} requests straight to a pod IP", latency(ip, 8080, args.requests)))
            extra = EXTRA + ([nodeport_latency] if getattr(cluster, "kube_proxy", None) else [])
            for measure in extra:
                for line in measure(cluster, (ip, 8080), args.requests):
                    print(line)
        finally:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
