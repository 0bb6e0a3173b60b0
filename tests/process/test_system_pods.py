"""kube-system on the process runtime: its pods run in the kernel, never as OS processes."""

from __future__ import annotations

import psutil

from kubenb.api.pods import is_pod_ready
from tests.process.util import REQUIRES_LOOPBACK, cmdline_of, pod, status

pytestmark = REQUIRES_LOOPBACK


def descendants() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE]


def test_system_pods_start_no_process(make_cluster):
    before = {p.pid for p in descendants()}
    cluster = make_cluster(nodes=2)
    cluster.wait_for(lambda: len(cluster.store.list("Pod", "kube-system")) == 8 and all(
        is_pod_ready(p) for p in cluster.store.list("Pod", "kube-system")), 60)
    started = [p for p in descendants() if p.pid not in before]
    assert started == []  # not even a node agent: nothing runs as a process yet
    for p in cluster.store.list("Pod", "kube-system"):
        assert p["status"]["containerStatuses"][0]["containerID"].startswith("process://")
    nodes = {n["metadata"]["name"]: n["status"]["addresses"][0]["address"]
             for n in cluster.store.list("Node")}
    proxy = [p for p in cluster.store.list("Pod", "kube-system")
             if p["metadata"]["name"].startswith("kube-proxy-")]
    assert sorted(p["status"]["podIP"] for p in proxy) == sorted(nodes.values())
    # a user's pod is a process: the count above would have seen one
    cluster.store.create(pod("sleeper", "busybox", command=["sh", "-c", "sleep 600"]))
    cluster.wait_for(lambda: status(cluster, "sleeper").get("phase") == "Running", 30)
    started = [p for p in descendants() if p.pid not in before]
    assert any("sleep 600" in cmdline_of(p) for p in started)
