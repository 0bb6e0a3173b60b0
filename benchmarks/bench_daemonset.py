"""A DaemonSet over many sim nodes: time until it is fully rolled out, then a new image.

Builds a sim cluster on the virtual clock with `--nodes` nodes (at most the 1,024 nodes the
sim address plan's cluster CIDR has a /24 for, kubenb/net/addresses.py: a larger request is
measured at 1,024 and the output says so) and waits until it is as `minikube start` leaves
it (every node Ready, kube-system's kube-proxy DaemonSet Ready on each: `cluster_start_s`),
creates a DaemonSet, and measures wall-clock seconds until every node runs a Ready pod and the
status says rolled out; then sets a new image with maxUnavailable 10% and measures the
rolling update the same way. Reports JSON.

Usage: PYTHONPATH=. python benchmarks/bench_daemonset.py [--nodes 1000]
"""

from __future__ import annotations

import argparse
import json
import time

from kubenb.api.objects import clone
from kubenb.api.pods import condition_true
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from kubenb.net.addresses import AddressPlan


def daemonset(image: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "agent", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "updateStrategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxUnavailable": "10%"}},
                     "template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "agent", "image": image}]}}}}


def rolled_out(c: Cluster, nodes: int) -> bool:
    ds = c.store.get("DaemonSet", "default", "agent")
    st = ds.get("status") or {}
    return (st.get("observedGeneration", 0) >= ds["metadata"]["generation"]
            and st.get("desiredNumberScheduled") == nodes
            and st.get("updatedNumberScheduled") == nodes and st.get("numberAvailable") == nodes)


def system_settled(c: Cluster, nodes: int) -> bool:
    """Every node Ready and kube-proxy (kube-system's own DaemonSet) Ready on each of them."""
    proxy = (c.store.get("DaemonSet", "kube-system", "kube-proxy").get("status") or {})
    return (proxy.get("numberReady") == nodes  # the cheap test first: this runs on every change
            and sum(condition_true(n, "Ready") for n in c.store.list("Node")) == nodes)


def start(nodes: int) -> Cluster:
    """A cluster as `minikube start` leaves it: nodes Ready, kube-proxy on each of them, so
    the DaemonSet measured below is the only work in flight."""
    c = Cluster("bench", nodes=nodes, runtime="sim", seed=1, clock=VirtualClock()).start()
    c.wait_for(lambda: system_settled(c, nodes), timeout=600)
    return c


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=1000)
    args = parser.parse_args()
    nodes, note = args.nodes, ""
    limit = AddressPlan.for_runtime("sim").max_nodes
    if nodes > limit:  # the range allocator would refuse node limit + 1 (CIDRNotAvailable)
        note = f"{nodes} nodes exceed the sim cluster CIDR's {limit} node ranges; measured at {limit}"
        nodes = limit
    t0 = time.perf_counter()
    cluster = start(nodes)
    boot = time.perf_counter() - t0
    try:
        t1 = time.perf_counter()
        cluster.store.create(daemonset("nginx:1.26"))
        cluster.wait_for(lambda: rolled_out(cluster, nodes), timeout=3600)
        create = time.perf_counter() - t1
        t2 = time.perf_counter()
        ds = clone(cluster.store.get("DaemonSet", "default", "agent"))
        ds["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
        cluster.store.update(ds)
        cluster.wait_for(lambda: rolled_out(cluster, nodes), timeout=36000)
        update = time.perf_counter() - t2
        print(json.dumps({"nodes": nodes, "note": note, "cluster_start_s": round(boot, 2),
                          "create_rolled_out_s": round(create, 2),
                          "rolling_update_10pct_s": round(update, 2)}, indent=2))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
