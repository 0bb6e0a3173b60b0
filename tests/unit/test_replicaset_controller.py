"""ReplicaSet controller: pod creation, victim ranking, status and minReadySeconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kubenb.api.objects import Key, clone
from kubenb.api.store import Store
from kubenb.clock import VirtualClock, rfc3339
from kubenb.config import Context
from kubenb.controllers.replicaset import ReplicaSetController, pods_to_delete
from tests import builders

Obj = dict[str, Any]


def rs_obj(name: str = "web", replicas: int = 3, min_ready: int = 0, labels: Obj | None = None) -> Obj:
    rs = builders.replicaset(name, replicas=replicas, labels={}, selector=labels or {"app": name},
                             minReadySeconds=min_ready)
    rs["spec"]["template"]["metadata"]["annotations"] = {"note": "x"}
    return rs


def run_pod(store: Store, pod: Obj, node: str = "node-1", ready: bool = True,
            phase: str = "Running", restarts: int = 0) -> Obj:
    """What a kubelet would do: bind, then report Running (and Ready) now."""
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    if not store.get("Pod", ns, name)["spec"].get("nodeName"):
        store.bind(ns, name, node)
    new = clone(store.get("Pod", ns, name))
    now = rfc3339(store.clock.now())
    new["status"]["phase"] = phase
    new["status"]["conditions"] = [
        c for c in new["status"].get("conditions") or [] if c["type"] != "Ready"
    ] + [{"type": "Ready", "status": "True" if ready else "False", "lastProbeTime": None,
          "lastTransitionTime": now}]
    new["status"]["containerStatuses"] = [{"name": "c", "ready": ready, "restartCount": restarts,
                                           "image": "nginx", "imageID": "", "started": ready,
                                           "state": {"running": {"startedAt": now}}}]
    return store.update(new, subresource="status")


def pods_of(store: Store, rs_name: str = "web") -> list[Obj]:
    return [p for p in store.list("Pod", "default")
            if any(r["name"] == rs_name for r in p["metadata"].get("ownerReferences") or [])]


def events(store: Store, reason: str | None = None) -> list[Obj]:
    return [e for e in store.list("Event", "default") if reason is None or e["reason"] == reason]


KEY = Key("ReplicaSet", "default", "web")


def test_creates_missing_pods_from_template(ctx: Context, store: Store, writes: Any) -> None:
    rs = store.create(rs_obj(replicas=3))
    ctrl = ReplicaSetController(ctx)
    assert ctrl.reconcile(KEY) is None
    pods = pods_of(store)
    assert len(pods) == 3 and len(writes.of("create", "Pod")) == 3
    for p in pods:
        meta = p["metadata"]
        assert meta["generateName"] == "web-" and meta["name"].startswith("web-") and len(meta["name"]) == 9
        assert meta["labels"] == {"app": "web"} and meta["annotations"] == {"note": "x"}
        assert meta["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web",
                                            "uid": rs["metadata"]["uid"], "controller": True,
                                            "blockOwnerDeletion": True}]
    created = sorted(e["message"] for e in events(store, "SuccessfulCreate"))
    assert created == sorted(f"Created pod: {p['metadata']['name']}" for p in pods)
    assert {e["source"]["component"] for e in events(store)} == {"replicaset-controller"}
    # The first sync saw no pods; status counts what existed when it looked.
    assert store.get("ReplicaSet", "default", "web")["status"] == {"replicas": 0, "observedGeneration": 1}
    ctrl.reconcile(KEY)
    assert store.get("ReplicaSet", "default", "web")["status"] == {
        "replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}
    assert len(pods_of(store)) == 3  # idempotent


def test_status_counts_ready_and_available(ctx: Context, store: Store) -> None:
    store.create(rs_obj(replicas=2))
    ctrl = ReplicaSetController(ctx)
    ctrl.reconcile(KEY)
    a, b = pods_of(store)
    run_pod(store, a)
    run_pod(store, b, ready=False)
    ctrl.reconcile(KEY)
    assert store.get("ReplicaSet", "default", "web")["status"] == {
        "replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 1, "availableReplicas": 1,
        "observedGeneration": 1}


def test_min_ready_seconds_requeues_for_the_remaining_time(
        ctx: Context, store: Store, clock: VirtualClock) -> None:
    store.create(rs_obj(replicas=1, min_ready=10))
    ctrl = ReplicaSetController(ctx)
    ctrl.reconcile(KEY)
    run_pod(store, pods_of(store)[0])
    clock.advance(4)
    again = ctrl.reconcile(KEY)
    assert again == pytest.approx(6, abs=0.01)
    status = store.get("ReplicaSet", "default", "web")["status"]
    assert status["readyReplicas"] == 1 and "availableReplicas" not in status
    clock.advance(again)
    assert ctrl.reconcile(KEY) is None
    assert store.get("ReplicaSet", "default", "web")["status"]["availableReplicas"] == 1


def test_scale_down_deletes_the_lowest_ranked_pods(ctx: Context, store: Store, clock: VirtualClock) -> None:
    store.create(rs_obj(replicas=4))
    ctrl = ReplicaSetController(ctx)
    ctrl.reconcile(KEY)
    pods = sorted(pods_of(store), key=lambda p: p["metadata"]["name"])
    run_pod(store, pods[0])
    run_pod(store, pods[1])
    run_pod(store, pods[2], ready=False)  # pods[3] stays Pending and unscheduled
    rs = clone(store.get("ReplicaSet", "default", "web"))
    rs["spec"]["replicas"] = 2
    store.update(rs)
    ctrl.reconcile(KEY)
    gone = {p["metadata"]["name"] for p in store.list("Pod", "default")
            if p["metadata"].get("deletionTimestamp")} | (
        {p["metadata"]["name"] for p in pods} - {p["metadata"]["name"] for p in store.list("Pod", "default")})
    assert gone == {pods[2]["metadata"]["name"], pods[3]["metadata"]["name"]}
    assert sorted(e["message"] for e in events(store, "SuccessfulDelete")) == sorted(
        f"Deleted pod: {p['metadata']['name']}" for p in pods[2:])
    ctrl.reconcile(KEY)
    assert store.get("ReplicaSet", "default", "web")["status"]["replicas"] == 2


# ---- victim ranking, one rule at a time ------------------------------------------------

T0 = "2025-01-06T09:00:00Z"


def ranked_pod(name: str, node: str = "n1", phase: str = "Running", ready: bool = True,
               ready_at: str = T0, created: str = T0, restarts: int = 0, cost: str | None = None,
               uid: str | None = None) -> Obj:
    meta: Obj = {"name": name, "namespace": "default", "uid": uid or name, "creationTimestamp": created}
    if cost is not None:
        meta["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": cost}
    conds = [{"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ready_at}]
    return {"kind": "Pod", "metadata": meta, "spec": {"nodeName": node},
            "status": {"phase": phase, "conditions": conds,
                       "containerStatuses": [{"name": "c", "restartCount": restarts}]}}


@pytest.mark.parametrize("victim,keeper", [
    (ranked_pod("v", node="", phase="Pending", ready=False), ranked_pod("k")),  # unassigned first
    (ranked_pod("v", phase="Pending", ready=False), ranked_pod("k", phase="Running", ready=False)),
    (ranked_pod("v", phase="Unknown", ready=False), ranked_pod("k", phase="Running", ready=False)),
    (ranked_pod("v", ready=False), ranked_pod("k")),  # not ready before ready
    (ranked_pod("v", cost="-5"), ranked_pod("k", cost="10")),  # lower deletion cost
    (ranked_pod("v", node="crowded"), ranked_pod("k", node="alone")),  # doubled-up node
    (ranked_pod("v", ready_at="2025-01-06T09:59:00Z"), ranked_pod("k", ready_at="2025-01-06T08:00:00Z")),
    (ranked_pod("v", restarts=5), ranked_pod("k", restarts=1)),  # more restarts first
    (ranked_pod("v", created="2025-01-06T09:59:00Z"), ranked_pod("k", created="2025-01-06T05:00:00Z")),
    # ages 6 s and 5 s share a power-of-two bucket: the UID decides, not age (LogarithmicScaleDown)
    (ranked_pod("v", created="2025-01-06T09:59:54Z", uid="a"),
     ranked_pod("k", created="2025-01-06T09:59:55Z", uid="b")),
])
def test_victim_ranking(victim: Obj, keeper: Obj, clock: VirtualClock) -> None:
    now = clock.now()
    related = [victim, keeper, ranked_pod("x", node="crowded")]
    for pods in ([victim, keeper], [keeper, victim]):
        assert pods_to_delete(pods, related, 1, now) == [victim]


def test_deleting_everything_needs_no_ranking(clock: VirtualClock) -> None:
    pods = [ranked_pod("a"), ranked_pod("b")]
    assert pods_to_delete(pods, pods, 2, clock.now() + timedelta(0)) == pods


def test_releases_relabelled_pods_and_adopts_orphans(ctx: Context, store: Store) -> None:
    store.create(rs_obj(replicas=1))
    ctrl = ReplicaSetController(ctx)
    ctrl.reconcile(KEY)
    (mine,) = pods_of(store)
    relabelled = clone(mine)
    relabelled["metadata"]["labels"] = {"app": "debug"}
    store.update(relabelled)
    orphan = store.create({"apiVersion": "v1", "kind": "Pod",
                           "metadata": {"name": "stray", "namespace": "default", "labels": {"app": "web"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    ctrl.reconcile(KEY)
    released = store.get("Pod", "default", mine["metadata"]["name"])
    assert "ownerReferences" not in released["metadata"]
    adopted = store.get("Pod", "default", "stray")
    assert adopted["metadata"]["ownerReferences"][0]["uid"] == store.get(
        "ReplicaSet", "default", "web")["metadata"]["uid"]
    assert orphan["metadata"]["uid"] == adopted["metadata"]["uid"]
    assert [p["metadata"]["name"] for p in pods_of(store)] == ["stray"]  # nothing new created
    pod_keys = ctrl.watches()[1].keys
    assert pod_keys({"type": "MODIFIED", "object": released}) == []
    assert pod_keys({"type": "MODIFIED", "object": {**orphan, "metadata": orphan["metadata"]}}) == [KEY]
    assert pod_keys({"type": "MODIFIED", "object": adopted}) == [KEY]


def test_orphans_come_from_the_stores_index_of_uncontrolled_pods(ctx: Context, store: Store) -> None:
    def pod(name: str, labels: Obj, refs: list[Obj] | None = None) -> Obj:
        meta: Obj = {"name": name, "namespace": "default", "labels": labels}
        if refs:
            meta["ownerReferences"] = refs
        return store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                             "spec": {"containers": [{"name": "c", "image": "nginx"}]}})

    other = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x", "uid": "u-x", "controller": True}
    pod("b-stray", {"app": "web"})
    pod("a-stray", {"app": "web"})
    pod("owned", {"app": "web"}, [other])
    pod("c-other", {"app": "db"})
    pod("d-plain-owner", {"app": "web"}, [{**other, "controller": False}])
    names = [p["metadata"]["name"] for p in store.uncontrolled_pods("default")]
    assert names == ["a-stray", "b-stray", "c-other", "d-plain-owner"]
    store.create(rs_obj(replicas=2))
    ReplicaSetController(ctx).reconcile(KEY)
    assert [p["metadata"]["name"] for p in pods_of(store)] == ["a-stray", "b-stray"]  # name order
    assert [p["metadata"]["name"] for p in store.uncontrolled_pods("default")] == ["c-other", "d-plain-owner"]
    store.delete("Pod", "default", "c-other")
    assert [p["metadata"]["name"] for p in store.uncontrolled_pods("default")] == ["d-plain-owner"]
