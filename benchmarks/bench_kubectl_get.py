"""`kubectl get pods` latency on a 1,000-pod cluster: the command a learner types most.

Builds a sim cluster on a virtual clock through the magics a learner would use
(`%minikube start --nodes=N`, `%kubectl create deployment … --replicas=R`), waits until every
pod is Ready, then times `kubectl get pods` (default namespace, every pod listed):
- through the kubectl entry point with an in-process client (the CLI alone),
- through `%kubectl` in a real IPython InteractiveShell (line splitting, session lookup, tee),
- and `get pods -o wide` through the entry point, for comparison.
Reports min / median / p95 milliseconds per run and whether the median meets the target.

Usage: python benchmarks/bench_kubectl_get.py [--nodes 10] [--deployments 10] [--replicas 100]
       [--runs 20] [--target-ms 100]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from IPython.core.interactiveshell import InteractiveShell

from kubenb.api.pods import is_pod_ready
from kubenb.cli import session
from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from kubenb.clock import VirtualClock
from kubenb.profiles import Profiles

IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"


def timings(fn: Callable[[], None], runs: int) -> dict[str, float]:
    fn()  # warm-up: imports, caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "min_ms": round(samples[0], 2),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 2),
    }


def magic(ip: InteractiveShell, line: str) -> Any:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        result = ip.run_line_magic("kubectl", line)
    if result is None or result.exit_code != 0:
        raise SystemExit(f"%kubectl {line} failed")
    return result


def build(ip: InteractiveShell, nodes: int, deployments: int, replicas: int) -> Any:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        ip.run_line_magic("minikube", f"start --nodes={nodes} --seed=1")
    prof = session.profiles().current()
    if prof is None:
        raise SystemExit("minikube start failed")
    cluster = prof.cluster
    for i in range(deployments):
        magic(ip, f"create deployment app-{i} --image={IMAGE} --replicas={replicas}")
    total = deployments * replicas

    def all_ready() -> bool:
        pods = cluster.store.list("Pod", "default")
        return len(pods) == total and all(is_pod_ready(p) for p in pods)

    started = time.perf_counter()
    cluster.wait_for(all_ready, timeout=3600)
    cluster.advance(60)  # a minute later, as a learner would look
    return cluster, time.perf_counter() - started


def run(nodes: int, deployments: int, replicas: int, runs: int, target_ms: float) -> dict[str, Any]:
    old = session.reset(Profiles(clock_factory=VirtualClock, register_atexit=False))
    if old is not None:
        old.close()
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "kubenb")
    try:
        cluster, settle_s = build(ip, nodes, deployments, replicas)
        client = InProcessClient.for_cluster(cluster)

        def entry(argv: list[str]) -> Callable[[], None]:
            def call() -> None:
                out, err = io.StringIO(), io.StringIO()
                if kubectl(argv, client, out, err) != 0:
                    raise SystemExit(f"kubectl {' '.join(argv)} failed: {err.getvalue()}")
                rows = out.getvalue().count("\n") - 1
                if rows != deployments * replicas:
                    raise SystemExit(f"kubectl {' '.join(argv)} printed {rows} rows")
            return call

        result: dict[str, Any] = {
            "nodes": nodes,
            "pods": deployments * replicas,
            "runs": runs,
            "cluster_ready_wall_s": round(settle_s, 2),
            "get_pods_entry_point": timings(entry(["get", "pods"]), runs),
            "get_pods_magic": timings(lambda: magic(ip, "get pods"), runs),
            "get_pods_wide_entry_point": timings(entry(["get", "pods", "-o", "wide"]), runs),
            "target_ms": target_ms,
        }
        result["meets_target"] = all(result[k]["median_ms"] < target_ms for k in
                                     ("get_pods_entry_point", "get_pods_magic"))
        return result
    finally:
        reg = session.reset(None)
        if reg is not None:
            reg.close()


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=10)
    ap.add_argument("--deployments", type=int, default=10)
    ap.add_argument("--replicas", type=int, default=100)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--target-ms", type=float, default=100.0)
    args = ap.parse_args(argv)
    print(json.dumps(run(args.nodes, args.deployments, args.replicas, args.runs, args.target_ms),
                     indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
