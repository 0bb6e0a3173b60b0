"""The horizontal pod autoscaler on a virtual clock, with sim CPU usage set per pod."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.objects import clone
from kubenb.api.pods import get_condition
from kubenb.cluster import Cluster
from tests import builders
from tests.scenario.virtual import metrics_cluster

CPU = "sim.kubenb.io/cpu-millicores"
SYNC = 15  # the HPA sync period: a new HPA is first looked at after one
ABOVE = "New size: {}; reason: cpu resource utilization (percentage of request) above target"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from metrics_cluster()


def web(c: Cluster, replicas: int, usage_m: int, request: str | None = "100m") -> None:
    d = builders.deployment("web", "nginx", replicas, container="web")
    tmpl = d["spec"]["template"]
    tmpl["metadata"]["annotations"] = {CPU: str(usage_m)}
    if request:
        tmpl["spec"]["containers"][0]["resources"] = {"requests": {"cpu": request}}
    c.store.create(d)
    c.wait_for(lambda: len(ready(c)) == replicas, 60)


def ready(c: Cluster) -> list[dict[str, Any]]:
    return [p for p in c.store.list("Pod", "default", label_selector="app=web")
            if not p["metadata"].get("deletionTimestamp")
            and (get_condition(p, "Ready") or {}).get("status") == "True"]


def set_usage(c: Cluster, usage_m: int) -> None:
    for p in c.store.list("Pod", "default", label_selector="app=web"):
        new = clone(p)
        new["metadata"].setdefault("annotations", {})[CPU] = str(usage_m)
        c.store.update(new)


def replicas(c: Cluster) -> int:
    return int(c.store.get("Deployment", "default", "web")["spec"]["replicas"])


def hpa(c: Cluster) -> dict[str, Any]:
    return c.store.get("HorizontalPodAutoscaler", "default", "web")


def cond(c: Cluster, ctype: str) -> tuple[str, str, str]:
    got = get_condition(hpa(c), ctype) or {}
    return got.get("status", ""), got.get("reason", ""), got.get("message", "")


def events(c: Cluster, reason: str) -> list[str]:
    return [e["message"] for e in c.store.list("Event", "default")
            if e["reason"] == reason and e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"]


def test_usage_at_twice_the_target_doubles_replicas(cluster: Cluster) -> None:
    web(cluster, 2, usage_m=100)
    cluster.advance(20)  # past the metric window after the pods turned ready
    cluster.store.create(builders.hpa("web", max_replicas=10, cpu=50))
    cluster.wait_for(lambda: replicas(cluster) == 4, 60)
    assert events(cluster, "SuccessfulRescale")[0] == ABOVE.format(4)
    status = hpa(cluster)["status"]
    assert status["desiredReplicas"] == 4
    assert status["currentMetrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "current": {"averageUtilization": 100, "averageValue": "100m"}}}]
    assert status["lastScaleTime"]
    assert cond(cluster, "AbleToScale") in [
        ("True", "SucceededRescale", "the HPA controller was able to update the target scale to 4"),
        ("True", "ReadyForNewScale", "recommended size matches current size")]  # a later sync
    assert cond(cluster, "ScalingActive") == (
        "True", "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from cpu resource utilization "
        "(percentage of request)")
    assert cond(cluster, "ScalingLimited")[:2] == ("False", "DesiredWithinRange")


def test_scale_up_is_bounded_by_max_replicas(cluster: Cluster) -> None:
    web(cluster, 2, usage_m=100)
    cluster.advance(20)
    cluster.store.create(builders.hpa("web", max_replicas=3, cpu=50))
    cluster.wait_for(lambda: replicas(cluster) == 3, 60)
    assert events(cluster, "SuccessfulRescale")[0] == ABOVE.format(3)
    assert cond(cluster, "ScalingLimited") == (
        "True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")


def test_within_tolerance_nothing_changes(cluster: Cluster) -> None:
    web(cluster, 2, usage_m=54)
    cluster.advance(20)
    cluster.store.create(builders.hpa("web", max_replicas=10, cpu=50))
    cluster.advance(40)
    assert replicas(cluster) == 2 and not events(cluster, "SuccessfulRescale")
    assert cond(cluster, "AbleToScale")[1] == "ReadyForNewScale"


def test_scale_down_waits_for_the_stabilization_window(cluster: Cluster) -> None:
    web(cluster, 2, usage_m=100)
    cluster.advance(20)
    cluster.store.create(builders.hpa("web", max_replicas=4, cpu=50))
    cluster.wait_for(lambda: replicas(cluster) == 4, 60)
    cluster.wait_for(lambda: len(ready(cluster)) == 4, 60)
    set_usage(cluster, 10)
    start = cluster.clock.monotonic()
    cluster.advance(60)
    assert replicas(cluster) == 4
    assert cond(cluster, "AbleToScale")[:2] == ("True", "ScaleDownStabilized")
    cluster.wait_for(lambda: replicas(cluster) == 1, 400)
    assert cluster.clock.monotonic() - start >= 240  # the window counts from the last high one
    assert events(cluster, "SuccessfulRescale")[-1] == "New size: 1; reason: All metrics below target"


def test_missing_target_is_failed_get_scale(cluster: Cluster) -> None:
    cluster.store.create(builders.hpa("web", "nope"))
    cluster.advance(SYNC + 1)
    assert events(cluster, "FailedGetScale") == ['deployments.apps "nope" not found']
    assert cond(cluster, "AbleToScale") == (
        "False", "FailedGetScale",
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "nope" not found')


def test_target_without_cpu_requests_is_failed_get_resource_metric(cluster: Cluster) -> None:
    web(cluster, 1, usage_m=100, request=None)
    cluster.advance(20)
    cluster.store.create(builders.hpa("web"))
    cluster.advance(SYNC + 1)
    pod = ready(cluster)[0]["metadata"]["name"]
    text = f"failed to get cpu utilization: missing request for cpu in container web of Pod {pod}"
    assert events(cluster, "FailedGetResourceMetric") == [text]
    assert cond(cluster, "ScalingActive") == (
        "False", "FailedGetResourceMetric", f"the HPA was unable to compute the replica count: {text}")
    assert events(cluster, "FailedComputeMetricsReplicas") == [
        f"invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: {text}"]


def test_metrics_addon_off_is_failed_get_resource_metric(cluster: Cluster) -> None:
    cluster.metrics_enabled = False
    web(cluster, 1, usage_m=100)
    cluster.store.create(builders.hpa("web"))
    cluster.advance(SYNC + 1)
    assert events(cluster, "FailedGetResourceMetric") == [
        "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics "
        "from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"]
    assert hpa(cluster)["status"]["currentReplicas"] == 1


def test_an_hpa_is_looked_at_once_per_sync_period_not_on_its_own_updates(cluster: Cluster) -> None:
    """enqueueHPA: a new HPA waits one period, and its own status write does not bring the
    next look forward (one FailedGetScale per period, not two)."""
    cluster.store.create(builders.hpa("web", "nope"))
    cluster.advance(SYNC - 2)
    assert not hpa(cluster)["status"].get("conditions") and not events(cluster, "FailedGetScale")
    cluster.advance(3)
    assert cond(cluster, "AbleToScale")[1] == "FailedGetScale"
    counts = [e["count"] for e in cluster.store.list("Event", "default") if e["reason"] == "FailedGetScale"]
    assert counts == [1]
    cluster.advance(SYNC)
    counts = [e["count"] for e in cluster.store.list("Event", "default") if e["reason"] == "FailedGetScale"]
    assert counts == [2]
