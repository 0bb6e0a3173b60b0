"""The process runtime with volumes: start-up time and memory per pod, on a real clock.

Measures, with the bootcamp image on the process runtime:
- seconds from creating one pod to it being Ready, `--rounds` (20) pods each way created one
  after the other and interleaved: without volumes, and with three (a ConfigMap with two keys,
  an emptyDir and a Secret, each mounted); medians and their ratio. Bootcamp is served by the
  node agent, which writes the volumes' files but mounts nothing; the same is measured for a
  busybox command container (`sh -c` reading a mounted file, then `sleep`), a process of its
  own in a mount namespace where the volumes are bind-mounted;
- RSS and PSS per running pod with `--pods` (50) pods of the volume-mounting template on a
  fresh cluster: the sum over every process the runtime started divided by the pod count (the
  control plane in this process is not counted), as benchmarks/bench_process.py does; the same
  for `--command-pods` (20) busybox pods.

Usage: python benchmarks/bench_volumes.py [--rounds 20] [--pods 50] [--command-pods 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from typing import Any

from bench_process import IMAGE, memory, ready_pods

from kubenb.api.pods import is_pod_ready
from kubenb.cluster import Cluster
from kubenb.config import NodeShape

VOLUMES = [{"name": "config", "configMap": {"name": "app-config"}},
           {"name": "scratch", "emptyDir": {}},
           {"name": "secret", "secret": {"secretName": "app-secret"}}]
MOUNTS = [{"name": "config", "mountPath": "/etc/config"},
          {"name": "scratch", "mountPath": "/scratch"},
          {"name": "secret", "mountPath": "/etc/secret", "readOnly": True}]


SLEEPER = {"name": "sleeper", "image": "busybox", "imagePullPolicy": "IfNotPresent",
           "command": ["sh", "-c", "cat /etc/config/mode 2>/dev/null; exec sleep 3600"]}


def template(app: str, volumes: bool, command: bool = False) -> dict[str, Any]:
    container: dict[str, Any] = dict(SLEEPER) if command else {"name": "bootcamp", "image": IMAGE}
    spec: dict[str, Any] = {"containers": [container], "terminationGracePeriodSeconds": 0}
    if volumes:
        container["volumeMounts"] = MOUNTS
        spec["volumes"] = VOLUMES
    return {"metadata": {"labels": {"app": app}}, "spec": spec}


def sources(cluster: Cluster) -> None:
    """The ConfigMap and Secret the volumes project."""
    cluster.store.create({"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": {"name": "app-config", "namespace": "default"},
                          "data": {"mode": "fast", "app.properties": "a=1\nb=2\n"}})
    cluster.store.create({"apiVersion": "v1", "kind": "Secret",
                          "metadata": {"name": "app-secret", "namespace": "default"},
                          "type": "Opaque", "data": {"password": "czNjcmV0"}})


def start_to_ready(cluster: Cluster, name: str, volumes: bool, command: bool = False) -> float:
    """Seconds from creating pod `name` to its Ready condition."""
    app = "vols" if volumes else "plain"
    pod = {"apiVersion": "v1", "kind": "Pod", **template(app, volumes, command)}
    pod["metadata"] = {**pod["metadata"], "name": name, "namespace": "default"}
    start = time.monotonic()
    cluster.store.create(pod)
    cluster.wait_for(lambda: is_pod_ready(cluster.store.get("Pod", "default", name)), 60)
    return time.monotonic() - start


def new_cluster(state: str, pods: int) -> Cluster:
    cluster = Cluster("bench", runtime="process", nodes=1, state_dir=state,
                      node_subnet="192.168.231", shape=NodeShape(pods=max(110, pods))).start()
    sources(cluster)
    return cluster


def timing(rounds: int, command: bool) -> None:
    with tempfile.TemporaryDirectory() as state:
        cluster = new_cluster(state, 2 * rounds + 1)
        try:
            start_to_ready(cluster, "warm-up", True, command)  # image catalogue and first mounts
            plain, vols = [], []
            for i in range(rounds):
                plain.append(start_to_ready(cluster, f"plain-{i}", False, command))
                vols.append(start_to_ready(cluster, f"vols-{i}", True, command))
        finally:
            cluster.stop()
    p, v = statistics.median(plain), statistics.median(vols)
    what = "busybox command" if command else "bootcamp"
    print(f"{what} pod start to Ready, {rounds} pods each: no volumes median {p * 1000:.0f} ms "
          f"(min {min(plain) * 1000:.0f}), configMap+emptyDir+secret median {v * 1000:.0f} ms "
          f"(min {min(vols) * 1000:.0f}): ratio {v / p:.2f}")


def footprint(pods: int, command: bool) -> None:
    with tempfile.TemporaryDirectory() as state:
        cluster = new_cluster(state, pods)
        try:
            cluster.store.create({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "vols", "namespace": "default"},
                "spec": {"replicas": pods, "selector": {"matchLabels": {"app": "vols"}},
                         "template": template("vols", True, command)}})
            cluster.wait_for(lambda: len(ready_pods(cluster, "vols")) >= pods, 300)
            rss, pss, nprocs = memory(pods)
            what = "busybox command" if command else "bootcamp"
            print(f"{pods} running {what} pods with three volumes each, {nprocs} processes: "
                  f"{rss:.2f} MiB RSS and {pss:.2f} MiB PSS per pod")
        finally:
            cluster.stop()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--pods", type=int, default=50)
    ap.add_argument("--command-pods", type=int, default=20)
    args = ap.parse_args()
    for command in (False, True):
        timing(args.rounds, command)
    footprint(args.pods, False)
    footprint(args.command_pods, True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
