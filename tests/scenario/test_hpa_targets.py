"""HPA AverageValue targets and the empty currentMetrics entries of failed metrics (virtual clock)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.tables.rows_autoscaling import hpa_row
from kubenb.cluster import Cluster
from tests import builders
from tests.scenario.test_hpa import events, hpa, ready, replicas
from tests.scenario.virtual import metrics_cluster

CPU, MEMORY = "sim.kubenb.io/cpu-millicores", "sim.kubenb.io/memory-mi"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from metrics_cluster()


def web(c: Cluster, replicas_: int, cpu_m: int, memory_mi: int) -> None:
    d = builders.deployment("web", "nginx", replicas_, container="web")
    d["spec"]["template"]["metadata"]["annotations"] = {CPU: str(cpu_m), MEMORY: str(memory_mi)}
    c.store.create(d)
    c.wait_for(lambda: len(ready(c)) == replicas_, 60)
    c.advance(20)  # past the metric window after the pods turned ready


def autoscaler(*metrics: dict[str, Any]) -> dict[str, Any]:
    return builders.hpa("web", max_replicas=10, cpu=None, metrics=list(metrics))


def resource(name: str, **target: Any) -> dict[str, Any]:
    kind = "AverageValue" if "averageValue" in target else "Utilization"
    return {"type": "Resource", "resource": {"name": name, "target": {"type": kind, **target}}}


def targets(c: Cluster) -> str:
    return hpa_row(hpa(c), c.clock.now())[2]


def test_memory_average_value_scales_by_usage_over_the_target_without_requests(cluster: Cluster) -> None:
    web(cluster, 2, cpu_m=1, memory_mi=200)
    cluster.store.create(autoscaler(resource("memory", averageValue="100Mi")))
    cluster.wait_for(lambda: replicas(cluster) == 4, 60)
    assert events(cluster, "SuccessfulRescale")[0] == "New size: 4; reason: memory resource above target"
    assert hpa(cluster)["status"]["currentMetrics"] == [{"type": "Resource", "resource": {
        "name": "memory", "current": {"averageValue": "209715200"}}}]
    assert targets(cluster) == "memory: 209715200/100Mi"


def test_cpu_average_value_of_500m(cluster: Cluster) -> None:
    web(cluster, 2, cpu_m=1000, memory_mi=10)
    cluster.store.create(autoscaler(resource("cpu", averageValue="500m")))
    cluster.wait_for(lambda: replicas(cluster) == 4, 60)
    assert events(cluster, "SuccessfulRescale")[0] == "New size: 4; reason: cpu resource above target"
    assert hpa(cluster)["status"]["currentMetrics"][0]["resource"]["current"] == {"averageValue": "1"}


def test_a_failed_metric_keeps_an_empty_entry_in_its_place(cluster: Cluster) -> None:
    web(cluster, 2, cpu_m=100, memory_mi=200)  # no cpu request: utilization cannot be computed
    cluster.store.create(autoscaler(resource("cpu", averageUtilization=50),
                                    resource("memory", averageValue="100Mi")))
    cluster.wait_for(lambda: replicas(cluster) == 4, 60)  # the valid metric still scales
    assert hpa(cluster)["status"]["currentMetrics"] == [{"type": ""}, {"type": "Resource", "resource": {
        "name": "memory", "current": {"averageValue": "209715200"}}}]
    assert targets(cluster) == "cpu: <unknown>/50%, memory: 209715200/100Mi"


def test_every_metric_failing_still_writes_one_empty_entry_per_metric(cluster: Cluster) -> None:
    cluster.metrics_enabled = False
    web(cluster, 2, cpu_m=100, memory_mi=200)
    cluster.store.create(autoscaler(resource("cpu", averageUtilization=50),
                                    resource("memory", averageValue="100Mi")))
    cluster.advance(16)  # a new HPA is looked at after one sync period
    assert hpa(cluster)["status"]["currentMetrics"] == [{"type": ""}, {"type": ""}]
    assert targets(cluster) == "cpu: <unknown>/50%, memory: <unknown>/100Mi"
    assert events(cluster, "FailedGetResourceMetric")[1].startswith("failed to get memory usage: ")


def test_with_an_invalid_metric_the_hpa_does_not_scale_down(cluster: Cluster) -> None:
    web(cluster, 2, cpu_m=100, memory_mi=10)  # memory alone would say 1 replica
    cluster.store.create(autoscaler(resource("cpu", averageUtilization=50),
                                    resource("memory", averageValue="100Mi")))
    cluster.advance(16)
    assert replicas(cluster) == 2
    assert events(cluster, "FailedComputeMetricsReplicas")[0].startswith(
        "invalid metrics (1 invalid out of 2), first error is: failed to get cpu resource metric value")
    assert hpa(cluster)["status"]["currentMetrics"][0] == {"type": ""}
