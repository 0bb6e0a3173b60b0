"""DefaultPreemption: victims, nomination, and the preemption part of FailedScheduling."""

from __future__ import annotations

from typing import Any

from kubenb.api.objects import Key
from kubenb.api.pods import get_condition
from kubenb.api.store import Store
from kubenb.scheduler.scheduler import Scheduler
from tests.unit.test_scheduler import events, node, node_of, pod, scheduled_cond
from tests.unit.test_scheduler import sched as sched  # noqa: F401  (the fixture)

Obj = dict[str, Any]


def live(store: Store, name: str) -> bool:
    p = store.try_get("Pod", "default", name)
    return p is not None and not p["metadata"].get("deletionTimestamp")


def test_preempts_lowest_priority_and_nominates(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="2"))
    store.create(pod("low", cpu="1", priority=0, nodeName="a"))
    store.create(pod("mid", cpu="1", priority=5, nodeName="a"))
    store.create(pod("vip", cpu="1", priority=10))
    sched.drain()
    # "low" is the victim; "mid" is reprieved because the pod fits with it back
    assert not live(store, "low") and live(store, "mid")
    victim = store.get("Pod", "default", "low")
    cond = get_condition(victim, "DisruptionTarget")
    assert cond is not None and (cond["status"], cond["reason"], cond["message"]) == (
        "True", "PreemptionByScheduler",
        "default-scheduler: preempting to accommodate a higher priority pod")
    [ev] = events(store, "Preempted")
    vip = store.get("Pod", "default", "vip")
    assert ev["message"] == f"Preempted by pod {vip['metadata']['uid']} on node a"
    assert ev["involvedObject"]["name"] == "low"
    assert vip["status"]["nominatedNodeName"] == "a"
    assert scheduled_cond(store, "vip")["message"] == "0/1 nodes are available: 1 Insufficient cpu."  # type: ignore[index]

    # while the victim terminates, the preemptor waits instead of preempting again
    sched.reconcile(Key("Pod", "default", "vip"))
    assert scheduled_cond(store, "vip")["message"] == (  # type: ignore[index]
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a "
        "terminating pod on the nominated node.")
    assert live(store, "mid")

    # the kubelet finishes the deletion: the preemptor lands on its nominated node
    store.delete("Pod", "default", "low", grace_period_seconds=0)
    sched.drain()
    assert node_of(store, "vip") == "a"


def test_picks_node_with_least_important_victims(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="1"))
    store.create(node("b", cpu="1"))
    store.create(pod("on-a", cpu="1", priority=5, nodeName="a"))
    store.create(pod("on-b", cpu="1", priority=1, nodeName="b"))
    store.create(pod("vip", cpu="1", priority=10))
    sched.drain()
    assert live(store, "on-a") and not live(store, "on-b")
    assert store.get("Pod", "default", "vip")["status"]["nominatedNodeName"] == "b"


def test_fewest_victims(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="3"))
    for i in range(3):
        store.create(pod(f"small-{i}", cpu="1", nodeName="a"))
    store.create(pod("vip", cpu="1500m", priority=100))
    sched.drain()
    gone = [i for i in range(3) if not live(store, f"small-{i}")]
    assert len(gone) == 2


def test_equal_priority_has_no_victims(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="1"))
    store.create(pod("q", cpu="1", nodeName="a"))
    store.create(pod("p", cpu="1"))
    sched.drain()
    assert live(store, "q")
    assert scheduled_cond(store, "p")["message"] == (  # type: ignore[index]
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod.")


def test_victims_would_not_free_enough(store: Store, sched: Scheduler) -> None:
    store.create(node("a", cpu="1"))
    store.create(pod("q", cpu="500m", nodeName="a"))
    store.create(pod("p", cpu="2", priority=10))
    sched.drain()
    assert live(store, "q")
    assert scheduled_cond(store, "p")["message"] == (  # type: ignore[index]
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
        "1 Insufficient cpu.")
    assert events(store, "Preempted") == []
