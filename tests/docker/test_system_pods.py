"""kube-system on the docker driver: its pods run in the kernel, never as containers."""

from __future__ import annotations

from typing import Any

from kubenb.cluster import Cluster
from tests.docker.conftest import is_ready, ours


def test_system_pods_start_no_container(engine: Any, dcluster: Cluster) -> None:
    dcluster.wait_for(lambda: len(dcluster.store.list("Pod", "kube-system")) == 8 and all(
        is_ready(p) for p in dcluster.store.list("Pod", "kube-system")), 120)
    assert ours(engine, dcluster.name) == []  # not one container for eight running pods
    for p in dcluster.store.list("Pod", "kube-system"):
        assert p["status"]["containerStatuses"][0]["containerID"].startswith("docker://")
    nodes = {n["metadata"]["name"]: n["status"]["addresses"][0]["address"]
             for n in dcluster.store.list("Node")}
    for p in dcluster.store.list("Pod", "kube-system"):
        if p["spec"].get("hostNetwork"):
            assert p["status"]["podIP"] == nodes[p["spec"]["nodeName"]]
