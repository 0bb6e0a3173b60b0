"""StatefulSets on a whole virtual-clock cluster: ordering against real pod readiness,
claims kept across scale-down, and a pod deleted by hand coming back under its name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.objects import clone
from kubenb.api.pods import get_condition
from kubenb.clock import VirtualClock, parse_time
from kubenb.cluster import Cluster
from tests import builders


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster(nodes=2, clock=VirtualClock(), seed=5).start()
    c.wait_for(lambda: len(c.store.list("Node")) == 2, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()


def pods(c: Cluster) -> dict[str, dict[str, Any]]:
    return {p["metadata"]["name"]: p for p in c.store.list("Pod", "default")
            if not p["metadata"].get("deletionTimestamp")}


def ready_replicas(c: Cluster) -> int:
    return int((c.store.get("StatefulSet", "default", "web").get("status") or {}).get("readyReplicas", 0))


def scale(c: Cluster, n: int) -> None:
    sts = clone(c.store.get("StatefulSet", "default", "web"))
    sts["spec"]["replicas"] = n
    c.store.update(sts)


def test_ordered_ready_waits_for_each_pod_and_scales_down_in_reverse(cluster: Cluster) -> None:
    deleted: list[str] = []
    cluster.store.watch("Pod", lambda ev: ev["type"] == "DELETED" and deleted.append(ev["object"]["metadata"]["name"]))
    cluster.store.create(builders.statefulset("web", replicas=3))
    cluster.wait_for(lambda: ready_replicas(cluster) == 3, timeout=120)
    by_name = pods(cluster)
    for earlier, later in (("web-0", "web-1"), ("web-1", "web-2")):
        ready_at = parse_time(get_condition(by_name[earlier], "Ready")["lastTransitionTime"])
        assert parse_time(by_name[later]["metadata"]["creationTimestamp"]) >= ready_at
    scale(cluster, 0)
    cluster.wait_for(lambda: not cluster.store.list("Pod", "default"), timeout=300)
    assert deleted == ["web-2", "web-1", "web-0"]
    claims = sorted(p["metadata"]["name"] for p in cluster.store.list("PersistentVolumeClaim", "default"))
    assert claims == ["www-web-0", "www-web-1", "www-web-2"]  # Retain: the claims outlive the pods
    assert all(p["status"]["phase"] == "Bound" for p in cluster.store.list("PersistentVolumeClaim", "default"))


def test_parallel_starts_all_pods_together_and_a_deleted_pod_returns(cluster: Cluster) -> None:
    cluster.store.create(builders.statefulset("web", replicas=3, podManagementPolicy="Parallel"))
    cluster.wait_for(lambda: len(pods(cluster)) == 3, timeout=5)
    created = {p["metadata"]["creationTimestamp"] for p in pods(cluster).values()}
    assert len(created) == 1
    cluster.wait_for(lambda: ready_replicas(cluster) == 3, timeout=120)
    uid = pods(cluster)["web-1"]["metadata"]["uid"]
    cluster.store.delete("Pod", "default", "web-1")
    cluster.wait_for(lambda: "web-1" in pods(cluster) and pods(cluster)["web-1"]["metadata"]["uid"] != uid
                     and ready_replicas(cluster) == 3, timeout=120)
    assert pods(cluster)["web-1"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "www-web-1"
