"""The same scenario gives the same result on 3 nodes and on 1,000 (issue 17): the fast paths
for big clusters (kubenb/controllers/podfacts.py, the ReplicaSet's size-scaled coalescing,
the scheduler's sampling of nodes) change how much work a change costs, never what the
cluster ends up with. Seeded virtual clusters driven through kubectl's entry point, as
`%kubectl` drives them; what is compared leaves out what depends on the nodes (node names,
pod IPs, uids, timestamps)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from kubenb.api.pods import condition_true, is_pod_ready
from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from kubenb.cluster import Cluster
from tests.scenario.virtual import ready_cluster


def _manifest(image: str, replicas: int) -> str:
    labels = {"app": "web"}
    return yaml.safe_dump_all([
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
         "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels},
                               "spec": {"containers": [{"name": "c", "image": image}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
         "spec": {"selector": labels, "ports": [{"port": 80}]}},
    ])


def _kubectl(c: Cluster, *argv: str, stdin: str | None = None) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert kubectl(list(argv), InProcessClient.for_cluster(c), out, err, stdin=stdin) == 0, \
        err.getvalue()
    return out.getvalue()


def _settled(c: Cluster, replicas: int, image: str) -> None:
    def done() -> bool:
        pods = c.store.list("Pod", "default")
        d = c.store.get("Deployment", "default", "web")
        s = d.get("status") or {}
        return (len(pods) == replicas and all(is_pod_ready(p) for p in pods)
                and all(p["spec"]["containers"][0]["image"] == image for p in pods)
                and s.get("observedGeneration") == d["metadata"]["generation"]
                and s.get("updatedReplicas") == s.get("availableReplicas") == replicas
                and len(c.store.get("Endpoints", "default", "web")["subsets"][0]["addresses"]) == replicas)

    c.wait_for(done, timeout=600)


def _scenario(c: Cluster) -> dict[str, Any]:
    _kubectl(c, "apply", "-f", "-", stdin=_manifest("nginx:1", 120))
    _settled(c, 120, "nginx:1")
    first = sorted(p["metadata"]["name"] for p in c.store.list("Pod", "default"))
    _kubectl(c, "scale", "deployment", "web", "--replicas=60")
    _settled(c, 60, "nginx:1")
    _kubectl(c, "apply", "-f", "-", stdin=_manifest("nginx:2", 60))
    _settled(c, 60, "nginx:2")
    _kubectl(c, "delete", "pod", sorted(p["metadata"]["name"] for p in c.store.list("Pod", "default"))[0])
    _settled(c, 60, "nginx:2")
    d = c.store.get("Deployment", "default", "web")
    status = {k: v for k, v in d["status"].items() if k != "conditions"}
    return {
        "first_pods": first,
        "deployment": status,
        "conditions": sorted((x["type"], x["status"], x["reason"]) for x in d["status"]["conditions"]),
        "replicasets": sorted((r["metadata"]["name"], r["spec"]["replicas"], r["status"].get("replicas"),
                               r["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
                              for r in c.store.list("ReplicaSet", "default")),
        "pods": sorted((p["metadata"]["name"], p["status"]["phase"], condition_true(p, "Ready"))
                       for p in c.store.list("Pod", "default")),
        # which pods a scale-down deletes depends on how they are spread over the nodes (the
        # ReplicaSet ranks pods on crowded nodes first), so events name no pod here
        "owner_events": sorted((e["involvedObject"]["kind"], e["reason"], _no_pod_name(e["message"]))
                               for e in c.store.list("Event", "default")
                               if e["involvedObject"]["kind"] in ("Deployment", "ReplicaSet")),
        "endpoints": len(c.store.get("Endpoints", "default", "web")["subsets"][0]["addresses"]),
    }


def _no_pod_name(message: str) -> str:
    return re.sub(r"(pod: )\S+$", r"\1<pod>", message)


@pytest.fixture
def small() -> Iterator[Cluster]:
    yield from ready_cluster(3, seed=17)


@pytest.fixture
def big() -> Iterator[Cluster]:
    yield from ready_cluster(1000, seed=17)


def test_three_nodes_and_a_thousand_end_the_same(small: Cluster, big: Cluster) -> None:
    on_three, on_thousand = _scenario(small), _scenario(big)
    assert len(on_three["pods"]) == 60 and on_three["endpoints"] == 60
    assert on_three == on_thousand
    spread = {p["spec"]["nodeName"] for p in big.store.list("Pod", "default")}
    assert len(spread) > 3  # the big cluster did place them over more nodes
