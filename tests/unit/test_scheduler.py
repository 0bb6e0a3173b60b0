"""Scheduler: bindings, spreading, upstream's FailedScheduling messages, and retries."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kubenb.api.objects import Key, clone
from kubenb.api.pods import get_condition
from kubenb.api.store import Store
from kubenb.config import Context
from kubenb.controllers.base import ControllerRunner
from kubenb.scheduler.scheduler import Scheduler
from tests import builders

Obj = dict[str, Any]
CONTROL_PLANE = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


def node(name: str, cpu: str = "2", memory: str = "4Gi", pods: int = 110, *,
         labels: dict[str, str] | None = None, taints: list[Obj] | None = None,
         ready: bool = True, unschedulable: bool = False) -> Obj:
    res = {"cpu": cpu, "memory": memory, "pods": str(pods)}
    spec: Obj = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return builders.node(name, labels={"kubernetes.io/hostname": name, **(labels or {})}, spec=spec,
                         capacity=res, allocatable=res,
                         conditions=[builders.condition("Ready", ready, reason="KubeletReady")])


def pod(name: str, cpu: str | None = None, memory: str | None = None, *, ns: str = "default",
        owner: Obj | None = None, host_port: int | None = None, priority: int | None = None,
        **spec: Any) -> Obj:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    ports = [{"containerPort": 80, "hostPort": host_port}] if host_port else None
    meta = None
    if owner is not None:
        meta = {"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "controller": True,
                                     "name": owner["name"], "uid": owner["uid"]}]}
    if priority is not None:
        spec["priority"] = priority
    return builders.pod(name, namespace=ns, requests=requests, ports=ports, meta=meta, **spec)


def wire(store: Store, sched: Scheduler) -> None:
    """ControllerRunner.attach, but delivering synchronously (no loop needed)."""
    for w in sched.watches():
        def deliver(event: Any, w: Any = w) -> None:
            for key in w.keys(event):
                sched.queue.add(key)
        store.watch(w.kind, deliver, initial=True)


@pytest.fixture
def sched(ctx: Context, store: Store) -> Scheduler:
    s = Scheduler(ctx)
    wire(store, s)
    return s


def node_of(store: Store, name: str, ns: str = "default") -> str | None:
    return store.get("Pod", ns, name)["spec"].get("nodeName")


def events(store: Store, reason: str) -> list[Obj]:
    return [e for e in store.list("Event", "default") if e["reason"] == reason]


def scheduled_cond(store: Store, name: str) -> Obj | None:
    return get_condition(store.get("Pod", "default", name), "PodScheduled")


# ---- binding and spreading ---------------------------------------------------------------


def test_binds_and_records_scheduled(store: Store, sched: Scheduler, writes: Any) -> None:
    store.create(node("minikube"))
    store.create(pod("web"))
    assert sched.drain() == 1
    assert node_of(store, "web") == "minikube"
    assert writes.of("create", "Pod")[-1:] and ("create", "Pod", "web", "binding") in writes
    [ev] = events(store, "Scheduled")
    assert ev["type"] == "Normal"
    assert ev["message"] == "Successfully assigned default/web to minikube"
    assert ev["source"] == {"component": "default-scheduler"}
    cond = scheduled_cond(store, "web")
    assert cond is not None and cond["status"] == "True"


def test_replicas_spread_one_per_node(store: Store, sched: Scheduler) -> None:
    for n in ("m01", "m02", "m03"):
        store.create(node(n))
    rs = {"name": "web-abc", "uid": "rs-uid-1"}
    for i in range(3):
        store.create(pod(f"web-abc-{i}", owner=rs))
    sched.drain()
    placed = Counter(node_of(store, f"web-abc-{i}") for i in range(3))
    assert placed == Counter({"m01": 1, "m02": 1, "m03": 1})


def test_spreading_is_per_owner_and_balanced(store: Store, sched: Scheduler) -> None:
    for n in ("a", "b"):
        store.create(node(n))
    for owner in ("x", "y"):
        for i in range(4):
            store.create(pod(f"{owner}-{i}", owner={"name": owner, "uid": f"uid-{owner}"}))
    sched.drain()
    for owner in ("x", "y"):
        placed = Counter(node_of(store, f"{owner}-{i}") for i in range(4))
        assert placed == Counter({"a": 2, "b": 2})


def test_least_allocated_prefers_emptier_node(store: Store, sched: Scheduler) -> None:
    store.create(node("busy", cpu="4"))
    store.create(node("idle", cpu="4"))
    store.create(pod("hog", cpu="3", nodeName="busy"))
    for i in range(2):
        store.create(pod(f"p{i}", cpu="500m"))
    sched.drain()
    assert {node_of(store, "p0"), node_of(store, "p1")} == {"idle"}


def test_ties_are_reproducible(ctx: Context, store: Store) -> None:
    for n in ("n1", "n2", "n3", "n4"):
        store.create(node(n))
    for i in range(6):
        store.create(pod(f"solo-{i}"))
    sched = Scheduler(ctx)
    wire(store, sched)
    sched.drain()
    first = [node_of(store, f"solo-{i}") for i in range(6)]
    assert all(first)
    # same seed, same store contents → same choices
    import random

    from kubenb.api.store import Store as FreshStore
    store2 = FreshStore(store.clock, seed=1)
    store2.ensure_namespaces()
    for n in ("n1", "n2", "n3", "n4"):
        store2.create(node(n))
    for i in range(6):
        store2.create(pod(f"solo-{i}"))
    again = Scheduler(Context(store2, store.clock, ctx.timings, random.Random(1)))
    wire(store2, again)
    again.drain()
    assert [node_of(store2, f"solo-{i}") for i in range(6)] == first


# ---- failures: exact messages -----------------------------------------------------------

CASES = [
    pytest.param(
        [node("cp", taints=[CONTROL_PLANE]), node("w1", cpu="1"), node("w2", cpu="1")],
        pod("big", cpu="2"),
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes "
        "are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims "
        "found for incoming pod.",
        id="taint-and-cpu",
    ),
    pytest.param(
        [node("a"), node("b", unschedulable=True)],
        pod("p", memory="8Gi"),
        "0/2 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable. "
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        "1 Preemption is not helpful for scheduling.",
        id="memory-and-cordon",
    ),
    pytest.param(
        [node("a", cpu="1", memory="1Gi")],
        pod("p", cpu="2", memory="2Gi"),
        "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 "
        "nodes are available: 1 No preemption victims found for incoming pod.",
        id="cpu-and-memory-on-one-node",
    ),
    pytest.param(
        [node("a", labels={"disk": "hdd"}), node("b"), node("c")],
        pod("p", nodeSelector={"disk": "ssd"}),
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
        id="node-selector",
    ),
    pytest.param(
        [node("a", pods=0)],
        pod("p"),
        "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod.",
        id="too-many-pods",
    ),
    pytest.param(
        [node("a", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoExecute"}]),
         node("b", ready=False)],
        pod("p"),
        "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) "
        "had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/2 nodes are "
        "available: 2 Preemption is not helpful for scheduling.",
        id="taint-with-value-and-not-ready",
    ),
    pytest.param(
        [node("a"), node("b")],
        pod("p", affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": ["zz"]}]}]}}}),
        "0/2 nodes are available: 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
        id="match-fields-unknown-node",
    ),
    pytest.param(
        [node("a", cpu="1")],
        pod("p", cpu="2", preemptionPolicy="Never"),
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to "
        "preemptionPolicy=Never.",
        id="preemption-never",
    ),
]


@pytest.mark.parametrize(("nodes", "the_pod", "message"), CASES)
def test_unschedulable_message(store: Store, sched: Scheduler, nodes: list[Obj], the_pod: Obj,
                               message: str) -> None:
    for n in nodes:
        store.create(n)
    store.create(the_pod)
    sched.drain()
    name = the_pod["metadata"]["name"]
    assert node_of(store, name) is None
    cond = scheduled_cond(store, name)
    assert cond is not None
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", message)
    assert cond["lastProbeTime"] is None
    [ev] = events(store, "FailedScheduling")
    assert (ev["type"], ev["message"]) == ("Warning", message)
    assert ev["source"] == {"component": "default-scheduler"}


def test_no_nodes(store: Store, sched: Scheduler) -> None:
    store.create(pod("p"))
    sched.drain()
    cond = scheduled_cond(store, "p")
    assert cond is not None and cond["message"] == "no nodes available to schedule pods"
    assert cond["reason"] == "Unschedulable"


def test_reason_counts_sort_as_strings(store: Store, sched: Scheduler) -> None:
    for i in range(10):
        store.create(node(f"t{i:02}", taints=[{"key": "k", "effect": "NoSchedule"}]))
    for i in range(2):
        store.create(node(f"s{i}", cpu="1"))
    store.create(pod("p", cpu="2"))
    sched.drain()
    cond = scheduled_cond(store, "p")
    assert cond is not None
    assert cond["message"].startswith(
        "0/12 nodes are available: 10 node(s) had untolerated taint {k: }, 2 Insufficient cpu. "
        "preemption: 0/12 nodes are available: 10 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod.")


def test_failure_is_not_rewritten_or_respammed(store: Store, sched: Scheduler, writes: Any) -> None:
    store.create(node("a", cpu="1"))
    store.create(pod("p", cpu="2"))
    assert sched.drain() == 1  # its own status write does not requeue it
    status_writes = [w for w in writes if w[1] == "Pod" and w[3] == "status"]
    assert len(status_writes) == 1
    # the periodic retry: same outcome, no second status write, the event only counts up
    sched.reconcile(Key("Pod", "default", "p"))
    assert len([w for w in writes if w[1] == "Pod" and w[3] == "status"]) == 1
    [ev] = events(store, "FailedScheduling")
    assert ev["count"] == 2


def test_retry_after_interval(store: Store, sched: Scheduler, ctx: Context) -> None:
    store.create(node("a", cpu="1"))
    store.create(pod("p", cpu="2"))
    assert sched.reconcile(Key("Pod", "default", "p")) == ctx.timings.scheduler_retry


# ---- retried when the cluster changes ---------------------------------------------------


def test_pending_pod_scheduled_when_node_added(store: Store, sched: Scheduler) -> None:
    store.create(node("small", cpu="1"))
    store.create(pod("p", cpu="2"))
    sched.drain()
    assert node_of(store, "p") is None
    store.create(node("big", cpu="4"))
    assert sched.drain() == 1
    assert node_of(store, "p") == "big"
    cond = scheduled_cond(store, "p")
    assert cond is not None and cond["status"] == "True"
    assert "reason" not in cond and "message" not in cond


def test_pending_pod_scheduled_when_pod_deleted(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="2"))
    store.create(pod("hog", cpu="1500m", nodeName="a"))
    store.create(pod("p", cpu="1"))
    sched.drain()
    assert node_of(store, "p") is None
    store.delete("Pod", "default", "hog", grace_period_seconds=0)
    assert sched.drain() == 1
    assert node_of(store, "p") == "a"


def test_pending_pod_scheduled_when_pod_finishes(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="2"))
    store.create(pod("job", cpu="1500m", nodeName="a"))
    store.create(pod("p", cpu="1"))
    sched.drain()
    assert node_of(store, "p") is None
    done = clone(store.get("Pod", "default", "job"))
    done["status"]["phase"] = "Succeeded"
    store.update(done, subresource="status")
    assert sched.drain() == 1
    assert node_of(store, "p") == "a"


def test_heartbeats_do_not_retry(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="1"))
    store.create(pod("p", cpu="2"))
    sched.drain()
    beat = clone(store.get("Node", None, "a"))
    beat["status"]["conditions"][0]["lastHeartbeatTime"] = "2025-01-01T00:00:10Z"
    store.update(beat, subresource="status")
    assert sched.drain() == 0


def test_uncordon_schedules(store: Store, sched: Scheduler) -> None:
    store.create(node("a", unschedulable=True))
    store.create(pod("p"))
    sched.drain()
    assert node_of(store, "p") is None
    n = clone(store.get("Node", None, "a"))
    del n["spec"]["unschedulable"]
    store.update(n)
    sched.drain()
    assert node_of(store, "p") == "a"


def test_pod_spec_change_is_retried(store: Store, sched: Scheduler) -> None:
    store.create(node("a", taints=[{"key": "team", "value": "x", "effect": "NoSchedule"}]))
    store.create(pod("p"))
    sched.drain()
    assert node_of(store, "p") is None
    p = clone(store.get("Pod", "default", "p"))
    p["spec"]["tolerations"] = [{"key": "team", "operator": "Equal", "value": "x",
                                 "effect": "NoSchedule"}]
    store.update(p)
    assert sched.drain() == 1
    assert node_of(store, "p") == "a"


def test_ignores_other_schedulers_bound_and_deleting_pods(store: Store, sched: Scheduler) -> None:
    store.create(node("a"))
    store.create(pod("other", schedulerName="my-scheduler"))
    store.create(pod("bound", nodeName="a"))
    store.create(pod("gated", schedulingGates=[{"name": "wait"}]))
    sched.drain()
    assert node_of(store, "other") is None and node_of(store, "gated") is None
    assert events(store, "Scheduled") == [] and events(store, "FailedScheduling") == []


def test_reads_current_pod_before_binding(store: Store, sched: Scheduler) -> None:
    store.create(node("a"))
    store.create(pod("p"))
    store.bind("default", "p", "a")  # someone else bound it meanwhile
    sched.drain()
    assert events(store, "Scheduled") == []


def test_deployment_replicas_spread_under_the_runner(ctx: Context, store: Store) -> None:
    """The real chain: Deployment -> ReplicaSet -> 3 pods -> one per node, on the loop."""
    from kubenb.controllers.deployment import DeploymentController
    from kubenb.controllers.replicaset import ReplicaSetController

    runner = ControllerRunner(ctx)
    for cls in (DeploymentController, ReplicaSetController, Scheduler):
        runner.add(cls(ctx))
    for n in ("minikube", "minikube-m02", "minikube-m03"):
        store.create(node(n))
    runner.start()
    try:
        store.create({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
        })
        ctx.clock.loop.run_until_complete(ctx.clock.sleep(1.0))
        pods = store.list("Pod", "default")
        assert len(pods) == 3
        assert sorted(p["spec"].get("nodeName") or "" for p in pods) == [
            "minikube", "minikube-m02", "minikube-m03"]
        assert len(events(store, "Scheduled")) == 3
    finally:
        runner.stop()
