"""PodDisruptionBudgets: validation, the disruption controller's status, eviction and drain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.errors import Invalid, TooManyRequests
from kubenb.api.pods import is_pod_ready
from kubenb.clock import VirtualClock
from tests import builders
from tests.cli.test_rollout import make, rolled_out
from tests.conftest import Kube, run_cluster

VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget."


@pytest.fixture
def two_nodes() -> Iterator[Any]:
    from kubenb.cluster import Cluster

    yield from run_cluster(Cluster(nodes=2, clock=VirtualClock(), seed=3), nodes=2)


def pdb_status(cluster: Any, name: str = "web") -> dict[str, Any]:
    return cluster.store.get("PodDisruptionBudget", "default", name)["status"]


def settled(cluster: Any, name: str = "web") -> None:
    cluster.advance(1)
    cluster.wait_for(lambda: pdb_status(cluster, name).get("observedGeneration") == 1, 30)


def test_status_counts_healthy_and_expected_pods(kube: Kube, vcluster: Any) -> None:
    make(kube, vcluster, replicas=3)
    kube.client.create(builders.pdb("web", max_unavailable=1))
    settled(vcluster)
    status = pdb_status(vcluster)
    cond = status["conditions"][0]
    assert {k: status[k] for k in ("currentHealthy", "desiredHealthy", "disruptionsAllowed",
                                   "expectedPods", "observedGeneration")} == {
        "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1, "expectedPods": 3,
        "observedGeneration": 1}
    assert (cond["type"], cond["status"], cond["reason"], cond["message"]) == (
        "DisruptionAllowed", "True", "SufficientPods", "")


def test_percent_min_available_uses_the_deployment_scale(kube: Kube, vcluster: Any) -> None:
    make(kube, vcluster, replicas=4)
    kube.client.create(builders.pdb("web", min_available="50%"))
    settled(vcluster)
    status = pdb_status(vcluster)
    assert (status["expectedPods"], status["desiredHealthy"], status["disruptionsAllowed"]) == (4, 2, 2)
    kube("scale deployment web --replicas=6")
    vcluster.wait_for(lambda: pdb_status(vcluster)["expectedPods"] == 6, 30)
    assert pdb_status(vcluster)["desiredHealthy"] == 3


def test_eviction_refused_with_429_and_the_budget_cause(kube: Kube, vcluster: Any) -> None:
    make(kube, vcluster, replicas=2)
    kube.client.create(builders.pdb("web", min_available=2))
    settled(vcluster)
    pod = vcluster.store.list("Pod", "default")[0]["metadata"]["name"]
    with pytest.raises(TooManyRequests) as info:
        kube.client.evict("default", pod)
    assert info.value.code == 429 and info.value.message == VIOLATES
    assert info.value.details["causes"] == [{"reason": "DisruptionBudget",
                                             "message": "The disruption budget web needs 2 healthy pods and has 2 currently"}]
    assert not vcluster.store.get("Pod", "default", pod)["metadata"].get("deletionTimestamp")
    status = pdb_status(vcluster)
    assert status["conditions"][0]["reason"] == "InsufficientPods"


def test_eviction_spends_the_budget_and_records_the_pod(kube: Kube, vcluster: Any) -> None:
    make(kube, vcluster, replicas=3)
    kube.client.create(builders.pdb("web", max_unavailable=1))
    settled(vcluster)
    first, second = [p["metadata"]["name"] for p in vcluster.store.list("Pod", "default")][:2]
    kube.client.evict("default", first)
    status = pdb_status(vcluster)
    assert status["disruptionsAllowed"] == 0 and first in status["disruptedPods"]
    with pytest.raises(TooManyRequests):
        kube.client.evict("default", second)


def test_two_budgets_for_one_pod_is_an_internal_error(kube: Kube, vcluster: Any) -> None:
    make(kube, vcluster, replicas=1)
    kube.client.create(builders.pdb("a", selector={"app": "web"}, max_unavailable=1))
    kube.client.create(builders.pdb("b", selector={"app": "web"}, max_unavailable=1))
    vcluster.advance(1)
    pod = vcluster.store.list("Pod", "default")[0]["metadata"]["name"]
    r = kube("drain minikube --ignore-daemonsets --force --timeout=1s")
    assert ("This pod has more than one PodDisruptionBudget, which the eviction subresource does "
            "not support.") in r.err and pod in r.err


@pytest.mark.parametrize("spec, message", [
    ({"minAvailable": 1, "maxUnavailable": 1},
     'PodDisruptionBudget.policy "web" is invalid: spec: Invalid value: policy.PodDisruptionBudgetSpec{'
     "MinAvailable:(*intstr.IntOrString)(0xc00012a340), Selector:(*v1.LabelSelector)(0xc00012a360), "
     "MaxUnavailable:(*intstr.IntOrString)(0xc00012a380), UnhealthyPodEvictionPolicy:"
     "(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set"),
    ({"minAvailable": -1}, 'PodDisruptionBudget.policy "web" is invalid: spec.minAvailable: Invalid value: '
                           "-1: must be greater than or equal to 0"),
    ({"maxUnavailable": "150%"}, 'PodDisruptionBudget.policy "web" is invalid: spec.maxUnavailable: '
                                 'Invalid value: "150%": must not be greater than 100%'),
    ({"minAvailable": "x"}, 'PodDisruptionBudget.policy "web" is invalid: spec.minAvailable: Invalid value: '
                            "\"x\": a valid percent string must be a numeric string followed by an ending '%' "
                            "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
])
def test_validation_in_the_api_servers_words(kube: Kube, spec: dict[str, Any], message: str) -> None:
    obj = builders.pdb("web")
    obj["spec"].update(spec)
    obj["spec"]["selector"] = {"matchLabels": {"app": "web"}}
    with pytest.raises(Invalid) as info:
        kube.client.create(obj)
    assert info.value.message == message


def test_drain_evicts_one_pod_at_a_time_and_retries(two_nodes: Any) -> None:
    kube = Kube(two_nodes)
    kube.client.create(builders.deployment("web", "nginx", 4, container="web"))
    two_nodes.wait_for(lambda: rolled_out(two_nodes, "web"), 60)
    kube.client.create(builders.pdb("web", max_unavailable=1))
    settled(two_nodes)
    node = "minikube"
    on_node = sorted(p["metadata"]["name"] for p in two_nodes.store.list("Pod", "default")
                     if p["spec"].get("nodeName") == node)
    assert len(on_node) >= 2
    # minikube's node also runs CoreDNS and the bare storage-provisioner pod (evicted too)
    # and kube-proxy (a DaemonSet's: left alone)
    system = sorted(p["metadata"]["name"] for p in two_nodes.store.list("Pod", "kube-system")
                    if p["spec"].get("nodeName") == node and p["metadata"]["name"].startswith(
                        ("coredns-", "storage-provisioner")))
    assert len(system) == 2
    r = kube(f"drain {node} --ignore-daemonsets --force")
    assert r.rc == 0, r.err
    retry = [line for line in r.err.splitlines() if line and not line.startswith("Warning: ")]
    assert r.err.startswith("Warning: ignoring DaemonSet-managed Pods: kube-system/kube-proxy-")
    assert retry and all(line.startswith('error when evicting pods/"') and line.endswith(
        f'-n "default" (will retry after 5s): {VIOLATES}') for line in retry)
    out = r.out.splitlines()
    assert out[0] == f"node/{node} cordoned" and out[-1] == f"node/{node} drained"
    assert sorted(line for line in out if line.endswith(" evicted")) == sorted(
        f"pod/{p} evicted" for p in on_node + system)
    assert sum(1 for line in out if line.startswith("evicting pod")) == len(on_node + system) + len(retry)
    def moved() -> bool:
        ready = [p for p in two_nodes.store.list("Pod", "default") if is_pod_ready(p)]
        return len(ready) == 4 and all(p["spec"]["nodeName"] != node for p in ready)

    two_nodes.wait_for(moved, 60)


def test_drain_gives_up_at_the_global_timeout(kube: Kube, vcluster: Any) -> None:
    make(kube, vcluster, replicas=2)
    kube.client.create(builders.pdb("web", min_available=2))
    settled(vcluster)
    start = vcluster.clock.now()
    r = kube("drain minikube --ignore-daemonsets --force --timeout=12s")
    assert r.rc == 1
    assert (vcluster.clock.now() - start).total_seconds() >= 12
    assert "global timeout reached: 12s" in r.err
    assert f"(will retry after 5s): {VIOLATES}" in r.err
