"""Time to N Ready bootcamp pods: the docker runtime against the process runtime, same run.

For each runtime (docker first, then process when it is importable), rounds of: start a
2-node cluster on the real clock, `create deployment` of the bootcamp image with N replicas,
wait until every pod is Ready and answers HTTP on its IP, stop the cluster. Reported per
runtime: best and median seconds from the create to the last answer, and how long the
cluster's stop took. The docker runtime's images are built first (and timed) so the rounds
measure pods, not the offline build.

Usage: python benchmarks/bench_docker.py [--pods 10] [--rounds 3] [--runtimes docker,process]
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
import urllib.request
from typing import Any

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster
from kubenb.node.runtime import RUNTIMES

IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"


def _deployment(replicas: int) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "kubernetes-bootcamp", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "bootcamp"}},
                     "template": {"metadata": {"labels": {"app": "bootcamp"}},
                                  "spec": {"containers": [{"name": "kubernetes-bootcamp",
                                                           "image": IMAGE}]}}}}


def _answers(ip: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{ip}:8080/", timeout=2) as r:
            return r.read().startswith(b"Hello Kubernetes bootcamp!")
    except OSError:
        return False


def one_round(runtime: str, pods: int, index: int) -> dict[str, float]:
    # A profile network of its own (127.211.x), away from clusters of tests running meanwhile
    c = Cluster(f"bench-{runtime}-{index}", nodes=2, runtime=runtime, node_subnet="192.168.211")
    c.start()
    try:
        c.wait_for(lambda: len(c.store.list("Node")) == 2, timeout=60)
        started = time.monotonic()
        c.store.create(_deployment(pods))

        def ready() -> bool:
            found = c.store.list("Pod", "default")
            return len(found) == pods and all(is_pod_ready(p) for p in found)

        c.wait_for(ready, timeout=300)
        ready_at = time.monotonic() - started
        ips = [p["status"]["podIP"] for p in c.store.list("Pod", "default")]
        c.wait_for(lambda: all(_answers(ip) for ip in ips), timeout=60)
        answered_at = time.monotonic() - started
    finally:
        stop_started = time.monotonic()
        c.stop()
        stopped = time.monotonic() - stop_started
        c.clock.loop.close()
    return {"ready": ready_at, "answering": answered_at, "stop": stopped}


def available(runtime: str) -> bool:
    try:
        importlib.import_module(RUNTIMES[runtime].module)
        return True
    except ImportError:
        return False


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pods", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runtimes", default="docker,process")
    args = ap.parse_args(argv)
    report: dict[str, Any] = {"pods": args.pods, "rounds": args.rounds}
    for runtime in args.runtimes.split(","):
        if not available(runtime):
            report[runtime] = "not available"
            continue
        if runtime == "docker":
            from kubenb.node.docker_images import build
            from kubenb.node.runtime.docker_engine import EngineUnavailable, new_client

            try:
                client = new_client()
            except EngineUnavailable as err:
                report[runtime] = err.message
                continue
            t = time.monotonic()
            build(client, force=True)
            report["docker_image_build_s"] = round(time.monotonic() - t, 2)
            client.close()
        rounds = [one_round(runtime, args.pods, i) for i in range(args.rounds)]
        report[runtime] = {k: {"best": round(min(r[k] for r in rounds), 2),
                               "median": round(statistics.median(r[k] for r in rounds), 2)}
                           for k in ("ready", "answering", "stop")}
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
