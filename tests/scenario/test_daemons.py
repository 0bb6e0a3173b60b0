"""DaemonSets and ReplicationControllers on a whole cluster, on a virtual clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.errors import Invalid
from kubenb.api.objects import clone
from kubenb.api.pods import is_pod_ready
from kubenb.api.rollback_daemon import history, rollback
from kubenb.cluster import Cluster
from tests import builders
from tests.scenario.virtual import ready_cluster

Obj = dict[str, Any]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from ready_cluster(nodes=3, seed=42)


def daemon_pods(c: Cluster, app: str = "agent") -> list[Obj]:
    return [p for p in c.store.list("Pod", "default", label_selector=f"app={app}")
            if not p["metadata"].get("deletionTimestamp")]


def nodes_of(c: Cluster, app: str = "agent") -> list[str]:
    return sorted(p["spec"].get("nodeName") or "" for p in daemon_pods(c, app))


def node_names(c: Cluster) -> list[str]:
    return sorted(n["metadata"]["name"] for n in c.store.list("Node"))


def ds_status(c: Cluster, name: str = "agent") -> Obj:
    return c.store.get("DaemonSet", "default", name).get("status") or {}


def all_ready(c: Cluster, want: int, app: str = "agent") -> bool:
    pods = daemon_pods(c, app)
    return len(pods) == want and all(is_pod_ready(p) for p in pods)


def rolled_out(c: Cluster, name: str = "agent") -> bool:
    ds = c.store.get("DaemonSet", "default", name)
    st = ds.get("status") or {}
    want = st.get("desiredNumberScheduled", -1)
    return (st.get("observedGeneration", 0) >= ds["metadata"]["generation"]
            and st.get("updatedNumberScheduled", 0) == want and st.get("numberAvailable", 0) == want)


def test_one_pod_per_node_and_status(cluster: Cluster) -> None:
    cluster.store.create(builders.daemonset("agent", "nginx"))
    cluster.wait_for(lambda: all_ready(cluster, 3) and rolled_out(cluster))
    assert nodes_of(cluster) == node_names(cluster)
    st = ds_status(cluster)
    assert st == {"currentNumberScheduled": 3, "numberMisscheduled": 0, "desiredNumberScheduled": 3,
                  "numberReady": 3, "updatedNumberScheduled": 3, "numberAvailable": 3,
                  "observedGeneration": 1}
    ds = cluster.store.get("DaemonSet", "default", "agent")
    assert ds["metadata"]["annotations"] == {"deprecated.daemonset.template.generation": "1"}
    revs = cluster.store.list("ControllerRevision", "default")
    assert len(revs) == 1 and revs[0]["revision"] == 1
    rev_hash = revs[0]["metadata"]["labels"]["controller-revision-hash"]
    assert revs[0]["metadata"]["name"] == f"agent-{rev_hash}"
    for p in daemon_pods(cluster):
        assert p["metadata"]["labels"] == {"app": "agent", "controller-revision-hash": rev_hash,
                                           "pod-template-generation": "1"}
        node = p["spec"]["nodeName"]
        assert p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == {
            "nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": [node]}]}]}
        tols = [(t["key"], t["effect"], t.get("tolerationSeconds")) for t in p["spec"]["tolerations"]]
        assert tols == [("node.kubernetes.io/not-ready", "NoExecute", None),
                        ("node.kubernetes.io/unreachable", "NoExecute", None),
                        ("node.kubernetes.io/disk-pressure", "NoSchedule", None),
                        ("node.kubernetes.io/memory-pressure", "NoSchedule", None),
                        ("node.kubernetes.io/pid-pressure", "NoSchedule", None),
                        ("node.kubernetes.io/unschedulable", "NoSchedule", None)]
    events = [e for e in cluster.store.list("Event", "default")
              if e["involvedObject"]["kind"] == "DaemonSet"]
    assert sorted(e["message"] for e in events) == sorted(
        f"Created pod: {p['metadata']['name']}" for p in daemon_pods(cluster))
    assert {(e["reason"], e["source"]["component"]) for e in events} == {
        ("SuccessfulCreate", "daemonset-controller")}


def test_follows_nodes_added_and_deleted(cluster: Cluster) -> None:
    cluster.store.create(builders.daemonset("agent", "nginx"))
    cluster.wait_for(lambda: all_ready(cluster, 3))
    added = cluster.add_node()
    cluster.wait_for(lambda: all_ready(cluster, 4) and ds_status(cluster).get("numberAvailable") == 4)
    assert added in nodes_of(cluster)
    cluster.delete_node(added)
    cluster.wait_for(lambda: ds_status(cluster).get("desiredNumberScheduled") == 3)
    assert ds_status(cluster).get("currentNumberScheduled") == 3


def test_node_selector_and_taints(cluster: Cluster) -> None:
    names = node_names(cluster)
    for name in names[:2]:
        node = clone(cluster.store.get("Node", None, name))
        node["metadata"]["labels"]["disk"] = "ssd"
        cluster.store.update(node)
    tainted = clone(cluster.store.get("Node", None, names[1]))
    tainted["spec"]["taints"] = [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]
    cluster.store.update(tainted)
    cluster.store.create(builders.daemonset("agent", "nginx", pod_spec={"nodeSelector": {"disk": "ssd"}}))
    cluster.wait_for(lambda: all_ready(cluster, 1) and rolled_out(cluster))
    assert nodes_of(cluster) == [names[0]]
    assert ds_status(cluster)["desiredNumberScheduled"] == 1
    # Tolerating the taint brings the tainted node in (a new revision, rolled out).
    tol = [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]
    cluster.store.create(builders.daemonset("tolerant", "nginx", pod_spec={"tolerations": tol}))
    cluster.wait_for(lambda: all_ready(cluster, 3, "tolerant") and rolled_out(cluster, "tolerant"))
    assert nodes_of(cluster, "tolerant") == names


def test_rolling_update_within_max_unavailable_then_undo(cluster: Cluster) -> None:
    cluster.store.create(builders.daemonset("agent", "nginx:1.26", minReadySeconds=2))
    cluster.wait_for(lambda: all_ready(cluster, 3) and rolled_out(cluster), timeout=120)
    worst = [0]

    def watch() -> bool:
        st = ds_status(cluster)
        available = sum(1 for p in daemon_pods(cluster) if is_pod_ready(p))
        worst[0] = max(worst[0], 3 - available, st.get("numberUnavailable", 0))
        return rolled_out(cluster) and ds_status(cluster).get("observedGeneration") == 2

    ds = clone(cluster.store.get("DaemonSet", "default", "agent"))
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
    cluster.store.update(ds)
    cluster.wait_for(watch, timeout=300)
    assert worst[0] == 1  # maxUnavailable 1: never more than one node without a ready pod
    assert {p["spec"]["containers"][0]["image"] for p in daemon_pods(cluster)} == {"nginx:1.27"}
    assert [(rev, cause) for rev, cause, _ in history(cluster.store, "default", "agent")] == [(1, ""), (2, "")]
    assert rollback(cluster.store, "default", "agent") == "rolled back"
    cluster.wait_for(lambda: rolled_out(cluster) and {p["spec"]["containers"][0]["image"]
                                                      for p in daemon_pods(cluster)} == {"nginx:1.26"},
                     timeout=300)
    assert [rev for rev, _, _ in history(cluster.store, "default", "agent")] == [2, 3]
    ds = cluster.store.get("DaemonSet", "default", "agent")
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "3"


def test_on_delete_waits_for_the_user(cluster: Cluster) -> None:
    cluster.store.create(builders.daemonset("agent", "nginx:1.26", updateStrategy={"type": "OnDelete"}))
    cluster.wait_for(lambda: all_ready(cluster, 3))
    ds = clone(cluster.store.get("DaemonSet", "default", "agent"))
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
    cluster.store.update(ds)
    cluster.wait_for(lambda: ds_status(cluster).get("observedGeneration") == 2)
    cluster.advance(30)
    assert {p["spec"]["containers"][0]["image"] for p in daemon_pods(cluster)} == {"nginx:1.26"}
    assert ds_status(cluster).get("updatedNumberScheduled", 0) == 0
    victim = daemon_pods(cluster)[0]
    cluster.store.delete("Pod", "default", victim["metadata"]["name"], grace_period_seconds=0)
    cluster.wait_for(lambda: ds_status(cluster).get("updatedNumberScheduled") == 1 and all_ready(cluster, 3))


def test_max_surge_starts_the_new_pod_first(cluster: Cluster) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    cluster.store.create(builders.daemonset("agent", "nginx:1.26", updateStrategy=strategy))
    cluster.wait_for(lambda: all_ready(cluster, 3) and rolled_out(cluster))
    least = [3]

    def watch() -> bool:
        by_node: dict[str, int] = {}
        for p in daemon_pods(cluster):
            if is_pod_ready(p):
                by_node[p["spec"]["nodeName"]] = 1
        least[0] = min(least[0], len(by_node))
        return rolled_out(cluster) and len(daemon_pods(cluster)) == 3

    ds = clone(cluster.store.get("DaemonSet", "default", "agent"))
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
    cluster.store.update(ds)
    cluster.wait_for(watch, timeout=300)
    assert least[0] == 3  # every node kept a ready pod throughout
    assert {p["spec"]["containers"][0]["image"] for p in daemon_pods(cluster)} == {"nginx:1.27"}


def test_invalid_daemonset_is_rejected_and_nothing_changes(cluster: Cluster) -> None:
    bad = builders.daemonset("agent", "nginx", updateStrategy={
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}})
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(Invalid) as err:
        cluster.store.create(bad)
    assert str(err.value) == (
        'DaemonSet.apps "agent" is invalid: [spec.template.metadata.labels: Invalid value: '
        '{"app":"other"}: `selector` does not match template `labels`, '
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: "
        "may not be set when maxUnavailable is non-zero]")
    assert cluster.store.list("DaemonSet", "default") == []
    cluster.store.create(builders.daemonset("agent", "nginx"))
    ds = clone(cluster.store.get("DaemonSet", "default", "agent"))
    ds["spec"]["selector"] = {"matchLabels": {"app": "agent", "tier": "x"}}
    ds["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
    with pytest.raises(Invalid, match=r"spec.selector: Invalid value: .*: field is immutable"):
        cluster.store.update(ds)


def test_replication_controller_keeps_and_scales_pods(cluster: Cluster) -> None:
    rc = builders.replicationcontroller("web", "nginx", 3)
    del rc["spec"]["selector"]
    created = cluster.store.create(rc)
    assert created["spec"]["selector"] == {"app": "web"}
    cluster.wait_for(lambda: all_ready(cluster, 3, "web")
                     and (cluster.store.get("ReplicationController", "default", "web").get("status") or {})
                     .get("readyReplicas") == 3)
    owner = daemon_pods(cluster, "web")[0]["metadata"]["ownerReferences"][0]
    assert (owner["apiVersion"], owner["kind"]) == ("v1", "ReplicationController")
    victim = daemon_pods(cluster, "web")[0]["metadata"]["name"]
    cluster.store.delete("Pod", "default", victim, grace_period_seconds=0)
    cluster.wait_for(lambda: all_ready(cluster, 3, "web") and victim not in
                     {p["metadata"]["name"] for p in daemon_pods(cluster, "web")})
    rc = clone(cluster.store.get("ReplicationController", "default", "web"))
    rc["spec"]["replicas"] = 1
    cluster.store.update(rc)
    cluster.wait_for(lambda: all_ready(cluster, 1, "web"))
    reasons = {e["reason"] for e in cluster.store.list("Event", "default")
               if e["involvedObject"]["kind"] == "ReplicationController"}
    assert reasons == {"SuccessfulCreate", "SuccessfulDelete"}


def test_node_heartbeats_alone_do_not_wake_daemonsets(cluster: Cluster, monkeypatch: Any) -> None:
    """Upstream's shouldIgnoreNodeUpdate: a node update that only renews heartbeat times
    changes no daemon's placement, so no DaemonSet is reconciled for it; a label is looked at."""
    from kubenb.controllers.daemonset import DaemonSetController

    cluster.store.create(builders.daemonset("agent", "nginx"))
    cluster.wait_for(lambda: all_ready(cluster, 3) and rolled_out(cluster))
    cluster.advance(5)
    seen: list[str] = []
    real = DaemonSetController.reconcile

    def counted(self: DaemonSetController, key: Any) -> Any:
        seen.append(key.name)
        return real(self, key)

    monkeypatch.setattr(DaemonSetController, "reconcile", counted)
    cluster.advance(30)  # fifteen heartbeats of every node
    assert seen == []
    node = clone(cluster.store.get("Node", None, node_names(cluster)[0]))
    node["metadata"]["labels"]["disk"] = "ssd"
    cluster.store.update(node)
    cluster.advance(1)
    assert sorted(set(seen)) == ["agent", "kube-proxy"]
