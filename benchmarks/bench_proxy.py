"""Request latency through kube-proxy (NodePort) against straight to the pod IP.

Each request opens a new TCP connection and sends one HTTP GET (what `curl` does), first to
the pod's own address, then to `http://<node ip>:<nodePort>` on the same run, interleaved so
load on the machine hits both alike. Reports min / median / p95 milliseconds and the median
ratio (target ≤ 1.5×).

Pods: with `--runtime process` (the default when `kubenb.node.runtime.process` exists) a
bootcamp Deployment of one replica on the process runtime; with `--runtime standin` a
threaded Python HTTP server bound to a pod address stands in for the pod, with a selector-less
Service and hand-written Endpoints in front of it (the proxy path is the same).

Usage: python benchmarks/bench_proxy.py [--requests 500] [--runtime process|standin]
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import importlib.util
import ipaddress
import statistics
import sys
import tempfile
import threading
import time
from typing import Any

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster
from kubenb.node.runtime import RUNTIMES, RuntimeEntry
from kubenb.node.runtime.sim import SimRuntime


class StandInRuntime(SimRuntime):
    """The sim runtime claiming a real network: kube-proxy runs, pods are stand-ins."""

    real_network = True


def get_once(host: str, port: int) -> float:
    """Seconds for one GET on a fresh connection, body read to the end."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    return time.perf_counter() - t0


def compare(pod: tuple[str, int], node_port: tuple[str, int], requests: int) -> dict[str, Any]:
    """Interleaved latencies (seconds) straight to the pod and through the NodePort."""
    for _ in range(20):  # warm up both paths
        get_once(*pod)
        get_once(*node_port)
    direct, proxied = [], []
    for _ in range(requests):
        direct.append(get_once(*pod))
        proxied.append(get_once(*node_port))
    return {"direct": direct, "proxied": proxied,
            "ratio": statistics.median(proxied) / statistics.median(direct)}


def _row(name: str, xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[int(len(xs) * 0.95) - 1]
    return f"{name:<22} min {xs[0] * 1e3:6.3f} ms  median {statistics.median(xs) * 1e3:6.3f} ms  p95 {p95 * 1e3:6.3f} ms"


def standin(cluster: Cluster) -> tuple[tuple[str, int], tuple[str, int], Any]:
    class Hello(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            body = b"Hello Kubernetes bootcamp! | Running on: standin | v=1\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    pod_ip = str(ipaddress.ip_network(cluster.addresses.pod_cidr(1))[200])
    server = http.server.ThreadingHTTPServer((pod_ip, 8080), Hello)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    svc = cluster.store.create({"apiVersion": "v1", "kind": "Service",
                                "metadata": {"name": "bench", "namespace": "default"},
                                "spec": {"type": "NodePort", "ports": [{"port": 8080}]}})
    cluster.store.create({"apiVersion": "v1", "kind": "Endpoints",
                          "metadata": {"name": "bench", "namespace": "default"},
                          "subsets": [{"addresses": [{"ip": pod_ip, "nodeName": "bench"}],
                                       "ports": [{"port": 8080, "protocol": "TCP"}]}]})
    node_port = (cluster.addresses.node_ip(1), svc["spec"]["ports"][0]["nodePort"])
    cluster.wait_for(lambda: node_port in cluster.kube_proxy.addresses(), timeout=10)

    def close() -> None:
        server.shutdown()
        server.server_close()

    return (pod_ip, 8080), node_port, close


def bootcamp(cluster: Cluster) -> tuple[tuple[str, int], tuple[str, int], Any]:
    from kubenb.cli.kubectl.main import kubectl
    from kubenb.client.inprocess import InProcessClient

    client = InProcessClient.for_cluster(cluster)
    for line in ("create deployment bench --image=gcr.io/google-samples/kubernetes-bootcamp:v1",
                 "expose deployment bench --type=NodePort --port 8080"):
        kubectl(line.split(), client, sys.stdout, sys.stderr)

    def ready() -> list[dict[str, Any]]:
        return [p for p in cluster.store.list("Pod", "default") if is_pod_ready(p)]

    cluster.wait_for(lambda: bool(ready()), timeout=60)
    pod_ip = ready()[0]["status"]["podIP"]
    svc = cluster.store.get("Service", "default", "bench")
    node_port = (cluster.addresses.node_ip(1), svc["spec"]["ports"][0]["nodePort"])
    cluster.wait_for(lambda: node_port in cluster.kube_proxy.addresses(), timeout=10)
    return (pod_ip, 8080), node_port, lambda: None


def main() -> int:
    have_process = importlib.util.find_spec("kubenb.node.runtime.process") is not None
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--runtime", choices=("process", "standin"),
                    default="process" if have_process else "standin")
    ap.add_argument("--target", type=float, default=1.5)
    args = ap.parse_args()
    if args.runtime == "standin":
        RUNTIMES["process"] = RuntimeEntry(__name__, "StandInRuntime")
    with tempfile.TemporaryDirectory() as state:
        # profile subnet 230: addresses no default-plan cluster on this machine uses
        cluster = Cluster("bench", runtime="process", state_dir=state,
                          node_subnet="192.168.230").start()
        try:
            cluster.wait_for(lambda: bool(cluster.store.list("Node")), timeout=30)
            pod, node_port, close = (standin if args.runtime == "standin" else bootcamp)(cluster)
            try:
                r = compare(pod, node_port, args.requests)
            finally:
                close()
        finally:
            cluster.stop()
    print(f"{args.requests} requests, new connection each, runtime {args.runtime}")
    print(_row(f"pod {pod[0]}:{pod[1]}", r["direct"]))
    print(_row(f"NodePort {node_port[0]}:{node_port[1]}", r["proxied"]))
    ok = r["ratio"] <= args.target
    print(f"median ratio {r['ratio']:.2f}x (target <= {args.target}x): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
