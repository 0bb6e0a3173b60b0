"""`kubectl get pods` over 1,000 pods: the real kubectl binary through the HTTPS API server
versus kubenb's in-process kubectl, in the same run on the same cluster.

Builds a sim cluster on the real clock with an `ApiServer` (10 nodes, 10 deployments × 100
replicas by default), waits until every pod is Ready, then times:
- `kubectl get pods` with the real binary (`.venv/bin/kubectl`, 1.37; and `/usr/bin/kubectl`
  when present), a subprocess per run with a warm discovery cache — what `!kubectl` costs;
- the same binary with `-o json` (the full objects over the wire, no Table);
- `kubectl get pods` through kubenb's in-process entry point — what `%kubectl` costs.
Reports min / median / p95 milliseconds per run as JSON.

Usage: python benchmarks/bench_api.py [--nodes 10] [--deployments 10] [--replicas 100] [--runs 10]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kubenb.api.pods import is_pod_ready
from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from kubenb.cluster import Cluster
from kubenb.server import ApiServer

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"


def timings(fn: Callable[[], None], runs: int) -> dict[str, float]:
    fn()  # warm-up: discovery cache, imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"min_ms": round(samples[0], 1), "median_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--deployments", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    cluster = Cluster(nodes=args.nodes, seed=1)
    api = ApiServer()
    cluster.components.append(api)
    cluster.start()
    home = tempfile.mkdtemp(prefix="bench-api-")
    try:
        client = InProcessClient.for_cluster(cluster)
        for i in range(args.deployments):
            kubectl(["create", "deployment", f"app-{i}", f"--image={IMAGE}",
                     f"--replicas={args.replicas}"], client, io.StringIO(), io.StringIO())
        total = args.deployments * args.replicas

        def all_ready() -> bool:
            pods = cluster.store.list("Pod", "default")
            return len(pods) == total and all(is_pod_ready(p) for p in pods)

        cluster.wait_for(all_ready, timeout=600)
        config = os.path.join(home, "config")
        with open(config, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({
                "apiVersion": "v1", "kind": "Config", "current-context": "bench",
                "clusters": [{"name": "bench", "cluster": {
                    "server": api.url,
                    "certificate-authority-data": base64.b64encode(api.ca_data).decode()}}],
                "users": [{"name": "bench", "user": {"token": api.token}}],
                "contexts": [{"name": "bench", "context": {"cluster": "bench", "user": "bench"}}],
            }))
        env = {**os.environ, "KUBECONFIG": config, "HOME": home}

        def real(binary: str, *extra: str) -> Callable[[], None]:
            def run() -> None:
                done = subprocess.run([binary, "get", "pods", *extra], env=env,
                                      capture_output=True, check=False)
                if done.returncode != 0 or done.stdout.count(b"\n") < total:
                    raise SystemExit(f"{binary} failed: {done.stderr.decode()}")
            return run

        def inprocess() -> None:
            out = io.StringIO()
            if kubectl(["get", "pods"], client, out, io.StringIO()) != 0:
                raise SystemExit("in-process kubectl failed")

        results: dict[str, object] = {"pods": total, "nodes": args.nodes, "runs": args.runs}
        results["kubectl 1.37 get pods (https, Table)"] = timings(
            real(str(ROOT / ".venv" / "bin" / "kubectl")), args.runs)
        results["kubectl 1.37 get pods -o json (https)"] = timings(
            real(str(ROOT / ".venv" / "bin" / "kubectl"), "-o", "json"), args.runs)
        if shutil.which("/usr/bin/kubectl"):
            results["kubectl 1.32 get pods (https, Table)"] = timings(
                real("/usr/bin/kubectl"), args.runs)
        results["in-process kubectl get pods"] = timings(inprocess, args.runs)
        started = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "kubectl"), "version", "--client"],
                       env=env, capture_output=True, check=False)
        results["kubectl process start (version --client)"] = {
            "ms": round((time.perf_counter() - started) * 1000, 1)}
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
