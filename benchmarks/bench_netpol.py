"""How soon a NetworkPolicy is enforced in the docker runtime's pod sandboxes.

A 1-node docker cluster runs N busybox pods; then, per round, a default-deny policy is
created and timed until every pod's sandbox has its iptables table (`SandboxFirewalls.sync`),
then deleted and timed until every table is emptied again. Reports best and median seconds.
Needs root, iptables-restore and a Docker engine (docker_netpol.missing_tools says why not).

Usage: python benchmarks/bench_netpol.py [--pods 6] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster
from kubenb.node.runtime.docker_netpol import missing_tools

DENY: dict[str, Any] = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                        "metadata": {"name": "deny", "namespace": "default"},
                        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}


def _pod(i: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"p{i}", "namespace": "default", "labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c", "image": "busybox",
                                     "command": ["sleep", "3600"]}]}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    why = missing_tools()
    if why is not None:
        print(why)
        return 1
    c = Cluster("bench-netpol", nodes=1, runtime="docker", node_subnet="192.168.213")
    c.start()
    try:
        c.wait_for(lambda: len(c.store.list("Node")) == 1, timeout=60)
        for i in range(args.pods):
            c.store.create(_pod(i))
        c.wait_for(lambda: all(is_pod_ready(p) for p in c.store.list("Pod", "default"))
                   and len(c.store.list("Pod", "default")) == args.pods, timeout=180)
        c.firewalls.sync()
        on, off = [], []
        for _ in range(args.rounds):
            t = time.monotonic()
            c.store.create(DENY)
            c.firewalls.sync()
            on.append(time.monotonic() - t)
            t = time.monotonic()
            c.store.delete("NetworkPolicy", "default", "deny")
            c.firewalls.sync()
            off.append(time.monotonic() - t)
        for label, xs in (("policy created to enforced", on), ("policy deleted to lifted", off)):
            print(f"{args.pods} pods, {label}: best {min(xs):.3f} s, "
                  f"median {statistics.median(xs):.3f} s")
    finally:
        c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
