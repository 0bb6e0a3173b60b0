"""NodeLifecycleController and TaintEvictionController, driven by the virtual clock."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kubenb.api.objects import Key, clone
from kubenb.api.pods import get_condition
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from kubenb.config import Context
from kubenb.controllers.base import ControllerRunner
from kubenb.controllers.nodelifecycle import NodeLifecycleController
from kubenb.controllers.taint_eviction import (
    TaintEvictionController,
    min_toleration_seconds,
    tolerates,
)

NODE = Key("Node", "", "n1")


def conditions(stamp: str, ready: str = "True") -> list[dict[str, Any]]:
    out = [{"type": t, "status": "False", "lastHeartbeatTime": stamp, "lastTransitionTime": stamp,
            "reason": f"KubeletHasNo{t}", "message": "ok"}
           for t in ("MemoryPressure", "DiskPressure", "PIDPressure")]
    out.append({"type": "Ready", "status": ready, "lastHeartbeatTime": stamp,
                "lastTransitionTime": stamp, "reason": "KubeletReady",
                "message": "kubelet is posting ready status"})
    return out


def make_node(store: Store, name: str = "n1", ready: str = "True") -> dict[str, Any]:
    stamp = store.clock.timestamp()
    return store.create({"kind": "Node", "metadata": {"name": name}, "spec": {},
                         "status": {"conditions": conditions(stamp, ready)}})


def heartbeat(store: Store, name: str = "n1", ready: str = "True") -> None:
    node = clone(store.get("Node", None, name))
    node["status"]["conditions"] = conditions(store.clock.timestamp(), ready)
    store.update(node, subresource="status")


def make_pod(store: Store, name: str, node: str = "n1",
             tolerations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    pod = store.create({"kind": "Pod", "metadata": {"name": name},
                        "spec": {"nodeName": node, "tolerations": tolerations or [],
                                 "containers": [{"name": "c", "image": "nginx"}]}})
    pod = clone(pod)
    pod["status"] = {"phase": "Running", "podIP": "10.244.0.5",
                     "conditions": [{"type": "Ready", "status": "True",
                                     "lastTransitionTime": store.clock.timestamp()}]}
    return store.update(pod, subresource="status")


def events(store: Store, reason: str) -> list[tuple[str, str, str, str]]:
    return [(e["involvedObject"]["kind"], e["involvedObject"]["name"], e["type"], e["message"])
            for e in store.list("Event") if e["reason"] == reason]


def taints(store: Store, name: str = "n1") -> list[tuple[str, str]]:
    return [(t["key"], t["effect"])
            for t in store.get("Node", None, name).get("spec", {}).get("taints") or []]


@pytest.fixture
def nlc(ctx: Context) -> NodeLifecycleController:
    return NodeLifecycleController(ctx)


@pytest.fixture
def tec(ctx: Context) -> TaintEvictionController:
    return TaintEvictionController(ctx)


# ---- node lifecycle ------------------------------------------------------------------------


def test_registered_node_event_once_and_periodic_requeue(store: Store, ctx: Context,
                                                         nlc: NodeLifecycleController,
                                                         writes: list[Any]) -> None:
    make_node(store)
    writes.clear()
    assert nlc.reconcile(NODE) == ctx.timings.node_monitor_period
    assert nlc.reconcile(NODE) == ctx.timings.node_monitor_period
    assert events(store, "RegisteredNode") == [
        ("Node", "n1", "Normal", "Node n1 event: Registered Node n1 in Controller")]
    assert [w for w in writes if w[1] != "Event"] == []  # a healthy node is left alone
    [ev] = [e for e in store.list("Event") if e["reason"] == "RegisteredNode"]
    assert ev["source"] == {"component": "node-controller"}
    assert ev["involvedObject"]["uid"] == store.get("Node", None, "n1")["metadata"]["uid"]


def test_stale_heartbeat_makes_node_unknown_tainted_and_pods_not_ready(
        store: Store, clock: VirtualClock, ctx: Context, nlc: NodeLifecycleController) -> None:
    make_node(store)
    make_pod(store, "p")
    nlc.reconcile(NODE)
    clock.advance(ctx.timings.node_monitor_grace)  # exactly the grace: still fine
    nlc.reconcile(NODE)
    assert get_condition(store.get("Node", None, "n1"), "Ready")["status"] == "True"
    clock.advance(1)
    nlc.reconcile(NODE)
    node = store.get("Node", None, "n1")
    for ctype in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
        cond = get_condition(node, ctype)
        assert cond is not None
        assert (cond["status"], cond["reason"], cond["message"]) == (
            "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
        assert cond["lastHeartbeatTime"] == "2025-01-06T10:00:00Z"
        assert cond["lastTransitionTime"] == clock.timestamp()
    assert taints(store) == [("node.kubernetes.io/unreachable", "NoSchedule"),
                             ("node.kubernetes.io/unreachable", "NoExecute")]
    assert all(t["timeAdded"] == clock.timestamp() for t in node["spec"]["taints"])
    assert events(store, "NodeNotReady") == [
        ("Node", "n1", "Normal", "Node n1 status is now: NodeNotReady"),
        ("Pod", "p", "Warning", "Node is not ready")]
    ready = get_condition(store.get("Pod", "default", "p"), "Ready")
    assert ready is not None and ready["status"] == "False"
    # Nothing changes on the next look: no repeated writes or events.
    rv = store.resource_version
    clock.advance(1)
    nlc.reconcile(NODE)
    assert store.resource_version == rv


def test_recovered_node_loses_its_taints(store: Store, clock: VirtualClock, ctx: Context,
                                         nlc: NodeLifecycleController) -> None:
    make_node(store)
    clock.advance(ctx.timings.node_monitor_grace + 1)
    nlc.reconcile(NODE)
    assert len(taints(store)) == 2
    heartbeat(store)
    nlc.reconcile(NODE)
    assert taints(store) == []


def test_kubelet_reported_not_ready_gets_not_ready_taints(store: Store,
                                                          nlc: NodeLifecycleController) -> None:
    make_node(store, ready="False")
    nlc.reconcile(NODE)
    assert taints(store) == [("node.kubernetes.io/not-ready", "NoSchedule"),
                             ("node.kubernetes.io/not-ready", "NoExecute")]
    assert events(store, "NodeNotReady") == []  # the kubelet reports that transition itself


def test_cordon_keeps_the_unschedulable_taint_in_step(store: Store,
                                                      nlc: NodeLifecycleController) -> None:
    make_node(store)
    node = clone(store.get("Node", None, "n1"))
    node["spec"]["unschedulable"] = True
    node["spec"]["taints"] = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    store.update(node)
    nlc.reconcile(NODE)
    assert taints(store) == [("dedicated", "NoSchedule"),
                             ("node.kubernetes.io/unschedulable", "NoSchedule")]
    node = clone(store.get("Node", None, "n1"))
    node["spec"].pop("unschedulable")
    store.update(node)
    nlc.reconcile(NODE)
    assert taints(store) == [("dedicated", "NoSchedule")]


def test_deleted_node_gets_removing_event(store: Store, nlc: NodeLifecycleController) -> None:
    make_node(store)
    nlc.reconcile(NODE)
    store.delete("Node", None, "n1")
    assert nlc.reconcile(NODE) is None
    assert events(store, "RemovingNode") == [
        ("Node", "n1", "Normal", "Node n1 event: Removing Node n1 from Controller")]


# ---- taint eviction ------------------------------------------------------------------------


@pytest.mark.parametrize(("toleration", "taint", "expected"), [
    ({"operator": "Exists"}, {"key": "a", "effect": "NoExecute"}, True),
    ({"key": "a", "operator": "Exists"}, {"key": "a", "effect": "NoExecute"}, True),
    ({"key": "a", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "a", "effect": "NoExecute"}, False),
    ({"key": "a", "value": "x"}, {"key": "a", "value": "x", "effect": "NoExecute"}, True),
    ({"key": "a", "operator": "Equal", "value": "x"},
     {"key": "a", "value": "y", "effect": "NoExecute"}, False),
    ({"key": "b", "operator": "Exists"}, {"key": "a", "effect": "NoExecute"}, False),
])
def test_tolerates(toleration: dict[str, Any], taint: dict[str, Any], expected: bool) -> None:
    assert tolerates(toleration, taint) is expected


def test_min_toleration_seconds() -> None:
    assert min_toleration_seconds([]) == 0
    assert min_toleration_seconds([{"tolerationSeconds": 30}, {"tolerationSeconds": 10}]) == 10
    assert min_toleration_seconds([{"tolerationSeconds": -5}]) == 0
    assert min_toleration_seconds([{"operator": "Exists"}]) is None


def taint_node(store: Store, key: str = "node.kubernetes.io/unreachable") -> None:
    node = clone(store.get("Node", None, "n1"))
    node["spec"]["taints"] = [{"key": key, "effect": "NoExecute",
                               "timeAdded": store.clock.timestamp()}]
    store.update(node)


def untaint_node(store: Store) -> None:
    node = clone(store.get("Node", None, "n1"))
    node["spec"].pop("taints", None)
    store.update(node)


UNREACHABLE_10S = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                    "effect": "NoExecute", "tolerationSeconds": 10}]


def test_intolerant_pod_is_evicted_at_once(store: Store, tec: TaintEvictionController) -> None:
    make_node(store)
    make_pod(store, "p")
    taint_node(store)
    assert tec.reconcile(NODE) is None
    pod = store.get("Pod", "default", "p")
    assert pod["metadata"]["deletionTimestamp"]  # graceful: a dead kubelet never finishes it
    cond = get_condition(pod, "DisruptionTarget")
    assert cond is not None
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")
    assert events(store, "TaintManagerEviction") == [
        ("Pod", "p", "Normal", "Marking for deletion Pod default/p")]
    [ev] = [e for e in store.list("Event") if e["reason"] == "TaintManagerEviction"]
    assert ev["source"] == {"component": "taint-eviction-controller"}


def test_tolerating_pod_is_evicted_after_toleration_seconds(
        store: Store, clock: VirtualClock, tec: TaintEvictionController) -> None:
    make_node(store)
    make_pod(store, "p", tolerations=UNREACHABLE_10S)
    make_pod(store, "forever", tolerations=[{"operator": "Exists"}])
    taint_node(store)
    assert tec.reconcile(NODE) == 10
    clock.advance(4)
    assert tec.reconcile(NODE) == 6
    assert not store.get("Pod", "default", "p")["metadata"].get("deletionTimestamp")
    clock.advance(6)
    assert tec.reconcile(NODE) is None
    assert store.get("Pod", "default", "p")["metadata"]["deletionTimestamp"]
    assert not store.get("Pod", "default", "forever")["metadata"].get("deletionTimestamp")


def test_planned_eviction_is_cancelled_when_the_taint_goes(
        store: Store, clock: VirtualClock, tec: TaintEvictionController) -> None:
    make_node(store)
    make_pod(store, "p", tolerations=UNREACHABLE_10S)
    taint_node(store)
    tec.reconcile(NODE)
    clock.advance(5)
    untaint_node(store)
    assert tec.reconcile(NODE) is None
    clock.advance(10)
    tec.reconcile(NODE)
    assert not store.get("Pod", "default", "p")["metadata"].get("deletionTimestamp")
    assert events(store, "TaintManagerEviction") == [
        ("Pod", "p", "Normal", "Cancelling deletion of Pod default/p")]


def test_dead_node_end_to_end_on_the_virtual_loop(store: Store, clock: VirtualClock,
                                                  ctx: Context) -> None:
    """Workers on the virtual loop: the node goes Unknown, is tainted, the pod is evicted."""
    runner = ControllerRunner(ctx)
    runner.add(NodeLifecycleController(ctx))
    runner.add(TaintEvictionController(ctx))
    make_node(store)
    make_pod(store, "p", tolerations=UNREACHABLE_10S)
    runner.start()
    try:
        # No heartbeats arrive: after the grace period (+ one monitor period) the node is
        # unreachable; the pod tolerates that for 10 s.
        clock.loop.run_until_complete(asyncio.sleep(ctx.timings.node_monitor_grace + 2))
        assert ("node.kubernetes.io/unreachable", "NoExecute") in taints(store)
        assert not store.get("Pod", "default", "p")["metadata"].get("deletionTimestamp")
        clock.loop.run_until_complete(asyncio.sleep(10))
        assert store.get("Pod", "default", "p")["metadata"]["deletionTimestamp"]
    finally:
        runner.stop()
        clock.loop.run_until_complete(asyncio.sleep(0))


def renew_lease(store: Store, name: str = "n1") -> None:
    """What the kubelet's lease renewal writes (kubenb.node.kubelet_lease)."""
    from kubenb.node.kubelet_lease import NodeLease

    NodeLease(Context(store, store.clock), name).renew()


def test_a_renewed_lease_keeps_a_node_with_stale_status_ready(
        store: Store, clock: VirtualClock, ctx: Context, nlc: NodeLifecycleController) -> None:
    make_node(store)
    for _ in range(3):  # status is never posted again, only the lease is renewed
        clock.advance(ctx.timings.node_monitor_grace - 1)
        renew_lease(store)
        nlc.reconcile(NODE)
        assert get_condition(store.get("Node", None, "n1"), "Ready")["status"] == "True"
    clock.advance(ctx.timings.node_monitor_grace + 1)  # the lease stops too: NotReady
    nlc.reconcile(NODE)
    ready = get_condition(store.get("Node", None, "n1"), "Ready")
    assert (ready["status"], ready["reason"]) == ("Unknown", "NodeStatusUnknown")
    assert events(store, "NodeNotReady") == [
        ("Node", "n1", "Normal", "Node n1 status is now: NodeNotReady")]
