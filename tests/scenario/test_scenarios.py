"""Whole-control-plane scenarios on a virtual clock: what a learner does, end to end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.objects import clone
from kubenb.api.pods import condition_true, get_condition, is_pod_ready
from kubenb.api.rollback import rollback
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from kubenb.config import NodeShape
from tests import builders

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V2 = "docker.io/jocatalin/kubernetes-bootcamp:v2"
V10 = "docker.io/jocatalin/kubernetes-bootcamp:v10"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster(nodes=3, clock=VirtualClock(), seed=42).start()
    c.wait_for(lambda: len(ready_nodes(c)) == 3, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()


def ready_nodes(c: Cluster) -> list[str]:
    return [n["metadata"]["name"] for n in c.store.list("Node") if condition_true(n, "Ready")]


def deployment(name: str, image: str, replicas: int = 1, **spec: Any) -> dict[str, Any]:
    """The `app: <name>` Deployment whose one container is named after it."""
    return builders.deployment(name, image, replicas, container=name, **spec)


def pods(c: Cluster, app: str, *, active: bool = True) -> list[dict[str, Any]]:
    out = c.store.list("Pod", "default", label_selector=f"app={app}")
    return [p for p in out if not active or not p["metadata"].get("deletionTimestamp")]


def ready_pods(c: Cluster, app: str) -> list[dict[str, Any]]:
    return [p for p in pods(c, app) if is_pod_ready(p)]


def rolled_out(c: Cluster, name: str) -> bool:
    """What `kubectl rollout status` waits for."""
    d = c.store.get("Deployment", "default", name)
    st, want = d.get("status", {}), d["spec"]["replicas"]
    return (st.get("observedGeneration", 0) >= d["metadata"]["generation"]
            and st.get("updatedReplicas", 0) == want and st.get("replicas", 0) == want
            and st.get("availableReplicas", 0) == want)


def set_image(c: Cluster, name: str, image: str) -> None:
    d = clone(c.store.get("Deployment", "default", name))
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.store.update(d)


def scale(c: Cluster, name: str, replicas: int) -> None:
    d = clone(c.store.get("Deployment", "default", name))
    d["spec"]["replicas"] = replicas
    c.store.update(d)


def test_deployment_spreads_over_three_nodes_and_becomes_ready(cluster: Cluster) -> None:
    cluster.store.create(deployment("web", V1, replicas=3))
    cluster.wait_for(lambda: len(ready_pods(cluster, "web")) == 3, timeout=60)
    nodes = Counter(p["spec"]["nodeName"] for p in ready_pods(cluster, "web"))
    assert sorted(nodes.values()) == [1, 1, 1]
    rs = cluster.store.list("ReplicaSet", "default")
    assert len(rs) == 1
    assert all(p["metadata"]["name"].startswith(rs[0]["metadata"]["name"] + "-")
               for p in pods(cluster, "web"))
    cluster.wait_for(lambda: rolled_out(cluster, "web"), timeout=30)
    reasons = {e["reason"] for e in cluster.store.list("Event", "default")}
    assert {"ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Pulled", "Created",
            "Started"} <= reasons


def test_scale_up_and_down(cluster: Cluster) -> None:
    cluster.store.create(deployment("web", V1, replicas=2))
    cluster.wait_for(lambda: len(ready_pods(cluster, "web")) == 2, timeout=60)
    scale(cluster, "web", 5)
    cluster.wait_for(lambda: len(ready_pods(cluster, "web")) == 5, timeout=60)
    scale(cluster, "web", 1)
    cluster.wait_for(lambda: len(pods(cluster, "web", active=False)) == 1, timeout=120)
    cluster.wait_for(lambda: rolled_out(cluster, "web"), timeout=30)


def test_rolling_update_respects_surge_and_unavailable(cluster: Cluster) -> None:
    replicas = 4  # 25 % of 4: maxSurge 1, maxUnavailable 1
    cluster.store.create(deployment("web", V1, replicas=replicas))
    cluster.wait_for(lambda: rolled_out(cluster, "web"), timeout=60)
    worst = {"max_pods": 0, "min_available": replicas}

    def observe(_ev: Any) -> None:
        live = [p for p in cluster.store.list("Pod", "default", label_selector="app=web")
                if not p["metadata"].get("deletionTimestamp")]
        worst["max_pods"] = max(worst["max_pods"], len(live))
        worst["min_available"] = min(worst["min_available"],
                                     sum(1 for p in live if is_pod_ready(p)))

    w = cluster.store.watch("Pod", observe)
    set_image(cluster, "web", V2)
    cluster.wait_for(lambda: rolled_out(cluster, "web"), timeout=120)
    w.stop()
    assert worst["max_pods"] <= replicas + 1
    assert worst["min_available"] >= replicas - 1
    images = {p["spec"]["containers"][0]["image"] for p in pods(cluster, "web")}
    assert images == {V2}
    revisions = sorted(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                       for rs in cluster.store.list("ReplicaSet", "default"))
    assert revisions == ["1", "2"]


def test_unknown_image_stalls_and_old_pods_keep_serving_then_rollback(cluster: Cluster) -> None:
    cluster.store.create(deployment("web", V1, replicas=4))
    cluster.wait_for(lambda: rolled_out(cluster, "web"), timeout=60)
    set_image(cluster, "web", V10)

    def stuck() -> bool:
        waiting = [cs.get("state", {}).get("waiting", {}).get("reason")
                   for p in pods(cluster, "web")
                   for cs in p.get("status", {}).get("containerStatuses", [])]
        return "ImagePullBackOff" in waiting

    cluster.wait_for(stuck, timeout=120)
    cluster.advance(60)
    old = [p for p in ready_pods(cluster, "web") if p["spec"]["containers"][0]["image"] == V1]
    assert len(old) >= 3  # replicas - maxUnavailable keep serving
    assert not rolled_out(cluster, "web")
    messages = [e["message"] for e in cluster.store.list("Event", "default")]
    assert any(m.startswith(f'Failed to pull image "{V10}"') for m in messages)
    assert "Error: ImagePullBackOff" in messages

    rollback(cluster.store, "default", "web")
    cluster.wait_for(lambda: rolled_out(cluster, "web"), timeout=120)
    assert {p["spec"]["containers"][0]["image"] for p in pods(cluster, "web")} == {V1}
    first = [rs for rs in cluster.store.list("ReplicaSet", "default")
             if rs["spec"]["template"]["spec"]["containers"][0]["image"] == V1]
    assert len(first) == 1  # the old ReplicaSet is reused ...
    assert first[0]["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"


def test_node_failure_evicts_and_reschedules(cluster: Cluster) -> None:
    cluster.store.create(deployment("web", V1, replicas=3))
    cluster.wait_for(lambda: len(ready_pods(cluster, "web")) == 3, timeout=60)
    victim = "minikube-m02"
    on_victim = {p["metadata"]["name"] for p in ready_pods(cluster, "web")
                 if p["spec"]["nodeName"] == victim}
    assert on_victim
    cluster.stop_node(victim)

    def not_ready() -> bool:
        node = cluster.store.get("Node", None, victim)
        taints = {t["key"] for t in node["spec"].get("taints", [])}
        return (get_condition(node, "Ready") or {}).get("status") == "Unknown" and (
            "node.kubernetes.io/unreachable" in taints)

    renewed = cluster.store.get("Lease", "kube-node-lease", victim)["spec"]["renewTime"]
    cluster.wait_for(not_ready, timeout=60)
    # the stopped kubelet renewed its lease no more: the grace ran out on both heartbeats
    assert cluster.store.get("Lease", "kube-node-lease", victim)["spec"]["renewTime"] == renewed

    def replaced() -> bool:
        good = [p for p in ready_pods(cluster, "web") if p["spec"]["nodeName"] != victim]
        return len(good) == 3

    cluster.wait_for(replaced, timeout=120)
    evicted = [p for p in cluster.store.list("Pod", "default") if p["metadata"]["name"] in on_victim]
    assert all(p["metadata"].get("deletionTimestamp") for p in evicted)  # stuck Terminating
    reasons = {e["reason"] for e in cluster.store.list("Event", "default")}
    assert "NodeNotReady" in reasons

    cluster.start_node(victim)
    cluster.wait_for(lambda: victim in ready_nodes(cluster), timeout=60)
    assert cluster.store.get("Lease", "kube-node-lease", victim)["spec"]["renewTime"] > renewed
    cluster.wait_for(lambda: not any(p["metadata"]["name"] in on_victim
                                     for p in cluster.store.list("Pod", "default")), timeout=120)


def test_cordon_keeps_new_pods_off_the_node(cluster: Cluster) -> None:
    node = clone(cluster.store.get("Node", None, "minikube"))
    node["spec"]["unschedulable"] = True
    cluster.store.update(node)
    cluster.store.create(deployment("web", V1, replicas=6))
    cluster.wait_for(lambda: len(ready_pods(cluster, "web")) == 6, timeout=60)
    assert all(p["spec"]["nodeName"] != "minikube" for p in pods(cluster, "web"))


def test_insufficient_resources_pending_until_a_node_is_added() -> None:
    # minikube's smallest node: 2 CPUs, of which kube-system's pods request 750m
    c = Cluster(nodes=1, clock=VirtualClock(), seed=3, shape=NodeShape(cpu="2", memory="2Gi")).start()
    try:
        d = deployment("big", V1, replicas=2)
        d["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "1"}}
        c.store.create(d)
        c.wait_for(lambda: len(ready_pods(c, "big")) == 1, timeout=60)

        def pending_with_reason() -> bool:
            for p in pods(c, "big"):
                cond = get_condition(p, "PodScheduled") or {}
                if cond.get("reason") == "Unschedulable":
                    return True
            return False

        c.wait_for(pending_with_reason, timeout=60)
        msgs = [e["message"] for e in c.store.list("Event", "default") if e["reason"] == "FailedScheduling"]
        assert msgs and msgs[0].startswith("0/1 nodes are available: 1 Insufficient cpu.")
        c.add_node()
        c.wait_for(lambda: len(ready_pods(c, "big")) == 2, timeout=60)
    finally:
        c.stop()
        c.clock.loop.close()


def test_owner_reference_cascade(cluster: Cluster) -> None:
    cluster.store.create(deployment("web", V1, replicas=2))
    cluster.wait_for(lambda: len(ready_pods(cluster, "web")) == 2, timeout=60)
    cluster.store.delete("Deployment", "default", "web")
    cluster.wait_for(lambda: not cluster.store.list("ReplicaSet", "default"), timeout=60)
    cluster.wait_for(lambda: not pods(cluster, "web", active=False), timeout=120)
