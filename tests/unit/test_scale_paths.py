"""Fast paths for big clusters (issue 17): each gives what the slow path gave and is used.

Covered: a big ReplicaSet's pod events are held in proportion to its size before a sync;
`kubectl get` printing a table reads the stored objects without copies; similar Events aggregated as client-go's EventAggregator does; the scheduler's adaptive percentageOfNodesToScore (filtering stops once enough nodes fit,
and the next pod starts where the last stopped); a RollingUpdate Deployment's sync does not read its pods (only Recreate waits on
them, as upstream's getPodMapForDeployment feeds rolloutRecreate alone).
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from kubenb.api.events import EventRecorder
from kubenb.api.objects import Key
from kubenb.api.store import Store
from kubenb.cli.kubectl.main import kubectl
from kubenb.client import inprocess
from kubenb.client.inprocess import InProcessClient
from kubenb.clock import VirtualClock
from kubenb.config import Context
from kubenb.controllers.base import ControllerRunner
from kubenb.controllers.deployment import DeploymentController
from kubenb.controllers.replicaset import ReplicaSetController
from kubenb.scheduler import scheduler as sched_mod
from kubenb.scheduler.scheduler import Scheduler, num_feasible_nodes_to_find
from tests import builders
from tests.unit.test_deployment_controller import Sim, deploy_obj, set_image
from tests.unit.test_replicaset_controller import rs_obj, run_pod
from tests.unit.test_scheduler import node, pod, wire


@pytest.mark.parametrize("strategy, reads_pods", [("RollingUpdate", False), ("Recreate", True)])
def test_only_a_recreate_sync_reads_the_pods(ctx: Context, monkeypatch: pytest.MonkeyPatch,
                                             strategy: str, reads_pods: bool) -> None:
    calls: list[int] = []
    real = DeploymentController.pod_map_for

    def counting(self: DeploymentController, rs_list: list[Any]) -> dict[str, list[Any]]:
        calls.append(len(rs_list))
        return real(self, rs_list)

    monkeypatch.setattr(DeploymentController, "pod_map_for", counting)
    sim = Sim(ctx)
    sim.store.create(deploy_obj(strategy={"type": strategy}))
    sim.run_to_completion()
    sim.edit(set_image("nginx:2"))
    sim.run_to_completion()
    assert bool(calls) is reads_pods
    assert sim.deployment()["status"]["updatedReplicas"] == 3


def _run(clock: VirtualClock, seconds: float) -> None:
    clock.loop.run_until_complete(clock.sleep(seconds))


@pytest.mark.parametrize("replicas, held", [(10, 0.05), (50, 0.05), (200, 0.2), (1000, 1.0)])
def test_a_replicasets_pod_events_are_held_by_its_size(ctx: Context, store: Store, clock: VirtualClock,
                                                      replicas: int, held: float) -> None:
    rsc = ReplicaSetController(ctx)
    runner = ControllerRunner(ctx)
    runner.attach(rsc)  # its watches feed its queue; the test works the queue by hand
    store.create(rs_obj(replicas=replicas))
    key = Key("ReplicaSet", "default", "web")
    _run(clock, 0)
    assert rsc.drain() == 1  # creates the pods
    assert rsc.coalesce_for(key, 0.05) == pytest.approx(held)
    _run(clock, 5)
    while rsc.drain():  # its status writes come back as events of its own
        _run(clock, 5)
    run_pod(store, store.list("Pod", "default")[0])  # one pod turns Ready
    _run(clock, held * 0.99)
    assert key not in rsc.queue
    _run(clock, held * 0.02)
    assert key in rsc.queue
    assert rsc.coalesce_for(Key("ReplicaSet", "default", "gone"), 0.05) == 0.05
    runner.stop()


@pytest.mark.parametrize("nodes, wanted", [(3, 3), (99, 99), (100, 100), (250, 120), (1000, 420),
                                            (5000, 500), (6000, 300)])
def test_how_many_feasible_nodes_the_scheduler_looks_for(nodes: int, wanted: int) -> None:
    assert num_feasible_nodes_to_find(nodes) == wanted


def test_a_big_cluster_filters_only_enough_nodes_and_goes_round(
        ctx: Context, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(1000):
        store.create(node(f"n{i:04d}", pods=10))
    sched = Scheduler(ctx)
    wire(store, sched)
    looked: list[list[str]] = []
    real = sched_mod.score_nodes

    def scoring(facts: Any, feasible: list[Any], nodes: list[Any]) -> list[int]:
        looked.append([n.name for n in feasible])
        return real(facts, feasible, nodes)

    monkeypatch.setattr(sched_mod, "score_nodes", scoring)
    for name in ("a", "b", "c"):
        store.create(pod(name))
    sched.drain()
    assert [len(x) for x in looked] == [420, 420, 420]
    assert looked[0][0] == "n0000" and looked[1][0] == "n0420" and looked[2][0] == "n0840"
    assert looked[2][-1] == "n0259"  # round past the end
    assert all(store.get("Pod", "default", n)["spec"].get("nodeName") in x
               for n, x in zip("abc", looked, strict=True))


def test_similar_events_are_combined_from_the_tenth_message_on(store: Store, clock: VirtualClock) -> None:
    rec = EventRecorder(store, "replicaset-controller")
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": "web", "namespace": "default", "uid": "u1"}}
    for i in range(25):
        rec.event(rs, "Normal", "SuccessfulCreate", f"Created pod: web-{i}")
    rec.event(rs, "Normal", "SuccessfulCreate", "Created pod: web-3")  # seen: counted again
    rec.event(rs, "Warning", "FailedCreate", "quota")  # another reason: its own
    events = sorted(((e["reason"], e["message"], e["count"]) for e in store.list("Event")),
                    key=lambda e: (e[0], e[2], e[1]))
    assert events[0] == ("FailedCreate", "quota", 1)
    assert events[1:10] == [("SuccessfulCreate", f"Created pod: web-{i}", 1) for i in range(9)]
    assert events[10:] == [("SuccessfulCreate",
                            "(combined from similar events): Created pod: web-3", 17)]
    clock.advance(601)  # ten minutes without one: counted afresh
    rec.event(rs, "Normal", "SuccessfulCreate", "Created pod: web-99")
    assert ("Created pod: web-99", 1) in [(e["message"], e["count"]) for e in store.list("Event")]


@pytest.mark.parametrize("argv, copies", [(["get", "pods"], 0), (["get", "pods", "-A", "-o", "wide"], 0),
                                          (["get", "pods", "-o", "name"], 3),
                                          (["get", "pods", "--sort-by", ".metadata.name"], 3)])
def test_get_copies_only_what_it_does_not_print_as_a_table(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                           argv: list[str], copies: int) -> None:
    for name in ("a", "b", "c"):
        store.create(builders.pod(name))
    counted: list[int] = []
    real = inprocess.clone

    def counting(value: Any) -> Any:
        counted.append(1)
        return real(value)

    monkeypatch.setattr(inprocess, "clone", counting)
    out, err = io.StringIO(), io.StringIO()
    assert kubectl(argv, InProcessClient(store), out, err) == 0, err.getvalue()
    assert out.getvalue().count("\n") == 3 + ("name" not in argv)
    assert len(counted) == copies
