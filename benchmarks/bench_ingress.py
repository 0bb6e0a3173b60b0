"""Request latency through the ingress addon's controller against straight to the pod IP.

`minikube addons enable ingress` on a process-runtime cluster, a bootcamp Deployment of one
replica behind a Service and an Ingress (host `bench.local`, path `/`). Each request opens
a new TCP connection and sends one HTTP GET (what `curl` does), first to the pod's own
address, then to `http://<node ip>:80` with `Host: bench.local`, interleaved so load on the
machine hits both alike, from a
client process of its own (curl's place). Reports min / median / p95 milliseconds and the median ratio
(target ≤ 1.5×). Binding port 80 needs root (or net.ipv4.ip_unprivileged_port_start ≤ 80).

Usage: python benchmarks/bench_ingress.py [--requests 500]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster
from kubenb.net.ingress_controller import set_enabled

HOST = "bench.local"


def get_once(host: str, port: int, header: str | None = None) -> float:
    """Seconds for one GET on a fresh connection, body read to the end."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", "/", headers={"Host": header} if header else {})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200, resp.status
    finally:
        conn.close()
    return time.perf_counter() - t0


_CLIENT = """
import json, sys
from benchmarks.bench_ingress import get_once
a, b, n = json.loads(sys.argv[1])
for _ in range(20):
    get_once(*a)
    get_once(*b)
out = [[], []]
for _ in range(n):
    out[0].append(get_once(*a))
    out[1].append(get_once(*b))
print(json.dumps(out))
"""


def measure(direct: tuple[str, int, str | None], ingress: tuple[str, int, str | None],
            requests: int) -> tuple[list[float], list[float]]:
    """Interleaved latencies from a client process of its own (as curl would be): a client in
    the kernel's process would share its interpreter lock with the controller."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", _CLIENT, json.dumps([direct, ingress, requests])],
                          capture_output=True, text=True, check=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": root})
    a, b = json.loads(done.stdout)
    return a, b


def _row(name: str, xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[int(len(xs) * 0.95) - 1]
    return f"{name:<26} min {xs[0] * 1e3:6.3f} ms  median {statistics.median(xs) * 1e3:6.3f} ms  p95 {p95 * 1e3:6.3f} ms"


def setup(cluster: Cluster) -> str:
    from kubenb.cli.kubectl.main import kubectl
    from kubenb.client.inprocess import InProcessClient

    client = InProcessClient.for_cluster(cluster)
    for line in ("create deployment bench --image=gcr.io/google-samples/kubernetes-bootcamp:v1",
                 "expose deployment bench --port 8080",
                 f"create ingress bench --rule={HOST}/*=bench:8080"):
        kubectl(line.split(), client, sys.stdout, sys.stderr)

    def ready() -> list[dict[str, Any]]:
        return [p for p in cluster.store.list("Pod", "default") if is_pod_ready(p)]

    cluster.wait_for(lambda: bool(ready()), timeout=60)
    cluster.wait_for(lambda: bool(((cluster.store.try_get("Endpoints", "default", "bench") or {})
                                   .get("subsets") or [{}])[0].get("addresses")), timeout=30)
    cluster.wait_for(lambda: bool((cluster.store.get("Ingress", "default", "bench").get("status") or {})
                                  .get("loadBalancer")), timeout=30)
    return str(ready()[0]["status"]["podIP"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--target", type=float, default=1.5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as state:
        # profile subnet 231: addresses no default-plan cluster on this machine uses
        cluster = Cluster("bench", runtime="process", state_dir=state, node_subnet="192.168.231").start()
        try:
            cluster.wait_for(lambda: bool(cluster.store.list("Node")), timeout=30)
            set_enabled(cluster, True)
            pod_ip = setup(cluster)
            node_ip = cluster.addresses.node_ip(1)
            direct, ingress = measure((pod_ip, 8080, None), (node_ip, 80, HOST), args.requests)
            set_enabled(cluster, False)
        finally:
            cluster.stop()
    ratio = statistics.median(ingress) / statistics.median(direct)
    print(f"{args.requests} requests, new connection each, process runtime")
    print(_row(f"pod {pod_ip}:8080", direct))
    print(_row(f"Ingress {node_ip}:80 ({HOST})", ingress))
    ok = ratio <= args.target
    print(f"median ratio {ratio:.2f}x (target <= {args.target}x): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
