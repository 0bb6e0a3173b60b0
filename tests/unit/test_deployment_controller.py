"""Deployment controller: ReplicaSets, revisions, strategies, scaling, pause and conditions.

`Sim` drives both controllers by hand: `settle()` reconciles every ReplicaSet and
Deployment until a whole pass writes nothing; `kubelet()` plays the nodes — it starts
(Running + Ready) the pods that exist and finishes the graceful deletions.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.errors import AlreadyExists
from kubenb.api.events import COMBINED_PREFIX
from kubenb.api.hashing import pod_template_hash
from kubenb.api.objects import Key, clone
from kubenb.api.pods import is_pod_active, is_pod_ready
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from kubenb.config import Context
from kubenb.controllers import deployment_util as du
from kubenb.controllers.deployment import DeploymentController
from kubenb.controllers.replicaset import ReplicaSetController
from tests import builders
from tests.unit.test_replicaset_controller import run_pod

Obj = dict[str, Any]
KEY = Key("Deployment", "default", "web")


def deploy_obj(name: str = "web", replicas: int = 3, image: str = "nginx:1", strategy: Obj | None = None,
               **spec: Any) -> Obj:
    return builders.deployment(name, image, replicas, labels={}, strategy=strategy or {"type": "RollingUpdate"},
                               **spec)


class Sim:
    def __init__(self, ctx: Context) -> None:
        self.store = ctx.store
        self.clock = ctx.clock
        self.dc = DeploymentController(ctx)
        self.rsc = ReplicaSetController(ctx)
        self.scaling: list[str] = []  # ScalingReplicaSet messages, each occurrence in order
        self.progressing: list[tuple[str, str, str]] = []  # each Progressing condition written
        self.store.write_listeners.append(self._record)

    def _record(self, verb: str, kind: str, obj: Obj, sub: str | None) -> None:
        if kind == "Event" and obj["reason"] == "ScalingReplicaSet":
            # from the 10th step on they are one aggregated Event (kubenb/api/events.py)
            self.scaling.append(obj["message"].removeprefix(COMBINED_PREFIX))
        if kind == "Deployment" and sub == "status":
            for c in obj["status"].get("conditions", []):
                if c["type"] == "Progressing" and (not self.progressing or self.progressing[-1] != (
                        c["status"], c["reason"], c["message"])):
                    self.progressing.append((c["status"], c["reason"], c["message"]))

    def settle(self, max_passes: int = 50) -> float | None:
        """Reconcile everything until a pass changes nothing; the last deployment requeue."""
        again = None
        for _ in range(max_passes):
            before = self.store.resource_version
            for rs in self.store.list("ReplicaSet", "default"):
                self.rsc.reconcile(Key("ReplicaSet", "default", rs["metadata"]["name"]))
            for d in self.store.list("Deployment", "default"):
                again = self.dc.reconcile(Key("Deployment", "default", d["metadata"]["name"]))
            if self.store.resource_version == before:
                return again
        raise AssertionError("controllers did not settle")

    def kubelet(self, ready: bool = True) -> None:
        for pod in self.store.list("Pod", "default"):
            if pod["metadata"].get("deletionTimestamp"):
                self.store.delete("Pod", "default", pod["metadata"]["name"], grace_period_seconds=0)
            elif not is_pod_ready(pod) and ready:
                run_pod(self.store, pod)
            elif not pod["spec"].get("nodeName"):
                run_pod(self.store, pod, ready=False)

    def run_to_completion(self, rounds: int = 40) -> None:
        for _ in range(rounds):
            self.settle()
            if complete(self.deployment()):
                return
            self.kubelet()
        raise AssertionError("rollout did not complete")

    def deployment(self, name: str = "web") -> Obj:
        return self.store.get("Deployment", "default", name)

    def rss(self) -> dict[str, Obj]:
        return {rs["metadata"]["name"]: rs for rs in self.store.list("ReplicaSet", "default")}

    def edit(self, fn: Any, name: str = "web") -> None:
        d = clone(self.deployment(name))
        fn(d)
        self.store.update(d)


def complete(d: Obj) -> bool:
    s, want = d.get("status") or {}, d["spec"]["replicas"]
    return (s.get("observedGeneration") == d["metadata"]["generation"] and s.get("updatedReplicas", 0) == want
            and s.get("replicas", 0) == want and s.get("availableReplicas", 0) == want)


def set_image(image: str) -> Any:
    def fn(d: Obj) -> None:
        d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return fn


def scale_to(n: int) -> Any:
    def fn(d: Obj) -> None:
        d["spec"]["replicas"] = n
    return fn


def conditions(d: Obj) -> list[tuple[str, str, str, str]]:
    return [(c["type"], c["status"], c["reason"], c["message"]) for c in d["status"].get("conditions", [])]


def rs_name(d: Obj, collisions: int | None = None) -> str:
    return f"{d['metadata']['name']}-{pod_template_hash(d['spec']['template'], collisions)}"


@pytest.fixture
def sim(ctx: Context) -> Sim:
    return Sim(ctx)


def test_create_makes_the_new_replica_set(sim: Sim, store: Store) -> None:
    d = store.create(deploy_obj(replicas=3))
    sim.dc.reconcile(KEY)
    name = rs_name(d)
    rs = sim.rss()[name]
    pod_hash = name.rsplit("-", 1)[1]
    assert rs["metadata"]["labels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web", "pod-template-hash": pod_hash}}
    assert rs["spec"]["template"]["metadata"]["labels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs["spec"]["replicas"] == 3 and "minReadySeconds" not in rs["spec"]  # omitempty
    assert rs["metadata"]["annotations"] == {
        "deployment.kubernetes.io/revision": "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",  # 3 + 25% surge rounded up
    }
    owner = rs["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["controller"], owner["blockOwnerDeletion"]) == (
        "Deployment", "web", True, True)
    d = sim.deployment()
    assert d["metadata"]["annotations"] == {"deployment.kubernetes.io/revision": "1"}
    assert ("Progressing", "True", "NewReplicaSetCreated", f'Created new replica set "{name}"') in conditions(d)
    assert sim.scaling == [f"Scaled up replica set {name} from 0 to 3"]
    assert {e["source"]["component"] for e in store.list("Event", "default")} == {"deployment-controller"}


def test_rollout_completes_with_upstream_conditions(sim: Sim, store: Store) -> None:
    d = store.create(deploy_obj(replicas=2))
    sim.settle()
    d = sim.deployment()
    assert conditions(d) == [
        ("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
        ("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{rs_name(d)}" is progressing.'),
    ]
    sim.run_to_completion()
    d = sim.deployment()
    name = rs_name(d)
    assert d["status"] == {
        "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
        "availableReplicas": 2, "conditions": d["status"]["conditions"]}
    assert conditions(d) == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        ("Progressing", "True", "NewReplicaSetAvailable", f'ReplicaSet "{name}" has successfully progressed.'),
    ]
    for c in d["status"]["conditions"]:
        assert set(c) == {"type", "status", "lastUpdateTime", "lastTransitionTime", "reason", "message"}


def test_scale_up_and_down(sim: Sim, store: Store) -> None:
    store.create(deploy_obj(replicas=2))
    sim.run_to_completion()
    name = rs_name(sim.deployment())
    sim.edit(scale_to(5))
    sim.run_to_completion()
    rs = sim.rss()[name]
    assert rs["spec"]["replicas"] == 5 and du.annotations(rs)[du.DESIRED_REPLICAS] == "5"
    sim.edit(scale_to(1))
    sim.run_to_completion()
    assert len(sim.rss()) == 1
    assert sim.scaling == [f"Scaled up replica set {name} from 0 to 2",
                               f"Scaled up replica set {name} from 2 to 5",
                               f"Scaled down replica set {name} from 5 to 1"]
    assert len([p for p in store.list("Pod", "default") if is_pod_active(p)]) == 1


@pytest.mark.parametrize("replicas,surge,unavailable,want_surge,want_unavailable", [
    (4, "25%", "25%", 1, 1),
    (3, 1, 0, 1, 0),
    (3, 0, 1, 0, 1),
    (10, "30%", "20%", 3, 2),
    (2, "1%", "25%", 1, 0),  # surge rounds up, unavailable down
    (5, "0%", "10%", 0, 1),  # both resolve to 0: unavailable becomes 1
])
def test_rolling_update_stays_within_bounds(sim: Sim, store: Store, replicas: int, surge: Any,
                                            unavailable: Any, want_surge: int, want_unavailable: int) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}
    store.create(deploy_obj(replicas=replicas, strategy=strategy))
    sim.run_to_completion()
    v1 = rs_name(sim.deployment())
    assert (du.max_surge(sim.deployment()), du.max_unavailable(sim.deployment())) == (want_surge, want_unavailable)
    sim.edit(set_image("nginx:2"))
    v2 = rs_name(sim.deployment())
    steps = 0
    while True:
        sim.settle()
        rss = sim.rss()
        active = [p for p in store.list("Pod", "default") if is_pod_active(p)]
        available = [p for p in active if is_pod_ready(p)]
        assert sum(rs["spec"]["replicas"] for rs in rss.values()) <= replicas + want_surge
        assert len(active) <= replicas + want_surge
        assert len(available) >= replicas - want_unavailable
        if complete(sim.deployment()):
            break
        sim.kubelet()
        steps += 1
        assert steps < 60
    rss = sim.rss()
    assert rss[v1]["spec"]["replicas"] == 0 and rss[v2]["spec"]["replicas"] == replicas
    assert du.annotations(rss[v2])[du.REVISION] == "2"
    assert sim.deployment()["metadata"]["annotations"][du.REVISION] == "2"
    assert sim.scaling[0] == f"Scaled up replica set {v1} from 0 to {replicas}"
    ups = [m for m in sim.scaling[1:] if m.startswith(f"Scaled up replica set {v2} from ")]
    downs = [m for m in sim.scaling[1:] if m.startswith(f"Scaled down replica set {v1} from ")]
    assert len(ups) + len(downs) == len(sim.scaling) - 1
    assert ups[0].startswith(f"Scaled up replica set {v2} from 0 to ") and ups[-1].endswith(f" to {replicas}")
    assert downs[0].startswith(f"Scaled down replica set {v1} from {replicas} to ") and downs[-1].endswith(" to 0")


def test_rolling_update_reports_progress(sim: Sim, store: Store) -> None:
    store.create(deploy_obj(replicas=4))
    sim.run_to_completion()
    sim.edit(set_image("nginx:2"))
    sim.settle()
    sim.kubelet()
    sim.settle()
    d = sim.deployment()
    progressing = [c for c in conditions(d) if c[0] == "Progressing"][0]
    assert progressing == ("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{rs_name(d)}" is progressing.')


def test_restarted_at_annotation_rolls_out_a_new_replica_set(sim: Sim, store: Store) -> None:
    store.create(deploy_obj(replicas=1))
    sim.run_to_completion()
    before = set(sim.rss())
    sim.edit(lambda d: d["spec"]["template"]["metadata"].setdefault("annotations", {}).update(
        {"kubectl.kubernetes.io/restartedAt": "2025-01-06T10:05:00Z"}))
    sim.run_to_completion()
    new = set(sim.rss()) - before
    assert len(new) == 1
    (name,) = new
    assert sim.rss()[name]["spec"]["template"]["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/restartedAt": "2025-01-06T10:05:00Z"}


def test_recreate_waits_for_old_pods_to_be_gone(sim: Sim, store: Store) -> None:
    store.create(deploy_obj(replicas=2, strategy={"type": "Recreate"}))
    sim.run_to_completion()
    v1 = rs_name(sim.deployment())
    sim.edit(set_image("nginx:2"))
    v2 = rs_name(sim.deployment())
    sim.settle()
    assert set(sim.rss()) == {v1} and sim.rss()[v1]["spec"]["replicas"] == 0
    terminating = [p for p in store.list("Pod", "default") if p["metadata"].get("deletionTimestamp")]
    assert len(terminating) == 2  # still on their node: the new RS must wait
    sim.settle()
    assert v2 not in sim.rss()
    sim.kubelet()  # the kubelet finishes the deletions
    sim.settle()
    assert sim.rss()[v2]["spec"]["replicas"] == 2
    sim.run_to_completion()
    assert sim.scaling == [f"Scaled up replica set {v1} from 0 to 2",
                               f"Scaled down replica set {v1} from 2 to 0",
                               f"Scaled up replica set {v2} from 0 to 2"]
    d = sim.deployment()
    assert ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.") in conditions(d)


def test_revision_history_limit_deletes_oldest_revisions(sim: Sim, store: Store) -> None:
    store.create(deploy_obj(replicas=1, revisionHistoryLimit=1))
    names = []
    for image in ("nginx:1", "nginx:2", "nginx:3"):
        sim.edit(set_image(image))
        names.append(rs_name(sim.deployment()))
        sim.run_to_completion()
        sim.settle()
    assert set(sim.rss()) == {names[1], names[2]}
    assert du.annotations(sim.rss()[names[2]])[du.REVISION] == "3"


def test_paused_deployment_scales_but_does_not_roll_out(sim: Sim, store: Store) -> None:
    store.create(deploy_obj(replicas=2))
    sim.run_to_completion()
    v1 = rs_name(sim.deployment())
    sim.edit(lambda d: d["spec"].update(paused=True))
    sim.settle()
    progressing = [c for c in conditions(sim.deployment()) if c[0] == "Progressing"][0]
    assert progressing == ("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused")
    sim.edit(set_image("nginx:2"))
    sim.edit(scale_to(3))
    sim.settle()
    assert set(sim.rss()) == {v1} and sim.rss()[v1]["spec"]["replicas"] == 3
    sim.edit(lambda d: d["spec"].update(paused=False))
    sim.run_to_completion()
    v2 = rs_name(sim.deployment())
    assert sim.rss()[v2]["spec"]["replicas"] == 3
    # The resumed condition is written first, then this very sync starts the rollout.
    i = sim.progressing.index(("Unknown", "DeploymentResumed", "Deployment is resumed"))
    assert sim.progressing[i + 1] == ("True", "NewReplicaSetCreated", f'Created new replica set "{v2}"')
    assert sim.progressing[-1] == ("True", "NewReplicaSetAvailable", f'ReplicaSet "{v2}" has successfully progressed.')


def test_progress_deadline_exceeded(sim: Sim, store: Store, clock: VirtualClock) -> None:
    store.create(deploy_obj(replicas=1, progressDeadlineSeconds=30))
    sim.run_to_completion()
    sim.edit(set_image("nginx:broken"))
    again = sim.settle()
    assert again is not None and 30 <= again <= 31
    clock.advance(again)
    sim.settle()
    d = sim.deployment()
    progressing = [c for c in conditions(d) if c[0] == "Progressing"][0]
    assert progressing == ("Progressing", "False", "ProgressDeadlineExceeded",
                           f'ReplicaSet "{rs_name(d)}" has timed out progressing.')
    assert sim.settle() is None  # timed out: nothing more to wait for


def test_hash_collision_bumps_collision_count(sim: Sim, store: Store) -> None:
    d = store.create(deploy_obj(replicas=1))
    clash = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
             "metadata": {"name": rs_name(d), "namespace": "default", "labels": {"app": "other"}},
             "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "other"}},
                      "template": {"metadata": {"labels": {"app": "other"}},
                                   "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}
    store.create(clash)
    with pytest.raises(AlreadyExists):
        sim.dc.reconcile(KEY)
    assert sim.deployment()["status"]["collisionCount"] == 1
    sim.dc.reconcile(KEY)
    assert rs_name(d, 1) in sim.rss()


def test_proportional_scaling_mid_rollout(sim: Sim, store: Store) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}
    store.create(deploy_obj(replicas=10, strategy=strategy))
    sim.run_to_completion()
    v1 = rs_name(sim.deployment())
    sim.edit(set_image("nginx:broken"))
    v2 = rs_name(sim.deployment())
    sim.settle()  # new pods never become ready
    before = {n: rs["spec"]["replicas"] for n, rs in sim.rss().items()}
    assert before == {v1: 8, v2: 5}
    sim.edit(scale_to(20))
    sim.settle()
    after = {n: rs["spec"]["replicas"] for n, rs in sim.rss().items()}
    assert sum(after.values()) == 20 + 3
    assert after[v1] > before[v1] and after[v2] > before[v2]
    for rs in sim.rss().values():
        assert du.annotations(rs)[du.DESIRED_REPLICAS] == "20"


def test_min_ready_seconds_delays_availability(sim: Sim, store: Store, clock: VirtualClock) -> None:
    store.create(deploy_obj(replicas=2, minReadySeconds=5))
    sim.settle()
    (rs,) = sim.rss().values()
    assert rs["spec"]["minReadySeconds"] == 5
    sim.kubelet()
    sim.settle()
    d = sim.deployment()
    assert d["status"]["readyReplicas"] == 2 and "availableReplicas" not in d["status"]
    again = sim.rsc.reconcile(Key("ReplicaSet", "default", rs["metadata"]["name"]))
    assert again == pytest.approx(5, abs=0.01)
    clock.advance(again)
    sim.settle()
    assert complete(sim.deployment())


def test_watch_mapping_and_adoption(sim: Sim, store: Store) -> None:
    store.create(deploy_obj(replicas=1))
    sim.settle()
    (rs,) = sim.rss().values()
    pod = store.list("Pod", "default")[0]
    rs_keys, pod_keys = sim.dc.watches()[1].keys, sim.dc.watches()[2].keys
    assert rs_keys({"type": "MODIFIED", "object": rs}) == [KEY]
    assert pod_keys({"type": "DELETED", "object": pod}) == [KEY]
    assert pod_keys({"type": "MODIFIED", "object": pod}) == []  # only deletions matter (Recreate)
    orphan = store.create({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "stray", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})
    assert rs_keys({"type": "ADDED", "object": orphan}) == [KEY]
    sim.settle()
    adopted = store.get("ReplicaSet", "default", "stray")
    assert adopted["metadata"]["ownerReferences"][0]["uid"] == sim.deployment()["metadata"]["uid"]


@pytest.mark.parametrize("surge,unavailable,desired,want", [
    ("25%", "25%", 10, (3, 2)), (0, "1%", 2, (0, 1)), ("1%", 0, 1, (1, 0)), (2, 3, 5, (2, 3)),
    (None, None, 4, (0, 1)),
])
def test_resolve_fenceposts(surge: Any, unavailable: Any, desired: int, want: tuple[int, int]) -> None:
    assert du.resolve_fenceposts(surge, unavailable, desired) == want
