"""The state messages for create / scale / node stop / rollout, against a virtual cluster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from tests.conftest import Kube, run_cluster
from tests.widgets.conftest import FrontEnd, front_end


@pytest.fixture
def cluster3() -> Iterator[Cluster]:
    yield from run_cluster(Cluster(clock=VirtualClock(), seed=1, nodes=3), nodes=3)


def pods_of(cluster: Cluster, app: str) -> list[dict[str, Any]]:
    return [p for p in cluster.store.list("Pod", "default")
            if (p["metadata"].get("labels") or {}).get("app") == app]


def available(cluster: Cluster, name: str, n: int) -> bool:
    dep = cluster.store.try_get("Deployment", "default", name)
    st = (dep or {}).get("status") or {}
    return (st.get("availableReplicas") == n and st.get("updatedReplicas") == n
            and st.get("replicas") == n and len(pods_of(cluster, name)) == n)


def web_up(kube: Any, cluster: Cluster, replicas: int) -> None:
    """`create deployment web` of nginx pods, waited for until available, and a second more."""
    kube(f"create deployment web --image=nginx --replicas={replicas}")
    cluster.wait_for(lambda: available(cluster, "web", replicas))
    cluster.advance(1)


def kubectl_rows(kube: Kube, line: str) -> dict[str, list[str]]:
    out = kube(line).out.splitlines()[1:]
    return {row.split()[0]: row.split() for row in out}


def upserted(deltas: list[dict[str, Any]], wire: str, key: str) -> set[str]:
    return {r[key] for d in deltas for r in d["upsert"][wire]}


def removed(deltas: list[dict[str, Any]], wire: str) -> set[str]:
    return {k for d in deltas for k in d["remove"][wire]}


@pytest.fixture
def ready_view(cluster3: Cluster, view_factory: Any) -> tuple[Kube, Any, FrontEnd]:
    return front_end(cluster3, view_factory, 2)


def test_initial_snapshot_has_the_nodes(ready_view: Any) -> None:
    kube, view, fe = ready_view
    snap = view.snapshot
    assert snap["seq"] == 1 and snap["cluster"] == "minikube" and snap["error"] is None
    assert [n["name"] for n in snap["nodes"]] == ["minikube", "minikube-m02", "minikube-m03"]
    first = snap["nodes"][0]
    assert first["roles"] == ["control-plane"] and first["ready"] == "Ready"
    assert first["cpu"]["allocatable"] == 2000 and first["unschedulable"] is False
    assert view.options == {"namespace": None, "selector": None, "aggregate_above": 2000,
                            "show_system": False}
    fe.matches_view()


def test_create_deployment_sends_the_new_pods_and_the_rollout(cluster3: Cluster,
                                                              ready_view: Any) -> None:
    kube, view, fe = ready_view
    assert kube("create deployment web --image=nginx --replicas=2").rc == 0
    cluster3.wait_for(lambda: available(cluster3, "web", 2))
    cluster3.advance(1)
    deltas = fe.catch_up()
    assert 1 <= len(deltas) <= 12
    uids = {p["metadata"]["uid"] for p in pods_of(cluster3, "web")}
    assert upserted(deltas, "pods", "uid") == uids
    assert upserted(deltas, "deployments", "key") == {"default/web"}
    assert upserted(deltas, "services", "key") == set()
    assert not any(removed(deltas, w) for w in ("nodes", "pods", "deployments", "services"))
    # The first sighting of each pod is before it runs; the last agrees with kubectl.
    first = {}
    for d in deltas:
        for r in d["upsert"]["pods"]:
            first.setdefault(r["uid"], r)
    assert {r["state"] for r in first.values()} <= {"Pending", "ContainerCreating"}
    rows = kubectl_rows(kube, "get pods -o wide")
    for rec in fe.state["pods"].values():
        name, ready, status, restarts, _age, ip, node = rows[rec["name"]][:7]
        assert (rec["ready"], rec["state"], str(rec["restarts"]), rec["ip"], rec["node"]) == (
            ready, status, restarts, ip, node)
        assert rec["owner"] == "default/web" and rec["image"] == "nginx"
    rs = cluster3.store.list("ReplicaSet", "default")[0]
    dep = fe.state["deployments"]["default/web"]
    assert dep == {"key": "default/web", "name": "web", "namespace": "default", "desired": 2,
                   "updated": 2, "ready": 2, "available": 2, "image": "nginx", "color": 0,
                   "label": "deployment/web", "hpa": None,
                   "revisions": [{"hash": rs["metadata"]["labels"]["pod-template-hash"],
                                  "revision": 1, "image": "nginx", "pods": 2, "terminating": 0,
                                  "current": True}]}
    assert {e["reason"] for d in deltas for e in d["events"]} >= {
        "ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Started"}
    fe.matches_view()
    # nothing changes → nothing is sent
    before = view.seq
    cluster3.advance(5)
    assert fe.catch_up() == [] and view.seq == before


def test_scale_up_then_down_upserts_and_removes_exactly_those_pods(cluster3: Cluster,
                                                                   ready_view: Any) -> None:
    kube, view, fe = ready_view
    web_up(kube, cluster3, 2)
    fe.catch_up()
    old = {p["metadata"]["uid"] for p in pods_of(cluster3, "web")}
    assert kube("scale deployment web --replicas=4").out == "deployment.apps/web scaled\n"
    cluster3.wait_for(lambda: available(cluster3, "web", 4))
    cluster3.advance(1)
    deltas = fe.catch_up()
    new = {p["metadata"]["uid"] for p in pods_of(cluster3, "web")} - old
    assert len(new) == 2 and upserted(deltas, "pods", "uid") == new
    assert not removed(deltas, "pods")
    assert fe.state["deployments"]["default/web"]["desired"] == 4
    kube("scale deployment web --replicas=1")
    cluster3.wait_for(lambda: available(cluster3, "web", 1))
    cluster3.advance(1)
    deltas = fe.catch_up()
    left = {p["metadata"]["uid"] for p in pods_of(cluster3, "web")}
    assert removed(deltas, "pods") == (old | new) - left
    assert set(fe.state["pods"]) == left
    assert sum(n["pods"] for n in fe.state["nodes"].values()) == 1 + system_pods(cluster3)
    fe.matches_view()


def test_node_stop_marks_the_node_and_moves_its_pods(cluster3: Cluster, ready_view: Any) -> None:
    kube, view, fe = ready_view
    web_up(kube, cluster3, 3)
    fe.catch_up()
    victim = "minikube-m02"
    on_victim = {r["uid"] for r in fe.state["pods"].values() if r["node"] == victim}
    assert on_victim
    cluster3.stop_node(victim)
    cluster3.wait_for(lambda: sum(
        1 for p in pods_of(cluster3, "web") if p["spec"].get("nodeName") != victim
        and p["status"].get("phase") == "Running") == 3, timeout=120)
    cluster3.advance(1)
    deltas = fe.catch_up()
    node_states = [r["ready"] for d in deltas for r in d["upsert"]["nodes"] if r["name"] == victim]
    assert node_states[-1] in ("NotReady", "Unknown")
    assert fe.state["nodes"][victim]["ready"] == node_states[-1]
    moved = {r["uid"] for r in fe.state["pods"].values()
             if r["node"] not in (victim, None) and r["state"] == "Running"}
    assert len(moved) == 3 and not moved & on_victim
    for uid in on_victim:  # evicted: gone, or Terminating on the dead node
        assert uid in removed(deltas, "pods") or fe.state["pods"][uid]["state"] == "Terminating"
    stuck = sum(1 for r in fe.state["pods"].values() if r["state"] == "Terminating")
    rev = fe.state["deployments"]["default/web"]["revisions"][-1]
    assert (rev["pods"], rev["terminating"]) == (3, stuck)
    fe.matches_view()


def test_rollout_shows_both_revisions_then_only_the_new_one(cluster3: Cluster,
                                                            ready_view: Any) -> None:
    kube, view, fe = ready_view
    web_up(kube, cluster3, 3)
    fe.catch_up()
    assert kube("set image deployment/web nginx=nginx:1.26").rc == 0
    cluster3.wait_for(lambda: available(cluster3, "web", 3) and all(
        p["spec"]["containers"][0]["image"] == "nginx:1.26" for p in pods_of(cluster3, "web")),
        timeout=120)
    cluster3.advance(1)
    deltas = fe.catch_up()
    seen = [r["revisions"] for d in deltas for r in d["upsert"]["deployments"]]
    assert any(len(revs) == 2 and revs[0]["current"] is False and revs[1]["current"] is True
               and revs[1]["image"] == "nginx:1.26" for revs in seen)
    final = fe.state["deployments"]["default/web"]
    assert [(r["revision"], r["image"], r["pods"], r["current"]) for r in final["revisions"]] == [
        (2, "nginx:1.26", 3, True)]
    assert {r["image"] for r in fe.state["pods"].values()} == {"nginx:1.26"}
    fe.matches_view()


def test_services_carry_their_endpoint_pods(cluster3: Cluster, ready_view: Any) -> None:
    kube, view, fe = ready_view
    kube("create deployment web --image=nginx --replicas=2")
    kube("expose deployment web --port=80 --type=NodePort")
    cluster3.wait_for(lambda: available(cluster3, "web", 2))
    cluster3.advance(1)
    fe.catch_up()
    svc = fe.state["services"]["default/web"]
    assert svc["type"] == "NodePort" and svc["ports"][0]["port"] == 80
    assert svc["ports"][0]["nodePort"] and svc["clusterIP"]
    assert set(svc["endpoints"]) == {p["metadata"]["uid"] for p in pods_of(cluster3, "web")}
    fe.matches_view()


def test_resync_sends_a_full_snapshot_with_the_next_seq(cluster3: Cluster, ready_view: Any) -> None:
    kube, view, fe = ready_view
    web_up(kube, cluster3, 2)
    fe.catch_up()
    last = view.seq
    view.comm.receive({"method": "custom", "content": {"type": "resync"}})
    snap = view.comm.updates()[-1]["snapshot"]
    assert snap["seq"] == last + 1 and len(snap["pods"]) == 2
    fe.catch_up()
    fe.matches_view()
    kube("scale deployment web --replicas=3")
    cluster3.wait_for(lambda: available(cluster3, "web", 3))
    cluster3.advance(1)
    assert fe.catch_up()[0]["seq"] == last + 2


def test_request_state_refreshes_the_snapshot(cluster3: Cluster, ready_view: Any) -> None:
    kube, view, fe = ready_view
    web_up(kube, cluster3, 1)
    view.comm.receive({"method": "request_state"})
    state = view.comm.updates()[-1]
    assert state["snapshot"]["seq"] == view.seq and len(state["snapshot"]["pods"]) == 1
    assert state["_model_name"] == "ClusterViewModel"


def system_pods(c: Cluster) -> int:
    return sum(1 for p in c.store.list("Pod", "kube-system") if p["spec"].get("nodeName"))


def test_namespace_and_selector_options_filter_pods(cluster3: Cluster, ready_view: Any,
                                                    view_factory: Any) -> None:
    kube, view, fe = ready_view
    kube("create namespace other")
    kube("create deployment web --image=nginx --replicas=2")
    kube("create deployment api --image=nginx -n other")
    cluster3.wait_for(lambda: available(cluster3, "web", 2) and len(
        cluster3.store.list("Pod", "other")) == 1)
    cluster3.advance(1)
    only_other = view_factory(kube.client, namespace="other")
    assert {p["namespace"] for p in only_other.snapshot["pods"]} == {"other"}
    assert [d["key"] for d in only_other.snapshot["deployments"]] == ["other/api"]
    # nodes count every pod, kube-system's too
    assert sum(n["pods"] for n in only_other.snapshot["nodes"]) == 3 + system_pods(cluster3)
    view.comm.receive({"method": "update", "state": {"options": {
        "namespace": None, "selector": "app=api", "aggregate_above": 2000}}})
    snap = view.comm.updates()[-1]["snapshot"]
    assert [p["name"].split("-")[0] for p in snap["pods"]] == ["api"]
    view.comm.receive({"method": "update", "state": {"options": {
        "namespace": None, "selector": "app in (", "aggregate_above": 2000}}})
    assert "unable to parse requirement" in view.comm.updates()[-1]["snapshot"]["error"]


def test_a_deleted_node_is_removed(cluster3: Cluster, ready_view: Any) -> None:
    kube, view, fe = ready_view
    cluster3.delete_node("minikube-m03")
    cluster3.advance(1)
    deltas = fe.catch_up()
    assert removed(deltas, "nodes") == {"minikube-m03"}
    assert sorted(fe.state["nodes"]) == ["minikube", "minikube-m02"]
    fe.matches_view()
