"""Node failures with real containers: a stopped node's containers die at once, its pods
come back on the other node; a deleted node leaves no container behind; NodePort traffic
reaches the pods' containers through kube-proxy."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.cluster import Cluster
from tests import builders
from tests.conftest import Kube
from tests.docker.conftest import answers, deployment, get, ours, pods, wait_ready

pytestmark = pytest.mark.docker

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"


def _app_containers(engine: Any, profile: str, node: str) -> list[dict[str, Any]]:
    return [c for c in ours(engine, profile) if c["Labels"]["kubenb.node"] == node
            and c["Labels"]["kubenb.container"] != "POD"]


def test_nodeport_reaches_the_containers(dcluster: Cluster) -> None:
    deployment(dcluster, "web", V1, replicas=2)
    ready = wait_ready(dcluster, "web", 2)
    kube = Kube(dcluster)
    assert kube("expose deployment/web --type=NodePort --port 8080").rc == 0
    svc = dcluster.store.get("Service", "default", "web")
    port = svc["spec"]["ports"][0]["nodePort"]
    names = {p["metadata"]["name"] for p in ready}
    node_ip = dcluster.addresses.node_ip(1)
    seen: set[str] = set()

    def answered_by_all() -> bool:
        try:
            text = get(f"http://{node_ip}:{port}/", timeout=2)
        except OSError:
            return False
        seen.add(text.split("Running on: ")[1].split(" |")[0])
        return seen == names

    dcluster.wait_for(answered_by_all, timeout=30)
    assert kube("delete service web").rc == 0
    assert kube("delete deployment web").rc == 0


def test_a_stopped_node_kills_its_containers_and_pods_move(dcluster: Cluster, engine: Any) -> None:
    deployment(dcluster, "moving", V1, replicas=4)
    ready = wait_ready(dcluster, "moving", 4)
    victim = f"{dcluster.name}-m02"
    on_victim = [p for p in ready if p["spec"]["nodeName"] == victim]
    assert on_victim, "the scheduler spreads 4 replicas over both nodes"
    running = [c for c in _app_containers(engine, dcluster.name, victim)
               if c["Labels"]["kubenb.pod"] in {p["metadata"]["name"] for p in on_victim}]
    assert running and all(c["State"] == "running" for c in running)

    dcluster.stop_node(victim)
    for c in running:  # dead when stop_node returns, all at once
        assert engine.api.inspect_container(c["Id"])["State"]["Running"] is False
    moved = wait_ready(dcluster, "moving", 4, lambda p: p["spec"]["nodeName"] == dcluster.name,
                       timeout=90)
    dcluster.wait_for(lambda: all(answers(f"http://{p['status']['podIP']}:8080/", "Hello Kubernetes bootcamp!")
                                  for p in moved), timeout=30)
    node = dcluster.store.get("Node", None, victim)
    ready_cond = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert ready_cond["status"] == "Unknown"

    dcluster.start_node(victim)
    dcluster.wait_for(lambda: not [p for p in pods(dcluster) if p["spec"].get("nodeName") == victim],
                      timeout=60)
    dcluster.wait_for(lambda: not _app_containers(engine, dcluster.name, victim), timeout=30)
    assert Kube(dcluster)("delete deployment moving").rc == 0


def test_a_deleted_node_leaves_no_container(dcluster: Cluster, engine: Any) -> None:
    name = dcluster.add_node()
    dcluster.wait_for(lambda: dcluster.store.try_get("Node", None, name) is not None, timeout=30)
    dcluster.store.create(builders.pod("pinned", "busybox", command=["sleep", "3600"], node=name))
    dcluster.wait_for(lambda: any(c["Labels"]["kubenb.node"] == name
                                  for c in ours(engine, dcluster.name, all=False)), timeout=60)
    dcluster.delete_node(name)
    assert [c for c in ours(engine, dcluster.name) if c["Labels"]["kubenb.node"] == name] == []
