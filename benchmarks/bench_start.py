"""`minikube start` on the real clock: wall-clock seconds until the command returns, and until
kube-system's pods (mirror pods, CoreDNS, kube-proxy, storage-provisioner) are all Ready.

For each driver and node count, starts a fresh profile through the minikube command line
(`kubenb.cli.minikube.commands.minikube`, what `%minikube start` runs), waits for kube-system,
deletes the profile; `--runs` times each, reports the medians as JSON.

Usage: PYTHONPATH=. python benchmarks/bench_start.py [--runs 5] [--drivers sim,process]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time

from kubenb.cli.minikube.commands import minikube
from kubenb.profiles import Profiles


def system_ready(profiles: Profiles, name: str) -> bool:
    pods = profiles.get(name).cluster.store.list("Pod", "kube-system")
    return bool(pods) and all(
        any(c.get("type") == "Ready" and c.get("status") == "True"
            for c in (p.get("status") or {}).get("conditions") or []) for p in pods)


def once(driver: str, nodes: int) -> tuple[float, float]:
    home = tempfile.mkdtemp(prefix="bench-start-")
    profiles = Profiles(kubeconfig_path=os.path.join(home, "config"), home=home,
                        register_atexit=False)
    name = f"bench-{os.getpid()}"
    try:
        t0 = time.perf_counter()
        rc = minikube(["start", "-p", name, f"--driver={driver}", f"--nodes={nodes}", "--seed=1"],
                      io.StringIO(), io.StringIO(), profiles)
        started = time.perf_counter() - t0
        if rc != 0:
            raise SystemExit(f"minikube start failed with {rc}")
        profiles.get(name).cluster.wait_for(lambda: system_ready(profiles, name), 60)
        ready = time.perf_counter() - t0
        minikube(["delete", "-p", name], io.StringIO(), io.StringIO(), profiles)
        return started, ready
    finally:
        profiles.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drivers", default="sim,process")
    parser.add_argument("--nodes", default="1,3")
    args = parser.parse_args()
    once("sim", 1)  # imports and first-use caches out of the measurement
    result = {}
    for driver in args.drivers.split(","):
        for nodes in (int(n) for n in args.nodes.split(",")):
            runs = [once(driver, nodes) for _ in range(args.runs)]
            result[f"{driver}-{nodes}"] = {
                "start_s": round(statistics.median(r[0] for r in runs), 3),
                "kube_system_ready_s": round(statistics.median(r[1] for r in runs), 3)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
